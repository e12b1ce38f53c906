import numpy as np


def jacobian_fd(f, x, h=1e-5):
    """Central differences; shape f(x).shape + x.shape (numerator layout)."""
    x = np.asarray(x, dtype=float)
    out_shape = np.shape(f(x))
    J = np.zeros(out_shape + x.shape)
    for j in np.ndindex(x.shape):  # one input entry at a time
        step = np.zeros_like(x)
        step[j] = h
        J[(...,) + j] = (f(x + step) - f(x - step)) / (2 * h)
    return J


def g(v):  # R^3 -> R^2
    return np.array([v[0] * v[1] * v[2], v[0] + v[1]])


def batched_g(X):  # a batch (B, 3) -> (B, 2), one example per row
    return np.stack([g(row) for row in X])


X = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0], [2.0, 0.0, -1.0]])  # B = 3
print("scalar -> scalar, sin x:     ", jacobian_fd(np.sin, 0.5).shape)
print("vector -> scalar, x^2 y:     ", jacobian_fd(lambda v: v[0]**2 * v[1], [1.0, 2.0]).shape)
print("vector -> vector, (xyz, x+y):", jacobian_fd(g, [1.0, 2.0, 3.0]).shape)
print("naive batch (3, 3) -> (3, 2):", jacobian_fd(batched_g, X).shape)
