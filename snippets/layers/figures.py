"""The figure of docs/layers.md (drawn at build time, not shown as code)."""

from __future__ import annotations

import numpy as np

from snippets.shared.finite_differences import numerical_jacobian


def structure_figure():
    """Heat maps of three Jacobians: linear (dense W), tanh (diagonal), softmax (symmetric).

    The tanh and softmax Jacobians are complex-step differences of the layers themselves (exact
    to round-off), not the formulas the page shows: the picture is the layers' own structure.
    """
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(0)
    z = rng.normal(size=5)
    W = rng.normal(size=(4, 5))  # a linear layer's Jacobian is its weight matrix
    softmax = lambda v: np.exp(v) / np.exp(v).sum()  # noqa: E731  (no max shift: |v| < 10 here)
    mats = [W, numerical_jacobian(np.tanh, z, "complex"), numerical_jacobian(softmax, 2 * z, "complex")]
    titles = ["linear: W (dense)", "tanh: diagonal", "softmax: diag(s) - s sᵀ"]
    fig, axes = plt.subplots(1, 3, figsize=(7.2, 2.6))
    for ax, M, title in zip(axes, mats, titles):
        lim = np.abs(M).max()  # a symmetric colour scale: white is exactly zero
        ax.imshow(M, cmap="RdBu_r", vmin=-lim, vmax=lim)
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel(f"{M.shape[1]} inputs", fontsize=8)
        ax.set_ylabel(f"{M.shape[0]} outputs", fontsize=8)
    return fig
