"""Rows and columns of the Jacobian: rows are VJPs with e_i, columns are JVPs with e_j.

Reusable functions sit at the top: a vector-Jacobian product and a Jacobian-vector product by
central differences, the Jacobian built from either, and the directional derivatives of a
scalar function of two variables (for the steepest-ascent check). The examples of the page
"Rows and columns: the stack of gradients" sit in the ``__main__`` block at the end;
``python -m snippets.rows_columns`` prints what the page shows.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

STEP = 6e-6  # central differences in float64: error ~ h^2 + eps/h, smallest near eps^(1/3)


def _check_f_x(f: Callable, x: np.ndarray) -> np.ndarray:
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    if callable(x) or isinstance(x, (str, bytes)):
        raise TypeError(f"x must be an array of numbers, got {type(x).__name__}")
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"x must be a non-empty 1-D array (a point of R^n), got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x must be finite (no nan or inf)")
    return x


def _check_vector(name: str, v: np.ndarray, size: int, space: str) -> np.ndarray:
    if callable(v) or isinstance(v, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers, got {type(v).__name__}")
    v = np.asarray(v, dtype=float)
    if v.shape != (size,):
        raise ValueError(f"{name} must have shape ({size},), a vector of {space}, got shape {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError(f"{name} must be finite (no nan or inf)")
    return v


def _output(f: Callable, x: np.ndarray) -> np.ndarray:
    fx = np.asarray(f(x), dtype=float)
    if fx.ndim > 1:
        raise ValueError(f"f must return a scalar or a 1-D array, got shape {fx.shape}")
    return np.atleast_1d(fx)


def vjp(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, u: np.ndarray, h: float = STEP) -> np.ndarray:
    """The vector-Jacobian product u^T J_f(x), a vector of R^n.

    It is the gradient of the scalar function x -> u . f(x), estimated by central differences.
    """
    x = _check_f_x(f, x)
    u = _check_vector("u", u, _output(f, x).size, "the output space R^m")
    columns = []
    for j in range(x.size):
        step = np.zeros_like(x)
        step[j] = h
        columns.append((u @ _output(f, x + step) - u @ _output(f, x - step)) / (2 * h))
    return np.array(columns)


def jvp(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, v: np.ndarray, h: float = STEP) -> np.ndarray:
    """The Jacobian-vector product J_f(x) v, a vector of R^m: the rate of change of f along v.

    Estimated by one central difference along v: (f(x + h v) - f(x - h v)) / (2h).
    """
    x = _check_f_x(f, x)
    v = _check_vector("v", v, x.size, "the input space R^n")
    _output(f, x)
    return (_output(f, x + h * v) - _output(f, x - h * v)) / (2 * h)


def jacobian_by_rows(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray) -> np.ndarray:
    """J_f(x) built row by row: row i is the VJP with the unit vector e_i of R^m."""
    x = _check_f_x(f, x)
    m = _output(f, x).size
    return np.stack([vjp(f, x, np.eye(m)[i]) for i in range(m)])


def jacobian_by_columns(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray) -> np.ndarray:
    """J_f(x) built column by column: column j is the JVP with the unit vector e_j of R^n."""
    x = _check_f_x(f, x)
    return np.stack([jvp(f, x, np.eye(x.size)[j]) for j in range(x.size)], axis=1)


def directional_derivatives(
    g: Callable[[np.ndarray], float], x: np.ndarray, n_angles: int = 360
) -> tuple[np.ndarray, np.ndarray]:
    """Rates of change of a scalar g: R^2 -> R at x along n_angles unit directions (cos t, sin t).

    Returns (angles, rates); each rate is a central difference along its direction.
    """
    x = _check_f_x(g, x)
    if x.size != 2:
        raise ValueError(f"x must be a point of R^2 for a circle of directions, got shape {x.shape}")
    if _output(g, x).size != 1:
        raise ValueError("g must be scalar-valued")
    if not isinstance(n_angles, (int, np.integer)) or isinstance(n_angles, bool) or n_angles < 4:
        raise ValueError(f"n_angles must be an integer >= 4, got {n_angles!r}")
    angles = np.linspace(0.0, 2 * np.pi, n_angles, endpoint=False)
    rates = np.array([jvp(g, x, np.array([np.cos(t), np.sin(t)]))[0] for t in angles])
    return angles, rates


def steepest_ascent_figure(x0: tuple[float, float] = (1.0, 2.0)):
    """Two panels for g(x, y) = x^2 y at x0: its contours with the gradient arrow, and the rate of
    change along every unit direction, largest at the gradient's angle."""
    import matplotlib.pyplot as plt

    def g(p: np.ndarray) -> float:
        return p[0] ** 2 * p[1]

    p = np.asarray(x0, dtype=float)
    grad = vjp(g, p, np.array([1.0]))
    angles, rates = directional_derivatives(g, p, 360)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.4, 3.6))

    xs, ys = np.meshgrid(np.linspace(0.2, 1.8, 60), np.linspace(1.2, 2.8, 60))
    cs = ax1.contour(xs, ys, xs**2 * ys, levels=10, colors="#555555", linewidths=0.8)
    ax1.clabel(cs, fontsize=7, fmt="%.1f")
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


