"""The Jacobian as the best local linear map: f(x + h) ~ f(x) + J h, with an error of order |h|^2.

Reusable functions sit at the top: the linearization error along a direction for a list of step
lengths, and the slope of a log-log fit. Figure builders follow. The examples of the page "The
best local linear map" sit in the ``__main__`` block at the end; ``python -m snippets.linear_map``
prints what the page shows.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from snippets.shared.checks import finite_array


def linearization_errors(
    f: Callable[[np.ndarray], np.ndarray],
    A: np.ndarray,
    x: np.ndarray,
    direction: np.ndarray,
    lengths: np.ndarray,
) -> np.ndarray:
    """|f(x + h) - f(x) - A h| for h = t * direction / |direction|, one value per length t.

    With A = J_f(x) and f twice differentiable, the error shrinks like |h|^2; with any other A
    it shrinks only like |h|.
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    x = finite_array("x", x, 1)
    direction = finite_array("direction", direction, 1)
    lengths = finite_array("lengths", lengths, 1)
    A = finite_array("A", A, 2)
    fx = np.atleast_1d(np.asarray(f(x), dtype=float))
    if direction.shape != x.shape:
        raise ValueError(f"direction must have the shape of x, {x.shape}, got {direction.shape}")
    if A.shape != (fx.size, x.size):
        raise ValueError(f"A must be m x n = {(fx.size, x.size)} for f: R^{x.size} -> R^{fx.size}, got {A.shape}")
    norm = np.linalg.norm(direction)
    if norm == 0:
        raise ValueError("direction must not be the zero vector")
    if np.any(lengths <= 0):
        raise ValueError("lengths must be positive")
    unit = direction / norm
    errors = []
    for t in lengths:
        h = t * unit
        errors.append(np.linalg.norm(np.atleast_1d(f(x + h)) - fx - A @ h))
    return np.array(errors)


def loglog_slope(lengths: np.ndarray, errors: np.ndarray) -> float:
    """Least-squares slope of log(errors) against log(lengths): the order p in error ~ C |h|^p."""
    lengths = finite_array("lengths", lengths, 1)
    errors = finite_array("errors", errors, 1)
    if lengths.shape != errors.shape or lengths.size < 2:
        raise ValueError(f"need two or more (length, error) pairs of equal count, got {lengths.size} and {errors.size}")
    if np.any(lengths <= 0) or np.any(errors <= 0):
        raise ValueError("lengths and errors must be positive to take logarithms")
    slope, _ = np.polyfit(np.log(lengths), np.log(errors), 1)
    return float(slope)


def slope_figure(p: tuple[float, float] = (1.0, 2.0), seed: int = 0):
    """Log-log plot of the linearization error of the running example at p, for J and for J^T."""
    import matplotlib.pyplot as plt

    from snippets.shared.running_example import seed_f, seed_jacobian

    p = np.asarray(p, dtype=float)
    direction = np.random.default_rng(seed).normal(size=2)
    lengths = np.logspace(-4, -1, 13)
    J = seed_jacobian(p)
    fig, ax = plt.subplots(figsize=(5.6, 3.9))
    for A, label, style in ((J, "with J (numerator layout)", "o-"), (J.T, "with Jᵀ (a layout mix-up)", "s--")):
        errors = linearization_errors(seed_f, A, p, direction, lengths)
        ax.loglog(lengths, errors, style, color="#2166ac" if A is J else "#b2182b", ms=4, lw=1.4,
                  label=f"{label}: slope {loglog_slope(lengths, errors):.2f}")
    ax.set_xlabel("step length |h|")
    ax.set_ylabel("error |f(x + h) − f(x) − A h|")
    ax.grid(True, which="major", color="#cccccc", lw=0.5)
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    fig.tight_layout()
    return fig


