"""The Jacobian determinant: local area scaling, orientation, change of variables, normalizing flows.

Reusable functions sit at the top: the signed area of a polygon, the area ratio of a small
square's image, and a tiny invertible 2-D map (an affine coupling layer, as in RealNVP) with its
inverse, log-determinant and the density it pushes a standard normal to. Figure builders follow.
The examples of the page "The Jacobian determinant" sit in the ``__main__`` block at the end;
``python -m snippets.determinant`` prints what the page shows.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def _points(name: str, value, min_rows: int = 1) -> np.ndarray:
    """A finite float array whose last axis has length 2 (points of R^2)."""
    if callable(value) or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an array of points (x, y), got {type(value).__name__}")
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0 or arr.shape[-1] != 2:
        raise ValueError(f"{name} must have shape (..., 2), points of R^2, got shape {arr.shape}")
    if arr.ndim == 2 and arr.shape[0] < min_rows:
        raise ValueError(f"{name} needs at least {min_rows} points, got {arr.shape[0]}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no nan or inf)")
    return arr


def polygon_area(vertices: np.ndarray) -> float:
    """Signed area of a polygon (shoelace formula): positive when the vertices run counterclockwise."""
    v = _points("vertices", vertices, min_rows=3)
    if v.ndim != 2:
        raise ValueError(f"vertices must have shape (k, 2), got shape {v.shape}")
    x, y = v[:, 0], v[:, 1]
    return float(0.5 * np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


def square_image_area_ratio(
    f: Callable[[np.ndarray], np.ndarray], centre: np.ndarray, side: float, samples_per_edge: int = 50
) -> float:
    """Signed area of the image under f of the square of the given side centred at ``centre``,
    divided by the square's area. As side -> 0 it tends to det J_f(centre)."""
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    c = _points("centre", centre)
    if c.shape != (2,):
        raise ValueError(f"centre must be one point of shape (2,), got shape {c.shape}")
    if not (np.isfinite(side) and side > 0):
        raise ValueError(f"side must be positive and finite, got {side}")
    t = np.linspace(-0.5, 0.5, samples_per_edge, endpoint=False)
    one = np.ones_like(t) * 0.5
    # counterclockwise: bottom, right, top, left edges
    boundary = np.concatenate(
        [np.stack([t, -one], 1), np.stack([one, t], 1), np.stack([-t, one], 1), np.stack([-one, -t], 1)]
    )
    image = np.array([f(c + side * q) for q in boundary])
    return polygon_area(image) / side**2


# ---- a tiny normalizing flow: one affine coupling layer on R^2 -------------------------------


def coupling_scale(z1: np.ndarray) -> np.ndarray:
    """s(z1) = 0.8 tanh(z1): the log of the factor that stretches the second coordinate."""
    return 0.8 * np.tanh(z1)


def coupling_shift(z1: np.ndarray) -> np.ndarray:
    """mu(z1) = 0.7 z1^2 - 0.7: how far the second coordinate is shifted."""
    return 0.7 * z1**2 - 0.7


def coupling_forward(z: np.ndarray) -> np.ndarray:
    """x = T(z) = (z1, z2 exp(s(z1)) + mu(z1)) for points z of shape (..., 2)."""
    z = _points("z", z)
    z1, z2 = z[..., 0], z[..., 1]
    return np.stack([z1, z2 * np.exp(coupling_scale(z1)) + coupling_shift(z1)], axis=-1)


def coupling_inverse(x: np.ndarray) -> np.ndarray:
    """z = T^{-1}(x) = (x1, (x2 - mu(x1)) exp(-s(x1))) for points x of shape (..., 2)."""
    x = _points("x", x)
    x1, x2 = x[..., 0], x[..., 1]
    return np.stack([x1, (x2 - coupling_shift(x1)) * np.exp(-coupling_scale(x1))], axis=-1)


def coupling_log_det(z: np.ndarray) -> np.ndarray:
    """log |det J_T(z)| = s(z1): J_T is lower triangular with diagonal (1, exp(s(z1)))."""
    z = _points("z", z)
    return coupling_scale(z[..., 0])


def flow_log_density(x: np.ndarray) -> np.ndarray:
    """log p_X(x) for X = T(Z), Z standard normal on R^2: log p_Z(T^{-1}(x)) - log |det J_T(T^{-1}(x))|."""
    z = coupling_inverse(x)
    log_pz = -0.5 * np.sum(z**2, axis=-1) - np.log(2 * np.pi)
    return log_pz - coupling_log_det(z)


