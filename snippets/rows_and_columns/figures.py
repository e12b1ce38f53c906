"""The figure of docs/rows-and-columns.md (drawn at build time, not shown as code)."""

from __future__ import annotations

import numpy as np

from snippets.shared.checks import finite_array


def steepest_ascent_figure(x0: tuple[float, float] = (1.0, 2.0)):
    """Two panels for g(x, y) = x^2 y at x0: its contours with the gradient arrow, and the rate of
    change along every unit direction (a central difference each), largest at the gradient's angle."""
    import matplotlib.pyplot as plt

    p = finite_array("x0", x0, shape=(2,))
    grad = np.array([2 * p[0] * p[1], p[0] ** 2])  # the gradient (2xy, x^2) of g = x^2 y
    if not np.any(grad):
        raise ValueError(f"x0 must be a point where the gradient of x^2 y is not zero, got {tuple(p)}")
    angles = np.linspace(0.0, 2 * np.pi, 360, endpoint=False)
    h = 6e-6
    g = lambda q: q[0] ** 2 * q[1]  # noqa: E731
    rates = np.array([(g(p + h * u) - g(p - h * u)) / (2 * h) for u in np.stack([np.cos(angles), np.sin(angles)], 1)])
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.0, 3.5))

    xs, ys = np.meshgrid(np.linspace(p[0] - 0.8, p[0] + 0.8, 60), np.linspace(p[1] - 0.8, p[1] + 0.8, 60))
    cs = ax1.contour(xs, ys, xs**2 * ys, levels=10, colors="#555555", linewidths=0.8)
    ax1.clabel(cs, fontsize=8, fmt="%.1f")
    unit = grad / np.linalg.norm(grad)
    ax1.annotate("", xy=p + 0.55 * unit, xytext=p, arrowprops={"arrowstyle": "-|>", "color": "#b2182b", "lw": 2})
    ax1.text(*(p + 0.6 * unit + np.array([0.02, 0.0])), r"$\nabla g$", color="#b2182b", fontsize=11)
    ax1.plot(*p, "o", color="#111111")
    ax1.set_xlabel("x")
    ax1.set_ylabel("y")
    ax1.set_aspect("equal")
    ax1.set_title("contours of g(x, y) = x² y", fontsize=10)

    best = angles[np.argmax(rates)]
    ax2.plot(np.degrees(angles), rates, color="#2166ac", lw=1.6)
    ax2.axvline(np.degrees(np.arctan2(grad[1], grad[0])), color="#b2182b", ls="--", lw=1.2)
    ax2.axhline(np.linalg.norm(grad), color="#555555", ls=":", lw=1.0)
    ax2.text(250, np.linalg.norm(grad) - 0.7, "‖∇g‖", color="#333333", fontsize=10)
    ax2.plot(np.degrees(best), rates.max(), "o", color="#b2182b")
    ax2.set_xlabel("direction angle (degrees)")
    ax2.set_ylabel("rate of change of g")
    ax2.set_xticks(range(0, 361, 90))
    ax2.set_title("largest at the gradient's angle", fontsize=10)
    fig.tight_layout()
    return fig
