import numpy as np


def f(p):
    x, y = p
    return np.array([x**2 * y, 5 * x + np.sin(y)])


def J_exact(p):
    x, y = p
    return np.array([[2 * x * y, x**2], [5.0, np.cos(y)]])


def J_central(func, p, h=1e-6):
    """Column j is (func(p + h e_j) - func(p - h e_j)) / (2h)."""
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

h, eps = 1e-6, np.finfo(float).eps  # eps: the spacing of doubles near 1
# The only nonzero third derivative along an axis is -cos y (of sin y): at most 1.
truncation = h**2 / 6
size_f = max(np.max(np.abs(f(p))) for p in points)  # the largest |f| subtracted
round_off = eps * size_f / h
print(f"largest error over {len(points)} random points: {worst:.1e}")
print(f"truncation estimate h^2 |f'''| / 6:      {truncation:.1e}")
print(f"round-off estimate eps |f| / h:          {round_off:.1e}")
