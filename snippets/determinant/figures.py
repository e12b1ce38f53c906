"""The figures of docs/determinant.md (drawn at build time, not shown as code)."""

from __future__ import annotations

import numpy as np

from snippets.shared.checks import finite_array, positive
from snippets.shared.running_example import seed_f, seed_jacobian

# The coupling layer of the page's flow: log-scale s(z1) = 0.8 tanh z1, shift mu(z1) = 0.7 z1^2 - 0.7.
SCALE, SHIFT, OFFSET = 0.8, 0.7, -0.7


def _shoelace(v: np.ndarray) -> float:
    """Signed area of the polygon with vertices v (k x 2): positive when they run counterclockwise."""
    x, y = v[:, 0], v[:, 1]
    return float(0.5 * np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


def flow_density(x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
    """The density of x = T(z), z standard normal, written as p(x1) p(x2 | x1).

    x1 = z1 is standard normal, and given x1, x2 = z2 e^{s(x1)} + mu(x1) is normal with mean
    mu(x1) and standard deviation e^{s(x1)}: a route that does not use det J_T, so the tests can
    compare the page's log p_Z - log|det J_T| with it.
    """
    sigma = np.exp(SCALE * np.tanh(x1))
    mean = SHIFT * x1**2 + OFFSET
    return np.exp(-0.5 * x1**2 - 0.5 * ((x2 - mean) / sigma) ** 2) / (2 * np.pi * sigma)


def square_figure(centre: tuple[float, float] = (1.0, 2.0), side: float = 0.2):
    """A small square around ``centre`` and its image under the running example: the image is
    about |det J| times larger, and its corners run the other way round (det J < 0)."""
    import matplotlib.pyplot as plt

    c = finite_array("centre", centre, shape=(2,))
    side = positive("side", side)
    corners = c + side * np.array([[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]])
    k_edge = 20  # points per edge
    t = np.linspace(0, 1, k_edge, endpoint=False)[:, None]
    edges = np.concatenate([corners[k] + t * (corners[(k + 1) % 4] - corners[k]) for k in range(4)])
    image = np.array([seed_f(q) for q in edges])
    det = np.linalg.det(seed_jacobian(c))
    square_area, image_area = side**2, abs(_shoelace(image))
    colours = ["#b2182b", "#2166ac", "#1b7837", "#762a83"]
    fig, axes = plt.subplots(1, 2, figsize=(8.6, 4.3))
    for ax, pts, title in (
        (axes[0], edges, f"square, area {square_area:.4f}"),
        (axes[1], image, f"image under f, area {image_area:.4f}\n= {image_area / square_area:.3f} × the square's"),
    ):
        closed = np.vstack([pts, pts[:1]])
        ax.fill(closed[:, 0], closed[:, 1], color="#dddddd")
        for k in range(4):  # colour each edge, and an arrow for the direction of travel
            seg = closed[k * k_edge : (k + 1) * k_edge + 1]
            ax.plot(seg[:, 0], seg[:, 1], color=colours[k], lw=2.2)
            mid = len(seg) // 2
            ax.annotate("", xy=seg[mid + 1], xytext=seg[mid - 1],
                        arrowprops={"arrowstyle": "-|>", "color": colours[k], "lw": 1.6, "mutation_scale": 14})
        # Corner labels sit outside the shape, along the outward bisector of the two edges at
        # each corner, so that they cover neither a corner nor a short edge.
        span = np.ptp(pts, axis=0).max()
        n = len(pts)
        for k in range(4):
            i = k * k_edge
            ahead, behind = pts[(i + 1) % n] - pts[i], pts[i - 1] - pts[i]
            outward = -(ahead / np.linalg.norm(ahead) + behind / np.linalg.norm(behind))
            outward /= np.linalg.norm(outward)
            ax.text(*(pts[i] + 0.09 * span * outward), "ABCD"[k], fontsize=12, color="#111111",
                    ha="center", va="center",
                    bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": "#888888", "lw": 0.6})
            ax.plot(*pts[i], "o", color="#111111", ms=3.5)
        ax.set_title(title, fontsize=12)
        ax.set_aspect("equal", adjustable="datalim")
        ax.margins(0.2)
        ax.tick_params(labelsize=11)
    axes[0].set_xlabel("x", fontsize=12)
    axes[0].set_ylabel("y", fontsize=12)
    axes[1].set_xlabel("f₁", fontsize=12)
    axes[1].set_ylabel("f₂", fontsize=12)
    fig.suptitle(f"det J_f({c[0]:g}, {c[1]:g}) = {det:.3f}: small areas scale by about {abs(det):.3f}, "
                 "and A→B→C→D turns clockwise", fontsize=12)
    fig.tight_layout()
    return fig


def flow_figure():
    """Contours of the standard normal density (left) and of the density of x = T(z) (right)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(8.0, 3.7))
    X, Y = np.meshgrid(np.linspace(-3.5, 3.5, 80), np.linspace(-3.5, 3.5, 80))
    U, V = np.meshgrid(np.linspace(-3.5, 3.5, 80), np.linspace(-4.5, 6.0, 110))
    base = np.exp(-0.5 * (X**2 + Y**2)) / (2 * np.pi)
    pushed = flow_density(U, V)
    levels = [0.01, 0.03, 0.06, 0.09, 0.12, 0.15]
    # A few labels only, at fixed spots (deterministic, readable and apart): matplotlib puts
    # each on the labelled contour nearest to the spot given.
    labelled = [0.01, 0.09]
    spots = ([(1.7, -1.7), (0.8, -0.7)], [(1.9, 2.0), (0.5, 0.03)])
    for ax, (A, B, density), title, spot in ((axes[0], (X, Y, base), "base density p_Z", spots[0]),
                                             (axes[1], (U, V, pushed), "flow density p_X", spots[1])):
        cs = ax.contour(A, B, density, levels=levels, colors="#333333", linewidths=1.0)
        ax.clabel(cs, levels=labelled, fontsize=10, fmt="%.2f", inline_spacing=4, manual=spot)
        ax.set_title(title, fontsize=12)
        ax.set_aspect("equal")
        ax.tick_params(labelsize=11)
    axes[0].set_xlabel("z₁", fontsize=12)
    axes[0].set_ylabel("z₂", fontsize=12)
    axes[1].set_xlabel("x₁", fontsize=12)
    axes[1].set_ylabel("x₂", fontsize=12)
    fig.tight_layout()
    return fig


def ellipse_figure(centre: tuple[float, float] = (1.0, 2.0), flat: tuple[float, float] = (0.0, 1.0),
                   radius: float = 0.05):
    """A circle of ``radius`` around ``centre`` with the right singular vectors of J_f(centre)
    (left); its image under f and under the linear map, an ellipse with semi-axes sigma_i * radius
    along the left singular vectors (middle); the same for a circle around ``flat``, where J_f has
    rank 1 and the ellipse degenerates to a segment (right)."""
    import matplotlib.pyplot as plt

    c = finite_array("centre", centre, shape=(2,))
    q = finite_array("flat", flat, shape=(2,))
    radius = positive("radius", radius)
    t = np.linspace(0, 2 * np.pi, 241)
    circle = radius * np.stack([np.cos(t), np.sin(t)], axis=1)
    curved, linear, axis_colours = "#2166ac", "#b2182b", ("#1b7837", "#762a83")
    fig, axes = plt.subplots(1, 3, figsize=(9.6, 4.0))
    U, sigma, Vt = np.linalg.svd(seed_jacobian(c))
    axes[0].plot(*(c + circle).T, color=curved, lw=2.0)
    for k in range(2):
        axes[0].annotate("", xy=c + radius * Vt[k], xytext=c,
                         arrowprops={"arrowstyle": "-|>", "color": axis_colours[k], "lw": 1.8})
    axes[0].set_title(f"circle around ({c[0]:g}, {c[1]:g}),\narrows: radius × v₁, v₂", fontsize=12)
    axes[0].set_xlabel("x", fontsize=12)
    axes[0].set_ylabel("y", fontsize=12)
    panels = ((axes[1], c, "its image, arrows σᵢ × radius × uᵢ"),
              (axes[2], q, f"circle around ({q[0]:g}, {q[1]:g}), mapped"))
    for ax, p, name in panels:
        J, fp = seed_jacobian(p), seed_f(p)
        U, sigma, _ = np.linalg.svd(J)
        ax.plot(*np.array([seed_f(p + v) for v in circle]).T, color=curved, lw=2.4, label="image under f")
        ax.plot(*(fp + circle @ J.T).T, color=linear, lw=1.2, ls=(0, (4, 3)), label="image under f(x) + J h")
        for k in range(2):
            if sigma[k] > 1e-12 * sigma[0]:
                ax.annotate("", xy=fp + radius * sigma[k] * U[:, k], xytext=fp,
                            arrowprops={"arrowstyle": "-|>", "color": axis_colours[k], "lw": 1.8})
        rank = int(np.sum(sigma > 1e-12 * sigma[0]))
        ax.set_title(f"{name}\nσ = {sigma[0]:.2f}, {sigma[1]:.2f}; rank {rank}", fontsize=12)
        ax.set_xlabel("f₁", fontsize=12)
        ax.set_ylabel("f₂", fontsize=12)
    fig.legend(*axes[1].get_legend_handles_labels(), loc="lower center", ncol=2, fontsize=11, frameon=False)
    for ax in axes:
        ax.set_aspect("equal", adjustable="datalim")
        ax.margins(0.15)
        ax.tick_params(labelsize=10)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig
