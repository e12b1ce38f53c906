"""The timing table and sentence of docs/jax.md, read at build time from the benchmark's result
file ``benchmarks/results/jax_jacobians.json`` (written by ``benchmarks/jax_jacobians.py``).
Nothing here measures: the numbers are the recorded run's, and the page says which run."""

from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "jax_jacobians.json"


def load_results(path: Path = RESULTS) -> dict:
    """The recorded benchmark run, as a dict."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def speedups(results: dict) -> dict[str, float]:
    """For each function, how many times faster its better mode was (median time of the other / its own)."""
    out = {}
    for name, r in results["functions"].items():
        fwd, rev = r["jacfwd_ms"]["median"], r["jacrev_ms"]["median"]
        out[name] = max(fwd, rev) / min(fwd, rev)
    return out


def _ms(t: dict) -> str:
    return f"{t['median']:.3g} ({t['min']:.3g} to {t['max']:.3g})"


def timing_table_markdown(results: dict | None = None) -> str:
    """One row per function: shape, passes of each mode, median time (spread) of each mode."""
    results = load_results() if results is None else results
    rows = ["| function | shape of J (m x n) | jacfwd: JVPs | jacrev: VJPs | jacfwd, ms | jacrev, ms |",
            "| --- | --- | --- | --- | --- | --- |"]
    for name, r in results["functions"].items():
        rows.append(f"| `{name}` | ${r['m']} \\times {r['n']}$ | {r['jvps']} | {r['vjps']} "
                    f"| {_ms(r['jacfwd_ms'])} | {_ms(r['jacrev_ms'])} |")
    return "\n".join(rows)


def timing_sentence(results: dict | None = None) -> str:
    """Which mode won on each function, by how much, and on which run, as one paragraph."""
    results = load_results() if results is None else results
    ratio = speedups(results)
    parts = []
    for name, r in results["functions"].items():
        winner = "jacfwd" if r["jacfwd_ms"]["median"] < r["jacrev_ms"]["median"] else "jacrev"
        parts.append(f"on `{name}`, `{winner}` was about {ratio[name]:.0f} times faster")
    first = max(max(r["jacfwd_first_call_ms"]["median"], r["jacrev_first_call_ms"]["median"])
                for r in results["functions"].values())
    return (f"Medians of {results['functions']['tall']['jacfwd_ms']['runs']} timed runs (smallest to largest "
            f"in brackets), measured on {results['date']} on {results['machine']} (load average "
            f"{results['load_average']} at the start), JAX {results['jax']} ({results['backend']}, "
            f"{results['dtype']}), commit `{results['commit']}`: "
            + "; ".join(parts) + ". The first call of each compiled function, which traces and compiles "
            f"it, took up to {first / 1e3:.1f} s, far more than any call after it.")
