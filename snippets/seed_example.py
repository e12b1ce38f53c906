"""The running example of the site: f(x, y) = (x^2 y, 5x + sin y) and its Jacobian.

Reusable functions sit at the top. The examples shown on the page "What is the Jacobian?"
sit under ``if __name__ == "__main__":``, one section each, every one runnable alone:
``python -m snippets.seed_example`` prints what the page shows.
"""

from __future__ import annotations

# --8<-- [start:functions]
import numpy as np


def seed_f(p: np.ndarray) -> np.ndarray:
    """f(x, y) = (x^2 y, 5x + sin y) at a point p = (x, y)."""
    px, py = as_point(p)
    return np.array([px**2 * py, 5 * px + np.sin(py)])


def seed_jacobian(p: np.ndarray) -> np.ndarray:
    """J_f(p) = [[2xy, x^2], [5, cos y]], the 2x2 Jacobian of f at p = (x, y)."""
    px, py = as_point(p)
    return np.array([[2 * px * py, px**2], [5.0, np.cos(py)]])


def as_point(p: np.ndarray) -> np.ndarray:
    """Return p as a float array of shape (2,), or raise if it is not a finite point of R^2."""
    if callable(p) or isinstance(p, (str, bytes)):
        raise TypeError(f"expected a point (x, y) of numbers, got {type(p).__name__}")
    arr = np.asarray(p, dtype=float)
    if arr.shape != (2,):
        raise ValueError(f"expected a point (x, y) of shape (2,), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"expected finite coordinates, got {arr.tolist()}")
    return arr
# --8<-- [end:functions]


def seed_symbols():
    """The symbols x, y of the running example (sympy)."""
    import sympy as sp

    return sp.symbols("x y")


def seed_f_sympy():
    """f as a 2x1 sympy column vector in the symbols x, y."""
    import sympy as sp

    x, y = seed_symbols()
    return sp.Matrix([x**2 * y, 5 * x + sp.sin(y)])


def seed_jacobian_sympy():
    """The Jacobian of f computed by sympy: a 2x2 sympy Matrix."""
    return seed_f_sympy().jacobian(list(seed_symbols()))


if __name__ == "__main__":
    # --8<-- [start:sympy]
    import sympy as sp

    x, y = sp.symbols("x y")
    f = sp.Matrix([x**2 * y, 5 * x + sp.sin(y)])  # the components f1, f2 as a column
    J = f.jacobian([x, y])  # the 2x2 matrix of first-order partial derivatives
    print(J)
    # --8<-- [end:sympy]

    # --8<-- [start:sympy-seed]
    import sympy as sp

    x, y = sp.symbols("x y")
    f1 = x**2 * y
    f2 = 5 * x + sp.sin(y)

    # Jacobian matrix: row i holds the partial derivatives of f_i
    J = sp.Matrix([[f1.diff(x), f1.diff(y)],
                   [f2.diff(x), f2.diff(y)]])
    print(J)
    # --8<-- [end:sympy-seed]

    # --8<-- [start:lambdify]
    import numpy as np
    import sympy as sp

    x, y = sp.symbols("x y")
    f = sp.Matrix([x**2 * y, 5 * x + sp.sin(y)])
    J_numeric = sp.lambdify((x, y), f.jacobian([x, y]), modules="numpy")

    p = np.array([1.0, 2.0])  # the point (x, y) = (1, 2)
    print(np.asarray(J_numeric(*p), dtype=float))
    # --8<-- [end:lambdify]

    # --8<-- [start:rows]
    import sympy as sp

    x, y = sp.symbols("x y")
    f1 = x**2 * y
    f2 = 5 * x + sp.sin(y)

    # The gradient of a scalar function is the column of its partial derivatives.
    grad_f1 = sp.Matrix([f1.diff(x), f1.diff(y)])
    grad_f2 = sp.Matrix([f2.diff(x), f2.diff(y)])

    # Stack the transposed gradients, one row per output component.
    J = sp.Matrix.vstack(grad_f1.T, grad_f2.T)
    print("row 1 = (grad f1)^T:", grad_f1.T)
    print("row 2 = (grad f2)^T:", grad_f2.T)
    print("equals f.jacobian([x, y]):", J == sp.Matrix([f1, f2]).jacobian([x, y]))
    # --8<-- [end:rows]

    # --8<-- [start:fd-check]
    import numpy as np


    def f(p):
        x, y = p
        return np.array([x**2 * y, 5 * x + np.sin(y)])


    def J_exact(p):
        x, y = p
        return np.array([[2 * x * y, x**2], [5.0, np.cos(y)]])


    def J_central(func, p, h=1e-6):
        """Column j is (f(p + h e_j) - f(p - h e_j)) / (2h); its error shrinks like h^2."""
        p = np.asarray(p, dtype=float)
        columns = []
        for j in range(p.size):
            e_j = np.zeros_like(p)
            e_j[j] = 1.0
            columns.append((func(p + h * e_j) - func(p - h * e_j)) / (2 * h))
        return np.stack(columns, axis=1)


    rng = np.random.default_rng(0)
    points = rng.uniform(-2, 2, size=(100, 2))
    worst = max(np.max(np.abs(J_central(f, p) - J_exact(p))) for p in points)
    print(f"largest |central difference - exact| over {len(points)} random points: {worst:.1e}")
    # --8<-- [end:fd-check]

    # --8<-- [start:exercise-point]
    import numpy as np

    x, y = 1.0, 0.0
    J = np.array([[2 * x * y, x**2], [5.0, np.cos(y)]])
    print(J)
    # --8<-- [end:exercise-point]

    # --8<-- [start:exercise-singular]
    import sympy as sp

    x, y = sp.symbols("x y", real=True)
    J = sp.Matrix([x**2 * y, 5 * x + sp.sin(y)]).jacobian([x, y])
    det = sp.factor(J.det())
    print("det J =", det)
    print("det J = 0 exactly when x is one of", sp.solve(det, x))
    # --8<-- [end:exercise-singular]

    # --8<-- [start:exercise-shape]
    import sympy as sp

    x, y, z = sp.symbols("x y z")
    g = sp.Matrix([x * y * z, x + y])  # g: R^3 -> R^2
    Jg = g.jacobian([x, y, z])
    print("shape:", Jg.shape)
    print(Jg)
    # --8<-- [end:exercise-shape]
