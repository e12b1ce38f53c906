import numpy as np


def jacobian_fd(f, x, h=1e-5):
    """Central differences; the result has shape f(x).shape + x.shape (numerator layout)."""
    x = np.asarray(x, dtype=float)
    out_shape = np.shape(f(x))
    J = np.zeros(out_shape + x.shape)
    for j in np.ndindex(x.shape):  # one input entry at a time
        step = np.zeros_like(x)
        step[j] = h
        J[(...,) + j] = (f(x + step) - f(x - step)) / (2 * h)
    return J


def f(v):  # the running example, R^2 -> R^2
    return np.array([v[0] ** 2 * v[1], 5 * v[0] + np.sin(v[1])])


print("scalar -> scalar, sin x:      ", jacobian_fd(np.sin, 0.5).shape)
print("vector -> scalar, x^2 y:      ", jacobian_fd(lambda v: v[0] ** 2 * v[1], [1.0, 2.0]).shape)
print("vector -> vector, (xyz, x+y): ", jacobian_fd(lambda v: np.array([v[0] * v[1] * v[2], v[0] + v[1]]),
                                                    [1.0, 2.0, 3.0]).shape)
X = np.array([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0]])  # a batch of B = 3 points, shape (3, 2)
batched_f = lambda X: np.stack([f(row) for row in X])  # (3, 2) -> (3, 2)
print("batch (3, 2) -> (3, 2):       ", jacobian_fd(batched_f, X).shape)
