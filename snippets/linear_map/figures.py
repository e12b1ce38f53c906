"""The figures of docs/linear-map.md (drawn at build time, not shown as code)."""

from __future__ import annotations

import numpy as np

from snippets.shared.checks import count, finite_array, positive
from snippets.shared.running_example import seed_f, seed_jacobian


def _errors(A: np.ndarray, p: np.ndarray, unit: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """|f(p + h) - f(p) - A h| of the running example f for h = t * unit, one per length t."""
    fp = seed_f(p)
    return np.array([np.linalg.norm(seed_f(p + t * unit) - fp - A @ (t * unit)) for t in lengths])


def slope_figure(p: tuple[float, float] = (1.0, 2.0), seed: int = 0):
    """Log-log plot of the linearization error of the running example at p along a random unit
    direction (drawn with ``seed``), for J and for J^T, with the fitted slopes in the legend."""
    import matplotlib.pyplot as plt

    p = finite_array("p", p, shape=(2,))
    direction = np.random.default_rng(count("seed", seed, 0)).normal(size=2)
    unit = direction / np.linalg.norm(direction)
    lengths = np.logspace(-4, -1, 13)
    J = seed_jacobian(p)
    fig, ax = plt.subplots(figsize=(5.6, 3.9))
    for A, label, style in ((J, "with J (numerator layout)", "o-"), (J.T, "with Jᵀ (a layout mix-up)", "s--")):
        errors = _errors(A, p, unit, lengths)
        slope = float(np.polyfit(np.log(lengths), np.log(errors), 1)[0])
        ax.loglog(lengths, errors, style, color="#2166ac" if A is J else "#b2182b", ms=4, lw=1.4,
                  label=f"{label}: slope {slope:.2f}")
    ax.set_xlabel("step length |h|")
    ax.set_ylabel("error |f(x + h) − f(x) − A h|")
    ax.grid(True, which="major", color="#cccccc", lw=0.5)
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    fig.tight_layout()
    return fig


def grid_figure(p: tuple[float, float] = (2.0, 0.0), half_width: float = 0.4, lines: int = 7, zoom: float = 0.1):
    """A square grid around p (top left); its image under f (solid) with its image under the
    affine map q -> f(p) + J_f(p)(q - p) drawn over it (dashed, top right); the same two images
    for a smaller grid of half-width ``zoom``, magnified (bottom left); and a legend (bottom
    right). Colour tells the two families of lines apart (blue: x fixed, orange: y fixed); line
    style tells the two maps apart (solid: f, dashed: the linear approximation)."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Polygon

    p = finite_array("p", p, shape=(2,))
    half_width = positive("half_width", half_width)
    zoom = positive("zoom", zoom)
    if zoom >= half_width:  # the magnified grid is the small square outlined inside the big one
        raise ValueError(f"zoom must be smaller than half_width = {half_width:g}, got {zoom:g}")
    lines = count("lines", lines, 2)
    J, fp = seed_jacobian(p), seed_f(p)
    # One hue per family of lines: a mid shade for f (wide, solid) and a dark shade of the same
    # hue for the linear map (thin, dashed), so that both stay visible where they overlap and
    # when the site inverts the figure in dark mode.
    blue, orange, outline, grey = ("#4a90d9", "#08306b"), ("#f08a24", "#8c3a00"), "#762a83", "#555555"
    dashes = (0, (4, 3))

    def grid(w: float) -> list[tuple[np.ndarray, tuple[str, str]]]:
        ticks, fine = np.linspace(-w, w, lines), np.linspace(-w, w, 41)
        return [(np.stack([np.full_like(fine, a), fine], 1), blue) for a in ticks] + [
            (np.stack([fine, np.full_like(fine, b)], 1), orange) for b in ticks
        ]

    exact = lambda d: np.array([seed_f(p + row) for row in d])  # noqa: E731
    affine = lambda d: fp + d @ J.T  # noqa: E731
    corners = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], dtype=float)

    fig, axes = plt.subplots(2, 2, figsize=(8.0, 7.6))
    (ax0, ax1), (ax2, key) = axes
    for offsets, (light, _) in grid(half_width):
        pts = p + offsets
        ax0.plot(pts[:, 0], pts[:, 1], color=light, lw=2.0)
    ax0.add_patch(Polygon(p + zoom * corners, closed=True, fill=False, ec=outline, lw=1.6))
    ax0.plot(*p, "o", color="#111111", ms=5)
    ax0.set_title(f"grid around x = ({p[0]:g}, {p[1]:g})", fontsize=13)
    ax0.set_xlabel("x", fontsize=12)
    ax0.set_ylabel("y", fontsize=12)

    for ax, w, title in ((ax1, half_width, f"its image, half-width {half_width:g}"),
                         (ax2, zoom, f"half-width {zoom:g}, magnified")):
        for offsets, (light, dark) in grid(w):
            ex, lin = exact(offsets), affine(offsets)
            ax.plot(ex[:, 0], ex[:, 1], color=light, lw=2.6, solid_capstyle="butt")
            ax.plot(lin[:, 0], lin[:, 1], color=dark, lw=1.1, ls=dashes)
        ax.plot(*fp, "o", color="#111111", ms=5, zorder=5)
        ax.set_title(title, fontsize=13)
        ax.set_xlabel("f₁", fontsize=12)
        ax.set_ylabel("f₂", fontsize=12)
    ax1.add_patch(Polygon(exact(zoom * corners), closed=True, fill=False, ec=outline, lw=1.6))
    for side in ax2.spines.values():
        side.set_color(outline)
        side.set_linewidth(1.6)
    for ax in (ax0, ax1, ax2):
        ax.set_aspect("equal", adjustable="datalim")
        ax.tick_params(labelsize=11)

    key.axis("off")
    handles = [
        Line2D([], [], color=blue[0], lw=4, label="blue: lines x = const."),
        Line2D([], [], color=orange[0], lw=4, label="orange: lines y = const."),
        Line2D([], [], color=grey, lw=2.6, label="solid: image under f"),
        Line2D([], [], color=grey, lw=1.1, ls=dashes, label="dashed: image under\nf(x) + J h"),
        Line2D([], [], color=outline, lw=1.6, label="purple: the small grid,\nmagnified bottom left"),
    ]
    key.legend(handles=handles, loc="center", fontsize=12, frameon=False, handlelength=2.6, labelspacing=1.0)
    fig.tight_layout(w_pad=1.0, h_pad=1.2)
    return fig
