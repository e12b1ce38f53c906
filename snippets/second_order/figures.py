"""The convergence figure of docs/second-order.md, its alt text and caption (drawn at build
time, not shown as code), from the runs of ``curve_fits.table_runs``."""

from __future__ import annotations

import numpy as np

from snippets.second_order.curve_fits import best_gd, curve_data, table_runs


def convergence_results() -> dict[str, dict]:
    """The three runs the figure shows, from the good start: the fastest gradient descent,
    Gauss-Newton and Levenberg-Marquardt."""
    everything = table_runs()[0]
    best = best_gd(everything)
    return {best: everything[best], "gauss-newton": everything["gauss-newton"],
            "levenberg-marquardt": everything["levenberg-marquardt"]}


def gn_lm_loss_gap() -> float:
    """Largest relative difference between the Gauss-Newton and Levenberg-Marquardt losses,
    iteration by iteration, in the figure (LM's damping only shrinks there)."""
    runs = convergence_results()
    gn, lm = runs["gauss-newton"]["losses"], runs["levenberg-marquardt"]["losses"]
    n = min(gn.size, lm.size)
    return float(np.max(np.abs(gn[:n] - lm[:n]) / gn[:n]))


def convergence_alt_text() -> str:
    """The figure's alt text, with its numbers taken from the runs it shows."""
    t, y = curve_data()
    runs = convergence_results()
    gd_key = next(k for k in runs if k.startswith("gd "))
    gn, lm, gd = runs["gauss-newton"], runs["levenberg-marquardt"], runs[gd_key]
    return (f"Left: {t.size} data points decaying from {y[0]:.1f} to {y[-1]:.2f}, with the fitted "
            f"exponential curve through them. Right: loss minus its minimum against the iteration, "
            f"on log-log axes. Gauss-Newton and Levenberg-Marquardt reach the gradient tolerance in "
            f"{_counts(gn['iterations'], lm['iterations'])}, their losses within "
            f"{gn_lm_loss_gap():.0%} of each other at every iteration, so their curves overlap. "
            f"Gradient descent with step {gd_key[3:]} needs {gd['iterations']}; its loss first rises, "
            f"from {gd['losses'][0]:.2f} to {gd['losses'][1]:.2f}, then falls.")


def _counts(a: int, b: int) -> str:
    """'6 iterations each', or '6 and 7 iterations'."""
    return f"{a} iterations each" if a == b else f"{a} and {b} iterations"


def convergence_caption() -> str:
    """The figure's caption, with the GN/LM gap computed."""
    return ("The curve fit from (a, b) = (1, 0): data and fit (left), convergence (right). "
            "Levenberg–Marquardt's damping only shrank here, so its losses stay within "
            f"{gn_lm_loss_gap():.0%} of Gauss–Newton's and the two curves overlap (crosses on "
            "circles). Gradient descent's loss rises on its first step, an overshoot. Differences "
            "below machine precision are drawn at machine precision.")


def convergence_figure():
    """Left: the data and the fitted curve. Right: loss above its minimum, per iteration."""
    import matplotlib.pyplot as plt

    t, y = curve_data()
    results = convergence_results()
    best = min(res["losses"].min() for res in results.values())
    floor = np.finfo(float).eps * best  # below this, differences of the loss are round-off
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(7.4, 3.0), gridspec_kw={"width_ratios": [1, 1.15]})
    a, b = results["levenberg-marquardt"]["theta"]
    tt = np.linspace(0, 2, 100)
    ax1.plot(t, y, "o", color="black", ms=3, label="data")
    ax1.plot(tt, a * np.exp(b * tt), color="#1f4e9c", label="fit a exp(b t)")
    ax1.set_xlabel("t")
    ax1.set_ylabel("y")
    ax1.legend(fontsize=8, framealpha=0)
    styles = {"gauss-newton": ("Gauss–Newton", "#1f4e9c", "-", "o", 6.5),
              "levenberg-marquardt": ("Levenberg–Marquardt", "#1e7b34", "none", "x", 5)}
    for m, res in results.items():
        label, color, ls, marker, size = styles.get(m, (f"gradient descent ({m[3:]})", "#b03a2e", "-", None, 0))
        gap = np.maximum(res["losses"] - best, floor)
        ax2.loglog(np.arange(1, gap.size + 1), gap, linestyle=ls, marker=marker, ms=size, mfc="none",
                   color=color, label=label, lw=1.6)
    ax2.set_xlabel("iteration (1 = the start)")
    ax2.set_ylabel("loss − minimum")
    ax2.legend(fontsize=8, framealpha=0, loc="upper left", bbox_to_anchor=(1.02, 1.0))  # beside the curves
    fig.tight_layout()
    return fig
