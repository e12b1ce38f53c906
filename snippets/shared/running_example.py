"""The running example of the site: f(x, y) = (x^2 y, 5x + sin y) and its Jacobian.

Figures and tests of several pages use it, in NumPy and in SymPy. The page "What is the
Jacobian?" teaches it (its examples are in ``snippets/jacobian/``).
"""

from __future__ import annotations

import numpy as np

from snippets.shared.checks import finite_array


def seed_f(p: np.ndarray) -> np.ndarray:
    """f(x, y) = (x^2 y, 5x + sin y) at a point p = (x, y)."""
    px, py = as_point(p)
    return np.array([px**2 * py, 5 * px + np.sin(py)])


def seed_jacobian(p: np.ndarray) -> np.ndarray:
    """J_f(p) = [[2xy, x^2], [5, cos y]], the 2x2 Jacobian of f at p = (x, y)."""
    px, py = as_point(p)
    return np.array([[2 * px * py, px**2], [5.0, np.cos(py)]])


def as_point(p: np.ndarray, name: str = "p") -> np.ndarray:
    """Return p as a float array of shape (2,), or raise if it is not a finite point of R^2."""
    return finite_array(name, p, shape=(2,))


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