def square_figure(centre: tuple[float, float] = (1.0, 2.0), side: float = 0.2):
    """A small square around ``centre`` and its image under the running example: the image is
    about |det J| times larger, and its corners run the other way round (det J < 0)."""
    import matplotlib.pyplot as plt

    from snippets.shared.running_example import seed_f, seed_jacobian

    if not (np.isfinite(side) and side > 0):
        raise ValueError(f"side must be positive and finite, got {side}")
    c = np.asarray(centre, dtype=float)
    corners = c + side * np.array([[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]])
    k_edge = 20  # points per edge
    t = np.linspace(0, 1, k_edge, endpoint=False)[:, None]
    edges = np.concatenate([corners[k] + t * (corners[(k + 1) % 4] - corners[k]) for k in range(4)])
    image = np.array([seed_f(q) for q in edges])
    det = np.linalg.det(seed_jacobian(c))
    square_area, image_area = side**2, abs(polygon_area(image))
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
    pushed = np.exp(flow_log_density(np.stack([U, V], axis=-1)))
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


if __name__ == "__main__":
    # --8<-- [start:area-scaling]
    import numpy as np


    def f(p):
        x, y = p
        return np.array([x**2 * y, 5 * x + np.sin(y)])


    def signed_area(v):
        """Shoelace formula: positive when the vertices run counterclockwise."""
        x, y = v[:, 0], v[:, 1]
        return 0.5 * np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y)


    c = np.array([1.0, 2.0])
    det_J = 2 * c[0] * c[1] * np.cos(c[1]) - 5 * c[0] ** 2  # det [[2xy, x^2], [5, cos y]]
    t = np.linspace(-0.5, 0.5, 200, endpoint=False)
    half = np.full_like(t, 0.5)
    # the unit square's boundary, counterclockwise: bottom, right, top, left
    square = np.concatenate([np.stack([t, -half], 1), np.stack([half, t], 1),
                             np.stack([-t, half], 1), np.stack([-half, -t], 1)])
    print(f"det J_f(1, 2) = {det_J:.6f}")
    for side in (0.1, 0.01, 0.001):
        image = np.array([f(c + side * q) for q in square])
        print(f"side {side:<5}: signed area of image / area of square = {signed_area(image) / side**2:.6f}")
    # --8<-- [end:area-scaling]

    # --8<-- [start:polar-sympy]
    import sympy as sp

    r, theta = sp.symbols("r theta", positive=True)
    cartesian = sp.Matrix([r * sp.cos(theta), r * sp.sin(theta)])  # (x, y) as a function of (r, theta)
    J = cartesian.jacobian([r, theta])
    print("J =", J)
    print("det J =", sp.simplify(J.det()))
    # --8<-- [end:polar-sympy]

    # --8<-- [start:change-of-variables]
    import numpy as np

    g = lambda x, y: np.exp(-(x**2 + y**2))  # integrate g over the unit disk
    exact = np.pi * (1 - np.exp(-1))

    # Polar coordinates with the factor |det J| = r (midpoint rule, 400 x 400 cells)
    n = 400
    r = (np.arange(n) + 0.5) / n
    theta = (np.arange(n) + 0.5) * 2 * np.pi / n
    R, T = np.meshgrid(r, theta)
    cell = (1 / n) * (2 * np.pi / n)
    polar = np.sum(g(R * np.cos(T), R * np.sin(T)) * R) * cell
    forgot_r = np.sum(g(R * np.cos(T), R * np.sin(T))) * cell

    # Monte Carlo in Cartesian coordinates: uniform points in the square [-1, 1]^2
    rng = np.random.default_rng(0)
    pts = rng.uniform(-1, 1, size=(1_000_000, 2))
    inside = np.sum(pts**2, axis=1) <= 1
    values = np.where(inside, g(pts[:, 0], pts[:, 1]), 0.0)
    monte_carlo = 4 * values.mean()  # the square has area 4
    std_error = 4 * values.std() / np.sqrt(len(values))

    print(f"exact pi (1 - 1/e):          {exact:.6f}")
    print(f"polar, with the factor r:    {polar:.6f}")
    print(f"polar, forgetting r:         {forgot_r:.6f}")
    print(f"Monte Carlo (Cartesian):     {monte_carlo:.6f} +/- {std_error:.6f}")
    # --8<-- [end:change-of-variables]

    # --8<-- [start:flow]
    import numpy as np


    def s(z1):  # log of the stretch of the second coordinate
        return 0.8 * np.tanh(z1)


    def mu(z1):  # shift of the second coordinate
        return 0.7 * z1**2 - 0.7


    def forward(z):  # x = T(z): an affine coupling layer
        z1, z2 = z[..., 0], z[..., 1]
        return np.stack([z1, z2 * np.exp(s(z1)) + mu(z1)], axis=-1)


    def inverse(x):  # z = T^{-1}(x)
        x1, x2 = x[..., 0], x[..., 1]
        return np.stack([x1, (x2 - mu(x1)) * np.exp(-s(x1))], axis=-1)


    def log_density(x):
        """log p_X(x) = log p_Z(z) - log|det J_T(z)| with z = T^{-1}(x); log|det J_T(z)| = s(z1)."""
        z = inverse(x)
        log_pz = -0.5 * np.sum(z**2, axis=-1) - np.log(2 * np.pi)  # standard normal on R^2
        return log_pz - s(z[..., 0])


    # Check log|det J_T| against a finite-difference Jacobian at a random point
    z0 = np.random.default_rng(1).normal(size=2)
    h = 1e-6
    J_fd = np.stack([(forward(z0 + h * e) - forward(z0 - h * e)) / (2 * h) for e in np.eye(2)], axis=1)
    print(f"log|det J| by finite differences: {np.log(abs(np.linalg.det(J_fd))):.8f}, formula s(z1): {s(z0[0]):.8f}")

    # The density must integrate to 1: midpoint rule on a box that holds almost all the mass
    # (x2 reaches far up because the shift mu(z1) = 0.7 z1^2 - 0.7 grows with |z1|)
    x1 = np.linspace(-7, 7, 701)
    x2 = np.linspace(-10, 40, 2501)
    X1, X2 = np.meshgrid((x1[:-1] + x1[1:]) / 2, (x2[:-1] + x2[1:]) / 2)
    cell = (x1[1] - x1[0]) * (x2[1] - x2[0])
    total = np.sum(np.exp(log_density(np.stack([X1, X2], axis=-1)))) * cell
    print(f"integral of p_X over the box: {total:.8f}")

    # The same density seen through samples: push normal samples forward, count a box
    x = forward(np.random.default_rng(2).normal(size=(400_000, 2)))
    in_box = (np.abs(x[:, 0]) < 0.5) & (np.abs(x[:, 1] + 0.5) < 0.5)
    box = (np.abs(X1) < 0.5) & (np.abs(X2 + 0.5) < 0.5)
    std_error = np.sqrt(in_box.mean() * (1 - in_box.mean()) / len(x))
    print(f"P(x in the box [-0.5, 0.5] x [-1, 0]): samples {in_box.mean():.4f} +/- {std_error:.4f}, "
          f"density {np.sum(np.exp(log_density(np.stack([X1, X2], -1)))[box]) * cell:.4f}")
    # --8<-- [end:flow]

    # --8<-- [start:exercise-seed-det]
    import sympy as sp

    x, y = sp.symbols("x y")
    J = sp.Matrix([x**2 * y, 5 * x + sp.sin(y)]).jacobian([x, y])
    d = J.det().subs({x: 1, y: 2})
    print("det J_f(1, 2) =", d, "=", sp.N(d, 6))
    # --8<-- [end:exercise-seed-det]

    # --8<-- [start:exercise-spherical]
    import sympy as sp

    r, theta, phi = sp.symbols("r theta phi", positive=True)  # phi: angle from the z axis
    xyz = sp.Matrix([r * sp.sin(phi) * sp.cos(theta),
                     r * sp.sin(phi) * sp.sin(theta),
                     r * sp.cos(phi)])
    det = sp.simplify(xyz.jacobian([r, phi, theta]).det())  # variables in the order (r, phi, theta)
    print("det J =", det)
    print("volume of the unit ball:", sp.integrate(sp.Abs(det), (r, 0, 1), (theta, 0, 2 * sp.pi), (phi, 0, sp.pi)))
    # --8<-- [end:exercise-spherical]

    # --8<-- [start:exercise-linear-flow]
    import numpy as np

    A = np.array([[2.0, 0.0], [1.0, 0.5]])  # x = A z + b, z standard normal
    b = np.array([1.0, -1.0])
    x = np.array([0.3, 0.7])

    z = np.linalg.solve(A, x - b)
    flow = -0.5 * z @ z - np.log(2 * np.pi) - np.log(abs(np.linalg.det(A)))

    cov = A @ A.T  # the Gaussian N(b, A A^T)
    d = x - b
    gaussian = -0.5 * d @ np.linalg.solve(cov, d) - np.log(2 * np.pi) - 0.5 * np.log(np.linalg.det(cov))
    print(f"flow formula:      log p(x) = {flow:.10f}")
    print(f"N(b, A A^T) logpdf:           {gaussian:.10f}")
    # --8<-- [end:exercise-linear-flow]
