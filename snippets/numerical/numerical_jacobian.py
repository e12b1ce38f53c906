import numpy as np

STEP = {"forward": 1.5e-8, "central": 6e-6, "complex": 1e-20}  # near each method's best step in float64


def numerical_jacobian(f, x, method="central", h=None):
    """The m x n Jacobian of f: R^n -> R^m at x by finite differences, one column per input."""
    h = STEP[method] if h is None else h
    fx = f(x)
    columns = []
    for e_j in np.eye(x.size):
        if method == "forward":
            col = (f(x + h * e_j) - fx) / h
        elif method == "central":
            col = (f(x + h * e_j) - f(x - h * e_j)) / (2 * h)
        else:  # complex step: f must accept complex input
            col = np.imag(f(x + 1j * h * e_j)) / h
        columns.append(np.atleast_1d(col))
    return np.stack(columns, axis=1)


def g(v):  # a map R^3 -> R^2
    return np.array([v[0] * v[1] * v[2], np.sin(v[0]) + v[2] ** 2])


x = np.array([1.0, 2.0, 3.0])
J_exact = np.array([[x[1] * x[2], x[0] * x[2], x[0] * x[1]], [np.cos(x[0]), 0.0, 2 * x[2]]])
errors = {method: np.max(np.abs(numerical_jacobian(g, x, method) - J_exact)) for method in STEP}
for method, error in errors.items():
    print(f"{method:8}: largest error {error:.1e}")
