"""The figures of docs/backprop.md (drawn at build time, not shown as code)."""

from __future__ import annotations

import numpy as np

from snippets.backprop.stacks import GRADIENT_SCALES, ROUNDOFF_FLOOR, cotangent_norms, spectra
from snippets.backprop.training import make_spirals


def pipeline_figure():
    """The MLP as a chain: values flow right (forward), VJPs flow left (backward)."""
    import matplotlib.pyplot as plt

    stages = ["x", "W1 x + b1", "tanh", "W2 h + b2", "softmax +\ncross-entropy", "L"]
    forward_labels = ["x", "a", "h", "z", "L"]
    backward_labels = [r"$W_1^\top u_a$" + "\n" + r"($\nabla_{W_1} L = u_a x^\top$)",
                       r"$u_a = u_h \odot (1 - h^2)$",
                       r"$u_h = W_2^\top u_z$" + "\n" + r"($\nabla_{W_2} L = u_z h^\top$)",
                       r"$u_z = \hat{y} - t$", "1"]
    fig, ax = plt.subplots(figsize=(8.4, 2.4))
    xs = np.arange(len(stages)) * 1.8
    for x0, name in zip(xs, stages):
        ax.text(x0, 0, name, ha="center", va="center", fontsize=9,
                bbox=dict(boxstyle="round,pad=0.4", fc="none", ec="black", lw=1.1))
    for i in range(len(stages) - 1):
        ax.annotate("", xy=(xs[i + 1] - 0.45, 0.35), xytext=(xs[i] + 0.45, 0.35),
                    arrowprops=dict(arrowstyle="-|>", color="0.2"))
        ax.text((xs[i] + xs[i + 1]) / 2, 0.5, forward_labels[i], ha="center", fontsize=9)
        ax.annotate("", xy=(xs[i] + 0.45, -0.35), xytext=(xs[i + 1] - 0.45, -0.35),
                    arrowprops=dict(arrowstyle="-|>", color="#b03a2e"))
        ax.text((xs[i] + xs[i + 1]) / 2, -0.52, backward_labels[i], ha="center", va="top", fontsize=8, color="#b03a2e")
    ax.text(xs[0] - 0.8, 0.5, "forward", fontsize=8, ha="right")
    ax.text(xs[0] - 0.8, -0.62, "backward", fontsize=8, ha="right", color="#b03a2e")
    ax.set_xlim(xs[0] - 1.8, xs[-1] + 0.6)
    ax.set_ylim(-1.05, 0.8)
    ax.axis("off")
    return fig


def spirals_figure():
    """The training data: three spiral arms, one marker per class."""
    import matplotlib.pyplot as plt

    X, labels = make_spirals()
    fig, ax = plt.subplots(figsize=(3.6, 3.4))
    for c, (marker, color) in enumerate(zip("o^s", ["#1f4e9c", "#b03a2e", "#1e7b34"])):
        ax.scatter(*X[labels == c].T, s=9, marker=marker, color=color, label=f"class {c}")
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(fontsize=8, loc="upper right", framealpha=0)
    return fig


def gradient_norms_figure():
    """||u|| against the number of layers it has passed back through, log axis, for the three
    weight scales of the page, and the residual stacks at the smallest and the largest scale."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.0, 3.6))
    styles = {0.25: ("#b03a2e", "v"), 1.0: ("#1e7b34", "s"), 4.0: ("#1f4e9c", "^")}
    for scale in GRADIENT_SCALES:
        norms = cotangent_norms(scale)[0]
        color, marker = styles[scale]
        ax.semilogy(np.arange(len(norms)), norms, color=color, marker=marker, markevery=5, ms=4, lw=1.4,
                    label=f"tanh, scale {scale:g}")
    for scale, style in ((0.25, "--"), (4.0, ":")):
        residual = cotangent_norms(scale, residual=True)[0]
        ax.semilogy(np.arange(len(residual)), residual, color="black", ls=style, lw=1.4,
                    label=f"residual, scale {scale:g}")
    ax.set_xlabel("layers the cotangent has passed back through")
    ax.set_ylabel(r"$\|\mathbf{u}\|$ (log scale)")
    ax.set_xlim(0, 50)
    ax.grid(True, which="major", color="0.85", lw=0.6)
    ax.legend(fontsize=8, loc="lower left", framealpha=0)
    return fig


def spectrum_figure():
    """The singular values of the 50-layer tanh stacks' input-output Jacobian, each divided by the
    largest, in decreasing order, down to the round-off floor."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.0, 3.6))
    styles = [("#b03a2e", "v", "-"), ("#1e7b34", "s", "-"), ("#1f4e9c", "^", "-"), ("black", None, "--")]
    for (name, sigma), (color, marker, ls) in zip(spectra().items(), styles):
        ratio = sigma / sigma[0]
        shown = ratio[ratio >= ROUNDOFF_FLOOR]
        ax.semilogy(np.arange(1, len(shown) + 1), shown, color=color, marker=marker, markevery=10, ms=4, ls=ls,
                    lw=1.4, label=name)
    ax.axhline(ROUNDOFF_FLOOR, color="0.5", lw=0.8, ls=":")
    ax.text(99, ROUNDOFF_FLOOR * 3, "round-off floor", ha="right", va="bottom", fontsize=8,
            color="0.35")
    ax.set_xlabel("index i of the singular value (largest first)")
    ax.set_ylabel(r"$\sigma_i / \sigma_1$ (log scale)")
    ax.set_xlim(0, 101)
    ax.set_ylim(ROUNDOFF_FLOOR / 10, 3)
    ax.grid(True, which="major", color="0.85", lw=0.6)
    ax.legend(fontsize=8, loc="center right", framealpha=0, title="tanh, 50 layers, weights:", title_fontsize=8)
    return fig
