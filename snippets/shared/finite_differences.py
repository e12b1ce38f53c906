"""Jacobians by finite differences: the independent reference the tests of every page use.

The page "Computing Jacobians numerically" teaches forward, central and complex-step
differences and shows its own short versions (``snippets/numerical/``); this one adds the
checks that make it safe to call from anywhere.
"""

from __future__ import annotations

import numpy as np

from snippets.shared.checks import choice, finite_array, function, positive

# Step sizes that balance truncation and round-off error in float64 (eps ~ 2.2e-16):
# forward: error ~ h + eps/h, best near sqrt(eps); central: ~ h^2 + eps/h, best near eps^(1/3).
DEFAULT_STEP = {"forward": 1.5e-8, "central": 6e-6, "complex": 1e-20}


def numerical_jacobian(f, x, method: str = "central", h: float | None = None) -> np.ndarray:
    """Approximate the m x n Jacobian of f: R^n -> R^m at x, one column per input.

    method: "forward" (error O(h)), "central" (error O(h^2)) or "complex"
    (complex step, error O(h^2) with no cancellation; f must accept complex input
    and be real-analytic, e.g. no abs(), no np.real(), no comparisons on the complex
    value itself; branching on its real part is fine).
    """
    function("f", f)
    choice("method", method, sorted(DEFAULT_STEP))
    x = finite_array("x", x, ndim=1)
    h = DEFAULT_STEP[method] if h is None else positive("h", h)

    fx = np.atleast_1d(np.asarray(f(x)))
    if fx.ndim != 1:
        raise ValueError(f"f must return a scalar or a 1-D array, got shape {fx.shape}")
    # A non-finite difference is reported below, with a clearer message than NumPy's warning.
    with np.errstate(invalid="ignore", over="ignore"):
        columns = [_column(f, x, fx, j, method, h) for j in range(x.size)]
    J = np.stack(columns, axis=1)
    if not np.all(np.isfinite(J)):
        raise ValueError("f returned non-finite values near x: the Jacobian cannot be estimated there")
    return J


def _column(f, x: np.ndarray, fx: np.ndarray, j: int, method: str, h: float) -> np.ndarray:
    """Column j of the Jacobian: the derivative of f along the unit vector e_j."""
    e_j = np.zeros(x.size)
    e_j[j] = 1.0
    if method == "forward":
        col = (np.atleast_1d(f(x + h * e_j)) - fx) / h
    elif method == "central":
        col = (np.atleast_1d(f(x + h * e_j)) - np.atleast_1d(f(x - h * e_j))) / (2 * h)
    else:
        col = np.imag(np.atleast_1d(f(x + 1j * h * e_j))) / h
    return np.asarray(col, dtype=float)
