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
J_rows = np.stack([vjp(f, p, np.eye(m)[i]) for i in range(m)])  # m VJPs: rows
J_cols = np.stack([jvp(f, p, np.eye(n)[j]) for j in range(n)], axis=1)  # n JVPs
J_exact = np.array([[2 * p[0] * p[1], p[0] ** 2], [5.0, np.cos(p[1])]])

print("row by row (VJPs):\n", J_rows)
print("column by column (JVPs):\n", J_cols)
error_rows = np.max(np.abs(J_rows - J_exact))
error_cols = np.max(np.abs(J_cols - J_exact))
print(f"largest error, rows:    {error_rows:.1e}")
print(f"largest error, columns: {error_cols:.1e}")
