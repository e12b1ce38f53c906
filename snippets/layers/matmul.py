import numpy as np


def dense(X, W, b):
    """A linear layer on a batch: row r of X is example r, and Y = X W^T + b (b added to each row)."""
    return X @ W.T + b


def dense_vjps(X, W, Y_bar):
    """The VJPs of Y = X W^T + b for the cotangent Y_bar = dL/dY: each has the shape of its argument."""
    X_bar = Y_bar @ W  # (B, m) @ (m, n) -> (B, n), the shape of X
    W_bar = Y_bar.T @ X  # (m, B) @ (B, n) -> (m, n), the shape of W: a sum over the batch
    b_bar = Y_bar.sum(axis=0)  # (m,): b is added to every row
    return X_bar, W_bar, b_bar


def central_gradient(L, A, h=1e-6):
    """dL/dA entry by entry, by central differences: the independent check."""
    G = np.zeros_like(A)
    for idx in np.ndindex(A.shape):
        E = np.zeros_like(A)
        E[idx] = h
        G[idx] = (L(A + E) - L(A - E)) / (2 * h)
    return G


rng = np.random.default_rng(0)
B, n, m = 5, 4, 3
X, W, b = rng.normal(size=(B, n)), rng.normal(size=(m, n)), rng.normal(size=m)
Y_bar = rng.normal(size=(B, m))  # the cotangent from the layer above, the shape of Y


def L(X, W, b):  # <Y_bar, Y>: its gradient with respect to each argument is that argument's VJP
    return np.sum(Y_bar * dense(X, W, b))


X_bar, W_bar, b_bar = dense_vjps(X, W, Y_bar)
checks = {
    "X_bar = Y_bar W  ": (X_bar, central_gradient(lambda A: L(A, W, b), X)),
    "W_bar = Y_bar^T X": (W_bar, central_gradient(lambda A: L(X, A, b), W)),
    "b_bar = sum of rows": (b_bar, central_gradient(lambda A: L(X, W, A), b)),
}
errors = {name: np.max(np.abs(mine - fd)) for name, (mine, fd) in checks.items()}
for name, (mine, _) in checks.items():
    print(f"{name:19} shape {str(mine.shape):6}  largest |difference| from central differences:",
          f"{errors[name]:.1e}")
