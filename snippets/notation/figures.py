"""The figure of docs/notation.md, drawn while the page is built (not shown as code)."""

from __future__ import annotations

import numpy as np

from snippets.notation.tables import tensor_jacobian
from snippets.shared.checks import count
from snippets.shared.running_example import seed_f


def batched_jacobian_matrix(B: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(X, M): B random points X of shape (B, 2), and the naive batched Jacobian of the running
    example at X, measured by central differences and reshaped from (B, 2, B, 2) to (2B, 2B)."""
    B, seed = count("B", B, minimum=1), count("seed", seed, minimum=0)
    X = np.random.default_rng(seed).uniform(-2, 2, size=(B, 2))
    J = tensor_jacobian(lambda X: np.stack([seed_f(row) for row in X]), X)
    return X, J.reshape(J.shape[0] * J.shape[1], J.shape[2] * J.shape[3])


def batched_jacobian_figure(B: int = 3, seed: int = 0):
    """The naive batched Jacobian of the running example drawn as a (2B) x (2B) matrix, one
    2 x 2 block per pair of examples: only the diagonal blocks are nonzero."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    _, M = batched_jacobian_matrix(B, seed)
    m = n = 2  # the running example maps R^2 to R^2
    Bm, Bn = M.shape
    fig, ax = plt.subplots(figsize=(4.6, 4.2))
    for r in range(Bm):
        for c in range(Bn):
            on_diagonal = r // m == c // n
            ax.add_patch(Rectangle((c, r), 1, 1, facecolor="#c9d3f0" if on_diagonal else "none", edgecolor="#999999", lw=0.5))
            value = M[r, c]
            ax.text(c + 0.5, r + 0.5, "0" if abs(value) < 1e-8 else f"{value:.2f}", ha="center", va="center",
                    fontsize=8, color="#111111" if on_diagonal else "#777777")
    for k in range(B + 1):  # block boundaries
        ax.plot([0, Bn], [k * m, k * m], color="#222222", lw=1.4)
        ax.plot([k * n, k * n], [0, Bm], color="#222222", lw=1.4)
    ax.set_xlim(0, Bn)
    ax.set_ylim(Bm, 0)
    ax.set_aspect("equal")
    ax.set_xticks([k * n + n / 2 for k in range(B)], [f"input of\nexample {k + 1}" for k in range(B)], fontsize=8)
    ax.set_yticks([k * m + m / 2 for k in range(B)], [f"output of\nexample {k + 1}" for k in range(B)], fontsize=8)
    ax.tick_params(length=0)
    ax.xaxis.tick_top()
    for side in ax.spines.values():
        side.set_visible(False)
    return fig
