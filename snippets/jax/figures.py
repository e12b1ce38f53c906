"""The figure of docs/jax.md (drawn at build time, not shown as code): the recorded timings of
jax.jacfwd and jax.jacrev on a tall and a wide function, read from the benchmark's result file."""

from __future__ import annotations

from snippets.jax.tables import load_results


def _sup(k: int) -> str:
    """k in superscript digits: 16 -> ¹⁶."""
    return str(k).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def timing_figure(results: dict | None = None):
    """Bars of the median time per call (log scale), with the smallest and largest run as error bars."""
    import matplotlib.pyplot as plt
    import numpy as np

    results = load_results() if results is None else results
    names = list(results["functions"])
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    width = 0.36
    for k, (mode, colour, hatch) in enumerate([("jacfwd", "#1f4e9c", ""), ("jacrev", "#b2182b", "//")]):
        t = [results["functions"][name][f"{mode}_ms"] for name in names]
        med = np.array([x["median"] for x in t])
        err = np.array([med - [x["min"] for x in t], [x["max"] for x in t] - med])
        pos = np.arange(len(names)) + (k - 0.5) * width
        ax.bar(pos, med, width, yerr=err, capsize=4, color=colour, alpha=0.8, hatch=hatch, label=mode)
        for xp, m, high in zip(pos, med, med + err[1]):
            ax.text(xp, high * 1.25, f"{m:.3g} ms", ha="center", fontsize=9)
    labels = [f"{name}\nℝ{_sup(results['functions'][name]['n'])} → ℝ{_sup(results['functions'][name]['m'])}"
              for name in names]
    ax.set_xticks(np.arange(len(names)), labels)
    ax.set_yscale("log")
    ax.set_ylabel("time per call (ms, log scale)")
    top = max(results["functions"][n][f"{m}_ms"]["max"] for n in names for m in ("jacfwd", "jacrev"))
    ax.set_ylim(top=top * 8)
    ax.legend(loc="upper center", ncol=2, fontsize=9, frameon=False)
    fig.tight_layout()
    return fig