if __name__ == "__main__":
    # --8<-- [start:sympy-rows-columns]
    import sympy as sp

    x, y, t = sp.symbols("x y t")
    X = sp.Matrix([x, y])
    f = sp.Matrix([x**2 * y, 5 * x + sp.sin(y)])
    m, n = f.shape[0], X.shape[0]
    e = lambda k, size: sp.eye(size)[:, k]  # the k-th unit column vector

    # Row i: the gradient of the scalar e_i^T f, transposed (a vector-Jacobian product).
    rows = [(e(i, m).T * f).jacobian(X) for i in range(m)]
    # Column j: the derivative of f along e_j, d/dt f(x + t e_j) at t = 0 (a Jacobian-vector product).
    columns = [f.subs({x: x + t * e(j, n)[0], y: y + t * e(j, n)[1]}, simultaneous=True).diff(t).subs(t, 0)
               for j in range(n)]

    J = f.jacobian(X)
    print("rows:   ", [list(r) for r in rows])
    print("columns:", [list(c) for c in columns])
    print("stacked rows == jacobian:   ", sp.Matrix.vstack(*rows) == J)
    print("stacked columns == jacobian:", sp.Matrix.hstack(*columns) == J)
    # --8<-- [end:sympy-rows-columns]

    # --8<-- [start:numeric-rows-columns]
    import numpy as np


    def f(p):  # the running example, R^2 -> R^2
        x, y = p
        return np.array([x**2 * y, 5 * x + np.sin(y)])


    def vjp(f, p, u, h=1e-6):
        """u^T J_f(p): the gradient of the scalar p -> u . f(p), by central differences."""
        steps = h * np.eye(p.size)
        return np.array([(u @ f(p + s) - u @ f(p - s)) / (2 * h) for s in steps])


    def jvp(f, p, v, h=1e-6):
        """J_f(p) v: the rate of change of f along v, by one central difference."""
        return (f(p + h * v) - f(p - h * v)) / (2 * h)


    p = np.array([1.0, 2.0])
    m, n = f(p).size, p.size
    J_rows = np.stack([vjp(f, p, np.eye(m)[i]) for i in range(m)])  # m VJPs, one per row
    J_cols = np.stack([jvp(f, p, np.eye(n)[j]) for j in range(n)], axis=1)  # n JVPs, one per column
    J_exact = np.array([[2 * p[0] * p[1], p[0] ** 2], [5.0, np.cos(p[1])]])

    print("row by row (VJPs):\n", J_rows)
    print("column by column (JVPs):\n", J_cols)
    print(f"largest error, rows:    {np.max(np.abs(J_rows - J_exact)):.1e}")
    print(f"largest error, columns: {np.max(np.abs(J_cols - J_exact)):.1e}")
    # --8<-- [end:numeric-rows-columns]

    # --8<-- [start:steepest-ascent]
    import numpy as np


    def g(p):  # a scalar function: the first component of the running example
        return p[0] ** 2 * p[1]


    p = np.array([1.0, 2.0])
    grad = np.array([2 * p[0] * p[1], p[0] ** 2])  # the gradient (2xy, x^2) at p

    h = 1e-6
    angles = np.linspace(0, 2 * np.pi, 3600, endpoint=False)  # directions 0.1 degree apart
    directions = np.stack([np.cos(angles), np.sin(angles)], axis=1)  # unit vectors
    rates = np.array([(g(p + h * u) - g(p - h * u)) / (2 * h) for u in directions])

    best = np.degrees(angles[np.argmax(rates)])
    worst = np.degrees(angles[np.argmin(rates)])
    print(f"fastest ascent found at angle {best:.1f} degrees")
    print(f"the gradient's angle:         {np.degrees(np.arctan2(grad[1], grad[0])):.3f} degrees")
    print(f"largest rate {rates.max():.6f} vs |gradient| {np.linalg.norm(grad):.6f} "
          f"(difference {abs(rates.max() - np.linalg.norm(grad)):.0e})")
    print(f"smallest rate {rates.min():.6f}, at angle {worst:.1f} (steepest descent)")
    print(f"descent angle - ascent angle: {worst - best:.1f} degrees")
    # --8<-- [end:steepest-ascent]

    # --8<-- [start:exercise-vjp]
    import numpy as np

    p = np.array([1.0, 2.0])
    J = np.array([[2 * p[0] * p[1], p[0] ** 2], [5.0, np.cos(p[1])]])
    u = np.array([1.0, -1.0])
    print("u^T J = row 1 - row 2 =", u @ J)
    print("check (4 - 5, 1 - cos 2) =", np.array([4 - 5, 1 - np.cos(2)]))
    # --8<-- [end:exercise-vjp]

    # --8<-- [start:exercise-jvp]
    import numpy as np


    def f(p):
        x, y = p
        return np.array([x**2 * y, 5 * x + np.sin(y)])


    p = np.array([1.0, 2.0])
    v = np.array([1.0, 1.0])
    J = np.array([[2 * p[0] * p[1], p[0] ** 2], [5.0, np.cos(p[1])]])
    h = 1e-6
    print("J v =", J @ v)
    print("(f(p + h v) - f(p - h v)) / 2h =", (f(p + h * v) - f(p - h * v)) / (2 * h))
    # --8<-- [end:exercise-jvp]

    # --8<-- [start:exercise-count]
    for name, n, m in [("a layer R^1000 -> R^10", 1000, 10), ("a loss R^1000 -> R", 1000, 1)]:
        print(f"{name}: {m} VJP{'s' if m > 1 else ''} (one per row) or {n} JVPs (one per column)")
    # --8<-- [end:exercise-count]

    # --8<-- [start:exercise-descent]
    import numpy as np

    p = np.array([1.0, 2.0])
    grad = np.array([2 * p[0] * p[1], p[0] ** 2])  # gradient of g = x^2 y at (1, 2)
    down = -grad / np.linalg.norm(grad)
    print("steepest-descent direction:", down)
    print("rate of change along it: -|grad| =", -np.linalg.norm(grad), "= -sqrt(17) =", -np.sqrt(17))
    # --8<-- [end:exercise-descent]
