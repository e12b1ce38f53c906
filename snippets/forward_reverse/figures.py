"""The figure of docs/forward-reverse.md (drawn at build time, not shown as code)."""

from __future__ import annotations


def modes_figure():
    """A 6 x 4 Jacobian: a JVP fills one column per pass, a VJP one row per pass."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    m, n = 6, 4
    fig, axes = plt.subplots(1, 2, figsize=(6.4, 3.0))
    titles = ["forward mode: J v = one column", "reverse mode: uᵀ J = one row"]
    for ax, title, mode in zip(axes, titles, ["col", "row"]):
        for i in range(m):
            for j in range(n):
                hit = (mode == "col" and j == 1) or (mode == "row" and i == 2)
                ax.add_patch(Rectangle((j, m - 1 - i), 1, 1, fc="#1f4e9c" if hit else "none", ec="black",
                                       alpha=0.55 if hit else 1.0, lw=1))
        ax.set_xlim(-0.2, n + 0.2)
        ax.set_ylim(-0.9, m + 0.2)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(title, fontsize=10)
        ax.text(n / 2, -0.6, f"m = {m} rows (outputs), n = {n} columns (inputs)", ha="center", fontsize=8)
    return fig
