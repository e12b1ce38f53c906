"""Time jax.jacfwd and jax.jacrev on a tall and a wide function (the page "Jacobians in JAX").

Run on demand from the repository root, on a quiet machine:
``.venv/bin/python benchmarks/jax_jacobians.py`` (``--no-save`` to only print). Writes
``benchmarks/results/jax_jacobians.json``, which the page reads when the site is built; nothing
here is asserted by a test (timings depend on the machine).

Both functions are x -> W2 tanh(W1 x) with a hidden width of 64, compiled with jax.jit, in
float64. ``tall`` maps R^16 -> R^1024 (m >> n), ``wide`` maps R^1024 -> R^16 (n >> m). jacfwd
pushes n tangents through (n JVPs, batched by vmap), jacrev pulls m cotangents back (m VJPs).
Each time is the median over ``--repeats`` runs of a timed loop, with the spread (smallest and
largest run); the first call, which traces and compiles, is timed separately.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import timeit
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

jax.config.update("jax_enable_x64", True)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "jax_jacobians.json"
HIDDEN = 64
SHAPES = {"tall": (16, 1024), "wide": (1024, 16)}  # name -> (n inputs, m outputs)


def make_function(n: int, m: int):
    """x -> W2 tanh(W1 x), R^n -> R^m, with fixed random W1 (64 x n) and W2 (m x 64)."""
    key_1, key_2 = jax.random.split(jax.random.key(0))
    W1 = jax.random.normal(key_1, (HIDDEN, n)) / jnp.sqrt(n)
    W2 = jax.random.normal(key_2, (m, HIDDEN)) / jnp.sqrt(HIDDEN)
    return lambda x: W2 @ jnp.tanh(W1 @ x)


def time_call(fn, x, repeats: int) -> dict:
    """Median, smallest and largest time of one call in ms, over ``repeats`` timed loops."""
    jax.block_until_ready(fn(x))
    number = max(1, int(0.2 / max(timeit.timeit(lambda: jax.block_until_ready(fn(x)), number=1), 1e-6)))
    runs = [t / number * 1e3 for t in timeit.repeat(lambda: jax.block_until_ready(fn(x)), number=number, repeat=repeats)]
    return {"median": statistics.median(runs), "min": min(runs), "max": max(runs), "runs": repeats, "loops": number}


def time_first_call(transform, f, x, repeats: int) -> dict:
    """Median (and spread) in ms of the first call of jit(transform(f)): tracing and compiling."""
    runs = []
    for _ in range(repeats):
        jax.clear_caches()
        fn = jax.jit(transform(f))
        start = time.perf_counter()
        jax.block_until_ready(fn(x))
        runs.append((time.perf_counter() - start) * 1e3)
    return {"median": statistics.median(runs), "min": min(runs), "max": max(runs), "runs": repeats}


def run(repeats: int) -> dict:
    results: dict = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}",
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                 text=True).stdout.strip(),
        "load_average": round(os.getloadavg()[0], 1),  # other work on the machine widens the spread
        "jax": jax.__version__,
        "backend": jax.default_backend(),
        "dtype": "float64",
        "hidden": HIDDEN,
        "functions": {},
    }
    for name, (n, m) in SHAPES.items():
        f = make_function(n, m)
        x = jnp.linspace(-1.0, 1.0, n)
        row: dict = {"n": n, "m": m, "jvps": n, "vjps": m}
        for label, transform in [("jacfwd", jax.jacfwd), ("jacrev", jax.jacrev)]:
            row[f"{label}_ms"] = time_call(jax.jit(transform(f)), x, repeats)
            row[f"{label}_first_call_ms"] = time_first_call(transform, f, x, max(3, repeats // 3))
        results["functions"][name] = row
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=9, help="timed runs per measurement (default 9)")
    parser.add_argument("--no-save", action="store_true", help=f"do not write {RESULTS.relative_to(ROOT)}")
    args = parser.parse_args()
    results = run(args.repeats)
    print(f"{results['date']} on {results['machine']}, JAX {results['jax']} ({results['backend']})")
    print(f"{'function':<8}{'n -> m':>12}{'jacfwd ms':>12}{'jacrev ms':>12}{'first jacfwd':>14}{'first jacrev':>14}")
    for name, r in results["functions"].items():
        print(f"{name:<8}{str(r['n']) + ' -> ' + str(r['m']):>12}{r['jacfwd_ms']['median']:>12.3f}"
              f"{r['jacrev_ms']['median']:>12.3f}{r['jacfwd_first_call_ms']['median']:>14.1f}"
              f"{r['jacrev_first_call_ms']['median']:>14.1f}")
    if not args.no_save:
        RESULTS.write_text(json.dumps(results, indent=1) + "\n")
        print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
