"""The figure of docs/attention.md (drawn at build time, not shown as code)."""

from __future__ import annotations

import numpy as np

from snippets.shared.finite_differences import numerical_jacobian

T, D = 4, 2  # tokens and width of the pictured head (d = d_v = 2)


def _attention(Q: np.ndarray, K: np.ndarray, V: np.ndarray) -> np.ndarray:
    """softmax(Q K^T / sqrt(d)) V without the max shift, so that it accepts complex input."""
    E = np.exp(Q @ K.T / np.sqrt(Q.shape[1]))  # scores of size < 5 here: no overflow
    return (E / E.sum(axis=1, keepdims=True)) @ V


def attention_jacobians(seed: int = 3) -> list[np.ndarray]:
    """The (T d_v) x (T d) Jacobians of the output with respect to Q, K and V (rows flattened).

    Complex-step differences of the layer itself (exact to round-off), not the formulas of the
    page: the picture is the layer's own structure.
    """
    Q, K, V = np.random.default_rng(seed).standard_normal((3, T, D))
    args = [Q, K, V]
    mats = []
    for k in range(3):
        def f(x: np.ndarray, k: int = k) -> np.ndarray:
            a = list(args)
            a[k] = x.reshape(T, D)
            return _attention(*a).ravel()

        mats.append(numerical_jacobian(f, args[k].ravel(), "complex"))
    return mats


def structure_figure():
    """Heat maps of the three Jacobians, with the token blocks outlined."""
    import matplotlib.pyplot as plt

    titles = ["with respect to Q:\nblock diagonal", "with respect to K:\ndense", "with respect to V:\nP ⊗ I (blocks P_ij I)"]
    fig, axes = plt.subplots(1, 3, figsize=(7.2, 2.9))
    for ax, M, title in zip(axes, attention_jacobians(), titles):
        lim = np.abs(M).max()  # a symmetric colour scale: white is exactly zero
        ax.imshow(M, cmap="RdBu_r", vmin=-lim, vmax=lim)
        for edge in np.arange(D, T * D, D) - 0.5:  # lines between the tokens' blocks
            ax.axhline(edge, color="0.4", lw=0.6)
            ax.axvline(edge, color="0.4", lw=0.6)
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel(f"{M.shape[1]} inputs ({T} tokens × {D})", fontsize=8)
        ax.set_ylabel(f"{M.shape[0]} outputs ({T} tokens × {D})", fontsize=8)
    fig.tight_layout()
    return fig
