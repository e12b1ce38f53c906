"""The figure of docs/chain-rule.md (drawn at build time, not shown as code)."""

from __future__ import annotations

import numpy as np


def graph_figure():
    """The computational graph of the running example f, each edge labelled with its local derivative."""
    import matplotlib.pyplot as plt

    nodes = {
        "x": (0.0, 1.0), "y": (0.0, -1.0), "a = x²": (1.6, 1.6), "b = 5x": (1.6, 0.35),
        "c = sin y": (1.6, -1.3), "f1 = a y": (3.4, 1.0), "f2 = b + c": (3.4, -0.6),
    }
    # (tail, head, local derivative, where the label sits along the edge): the edges y -> f1
    # and b -> f2 cross near (2.0, 0.15), so their labels sit well away from the crossing.
    edges = [
        ("x", "a = x²", "2x", 0.5), ("x", "b = 5x", "5", 0.5), ("y", "c = sin y", "cos y", 0.5),
        ("a = x²", "f1 = a y", "y", 0.5), ("y", "f1 = a y", "a", 0.3), ("b = 5x", "f2 = b + c", "1", 0.7),
        ("c = sin y", "f2 = b + c", "1", 0.5),
    ]
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    for src, dst, label, t in edges:
        (x0, y0), (x1, y1) = nodes[src], nodes[dst]
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops=dict(arrowstyle="-|>", color="0.25", shrinkA=22, shrinkB=26, lw=1.2))
        # beside the edge: shifted along its normal, to the upper side, clear of the line
        dx, dy = x1 - x0, y1 - y0
        nx, ny = -dy / np.hypot(dx, dy), dx / np.hypot(dx, dy)
        if ny < 0:
            nx, ny = -nx, -ny
        ax.text(x0 + t * dx + 0.14 * nx, y0 + t * dy + 0.14 * ny, label, ha="center", va="center", fontsize=10,
                color="#1f4e9c", style="italic")
    for name, (px, py) in nodes.items():
        ax.text(px, py, name, ha="center", va="center", fontsize=10,
                bbox=dict(boxstyle="round,pad=0.35", fc="none", ec="black", lw=1.1))
    ax.set_xlim(-0.5, 4.0)
    ax.set_ylim(-1.8, 2.0)
    ax.axis("off")
    return fig
