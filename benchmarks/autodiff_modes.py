"""Time forward mode (dual numbers) and reverse mode (tape) on a tall and a wide function.

Run on demand from the repository root: ``.venv/bin/python benchmarks/autodiff_modes.py``.
Prints a table; nothing here is asserted (timings depend on the machine). The pass counts
that the page "Forward and reverse mode" shows are counted at build time, not timed.
"""

from __future__ import annotations

import sys
import timeit
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from snippets.forward_reverse.tables import pass_counts, site_autodiff  # noqa: E402

ad = site_autodiff()  # snippets/forward_reverse/autodiff.py, without the page examples' printing


def best_of(func, repeat: int = 5) -> float:
    """Best wall-clock time of one call, in seconds, over ``repeat`` runs."""
    return min(timeit.repeat(func, number=1, repeat=repeat))


def main() -> None:
    rng = np.random.default_rng(0)
    print(f"{'function':<16}{'m x n':>10}{'fwd passes':>12}{'rev sweeps':>12}{'forward [ms]':>14}{'reverse [ms]':>14}")
    for name, f, n in [("tall (m >> n)", ad.tall, 2), ("wide (n >> m)", ad.wide, 200)]:
        x = rng.normal(size=n)
        c = pass_counts(f, x)
        t_fwd = best_of(lambda: ad.jacobian_forward(f, x))
        t_rev = best_of(lambda: ad.jacobian_reverse(f, x))
        shape = f"{c['m']} x {c['n']}"
        print(f"{name:<16}{shape:>10}{c['forward_passes']:>12}{c['reverse_sweeps']:>12}"
              f"{1e3 * t_fwd:>14.1f}{1e3 * t_rev:>14.1f}")
    print("Reverse mode records the tape once (one evaluation of f), then sweeps it once per output.")


if __name__ == "__main__":
    main()
