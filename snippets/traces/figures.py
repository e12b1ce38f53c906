"""The figure of docs/traces.md (drawn at build time, not shown as code)."""

from __future__ import annotations

import contextlib
import io
import runpy
from pathlib import Path

import numpy as np


def running_estimates(max_samples: int = 2000) -> dict:
    """The running Hutchinson estimates of the page's block ``hutchinson.py``, on its own probes.

    Returns the exact trace, the sample counts, and for each probe distribution the running mean
    of v^T J v over the first 1, 2, ... probes and its standard error from the variance formula.
    """
    with contextlib.redirect_stdout(io.StringIO()):
        ns = runpy.run_path(str(Path(__file__).with_name("hutchinson.py")))
    counts = np.arange(1, max_samples + 1)
    curves = {}
    for name, V in ns["probes"].items():
        V = V[:max_samples]
        quad = np.sum(V * ns["jvp"](ns["x"], V), axis=1)
        curves[name] = (np.cumsum(quad) / counts, np.sqrt(ns["var_formula"][name] / counts))
    return {"exact": ns["exact"], "counts": counts, "curves": curves}


def convergence_figure():
    """Running estimate against the number of probes, with the +-1 standard-error band."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    data = running_estimates()
    shown = np.unique(np.geomspace(1, len(data["counts"]), 250).astype(int)) - 1  # even on the log axis
    counts = data["counts"][shown]
    fig, axes = plt.subplots(1, 2, figsize=(7.2, 2.8), sharey=True)
    for ax, (name, (mean, se)), colour in zip(axes, data["curves"].items(), ("C0", "C1")):
        mean, se = mean[shown], se[shown]
        ax.fill_between(counts, data["exact"] - se, data["exact"] + se, color=colour, alpha=0.25,
                        lw=0, label="exact ± 1 standard error")
        ax.plot(counts, mean, color=colour, lw=1, label="running estimate")
        ax.axhline(data["exact"], color="k", lw=0.8, ls="--", label="exact trace")
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))  # plain text, no mathtext
        ax.set_ylim(data["exact"] - 1.5, data["exact"] + 1.5)
        ax.set_title(f"{name} probes", fontsize=9)
        ax.set_xlabel("number of probes N (one JVP each)", fontsize=8)
        ax.tick_params(labelsize=8)
    axes[0].set_ylabel("estimate of tr J", fontsize=8)
    axes[0].legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    return fig