def grid_figure(p: tuple[float, float] = (1.0, 2.0), half_width: float = 0.4, lines: int = 7, zoom: float = 0.1):
    """Three panels: a square grid around p; its image under f (solid) with its image under the
    affine map q -> f(p) + J_f(p)(q - p) drawn over it (dashed); and the same two images for a
    smaller grid of half-width ``zoom``, magnified. Lines x = const are blue, y = const orange."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Polygon

    from snippets.shared.running_example import seed_f, seed_jacobian

    p = np.asarray(p, dtype=float)
    if not (np.isfinite(half_width) and half_width > 0):
        raise ValueError(f"half_width must be positive, got {half_width}")
    if not (np.isfinite(zoom) and 0 < zoom < half_width):
        raise ValueError(f"zoom must lie strictly between 0 and half_width = {half_width}, got {zoom}")
    J, fp = seed_jacobian(p), seed_f(p)
    # (solid colour for f, dashed colour for the affine map): a mid and a dark shade of one hue,
    # so that both stay visible when the site inverts the figure in dark mode
    blue, orange = ("#4a90d9", "#08306b"), ("#f08a24", "#7f2704")

    def grid(w: float) -> list[tuple[np.ndarray, tuple[str, str]]]:
        ticks, fine = np.linspace(-w, w, lines), np.linspace(-w, w, 41)
        return [(np.stack([np.full_like(fine, a), fine], 1), blue) for a in ticks] + [
            (np.stack([fine, np.full_like(fine, b)], 1), orange) for b in ticks
        ]

    exact = lambda d: np.array([seed_f(p + row) for row in d])
    affine = lambda d: fp + d @ J.T

    fig, axes = plt.subplots(1, 3, figsize=(9.0, 3.7))
    ax0, ax1, ax2 = axes
    for offsets, (light, _) in grid(half_width):
        pts = p + offsets
        ax0.plot(pts[:, 0], pts[:, 1], color=light, lw=1.6)
    ax0.add_patch(Polygon(p + zoom * np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]), closed=True,
                          fill=False, ec="#762a83", lw=1.6))
    ax0.plot(*p, "o", color="#111111", ms=5)
    ax0.set_aspect("equal")
    ax0.set_title(f"grid around x = ({p[0]:g}, {p[1]:g})", fontsize=13)
    ax0.set_xlabel("x", fontsize=12)
    ax0.set_ylabel("y", fontsize=12)

    for ax, w, title in ((ax1, half_width, f"half-width {half_width:g}"),
                         (ax2, zoom, f"half-width {zoom:g}, magnified")):
        for offsets, (light, dark) in grid(w):
            ex, lin = exact(offsets), affine(offsets)
            ax.plot(ex[:, 0], ex[:, 1], color=light, lw=2.4, solid_capstyle="butt")
            ax.plot(lin[:, 0], lin[:, 1], color=dark, lw=1.0, ls=(0, (4, 3)))
        ax.plot(*fp, "o", color="#111111", ms=5, zorder=5)
        ax.set_title(title, fontsize=13)
        ax.set_xlabel("f₁", fontsize=12)
        ax.set_ylabel("f₂", fontsize=12)
    from matplotlib.lines import Line2D

    ax1.legend(handles=[Line2D([], [], color=blue[0], lw=2.4, label="f"),
                        Line2D([], [], color=blue[1], lw=1.0, ls=(0, (4, 3)), label="f(x) + J h")],
               loc="lower right", fontsize=11, frameon=False, handlelength=2.2)
    ax1.add_patch(Polygon(exact(zoom * np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], dtype=float)),
                          closed=True, fill=False, ec="#762a83", lw=1.6))
    for side in ax2.spines.values():
        side.set_color("#762a83")
        side.set_linewidth(1.6)
    for ax in axes:
        ax.tick_params(labelsize=11)
    fig.tight_layout(w_pad=0.8)
    return fig


if __name__ == "__main__":
    # --8<-- [start:first-order]
    import numpy as np


    def f(p):
        x, y = p
        return np.array([x**2 * y, 5 * x + np.sin(y)])


    def J(p):
        x, y = p
        return np.array([[2 * x * y, x**2], [5.0, np.cos(y)]])


    p = np.array([1.0, 2.0])
    for h in (np.array([0.1, 0.0]), np.array([0.05, 0.0]), np.array([0.1, -0.05])):
        exact = f(p + h)
        predicted = f(p) + J(p) @ h
        print(f"h = {h}:")
        print(f"  f(p + h)   = {exact.round(6)}")
        print(f"  f(p) + J h = {predicted.round(6)}")
        print(f"  error = {np.abs(exact - predicted).round(6)}")
    # --8<-- [end:first-order]

    # --8<-- [start:error-slope]
    import numpy as np


    def f(p):
        x, y = p
        return np.array([x**2 * y, 5 * x + np.sin(y)])


    def J(p):
        x, y = p
        return np.array([[2 * x * y, x**2], [5.0, np.cos(y)]])


    p = np.array([1.0, 2.0])
    u = np.random.default_rng(0).normal(size=2)
    u /= np.linalg.norm(u)  # a random unit direction
    lengths = np.logspace(-4, -1, 13)  # |h| from 1e-4 to 1e-1

    for name, A in (("J", J(p)), ("J^T", J(p).T)):
        errors = [np.linalg.norm(f(p + t * u) - f(p) - A @ (t * u)) for t in lengths]
        slope = np.polyfit(np.log(lengths), np.log(errors), 1)[0]
        print(f"A = {name:3}: error at |h| = 1e-1: {errors[-1]:.2e}, at 1e-4: {errors[0]:.2e}, "
              f"log-log slope {slope:.3f}")
    # --8<-- [end:error-slope]

    # --8<-- [start:exercise-predict]
    import numpy as np

    x, y = 1.0, 2.0
    h = np.array([-0.1, 0.1])  # step to (0.9, 2.1)
    f_p = np.array([x**2 * y, 5 * x + np.sin(y)])
    J = np.array([[2 * x * y, x**2], [5.0, np.cos(y)]])
    predicted = f_p + J @ h
    exact = np.array([0.9**2 * 2.1, 5 * 0.9 + np.sin(2.1)])
    print("predicted f(0.9, 2.1):", predicted.round(6))
    print("exact     f(0.9, 2.1):", exact.round(6))
    print("error:", np.abs(exact - predicted).round(6))
    # --8<-- [end:exercise-predict]

    # --8<-- [start:exercise-remainder]
    import sympy as sp

    x, y, a, b = sp.symbols("x y a b")
    f1 = x**2 * y
    linear = f1 + sp.diff(f1, x) * a + sp.diff(f1, y) * b  # f1(x, y) + grad f1 . (a, b)
    remainder = sp.expand(f1.subs({x: x + a, y: y + b}, simultaneous=True) - linear)
    print("f1(x + a, y + b) - [f1 + grad f1 . h] =", remainder)
    # --8<-- [end:exercise-remainder]

    # --8<-- [start:exercise-constant]
    import numpy as np

    x = 1.0
    for h in (1e-1, 1e-2, 1e-3):
        error = (x + h) ** 3 - (x**3 + 3 * x**2 * h)  # f(x + h) - [f(x) + f'(x) h]
        print(f"h = {h:g}: error = {error:.3e}, error / h^2 = {error / h**2:.4f}")
    print("f''(1) / 2 =", 6 * x / 2)
    # --8<-- [end:exercise-constant]
