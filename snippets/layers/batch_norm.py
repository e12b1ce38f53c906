import numpy as np


def batch_norm(X, eps=1e-5):  # training mode: each feature (column) over the B examples (rows)
    return (X - X.mean(axis=0)) / np.sqrt(X.var(axis=0) + eps)


def batch_norm_vjps(X, U, gamma, eps=1e-5):
    """The VJPs of Z = gamma * batch_norm(X) + beta for the cotangent U = dL/dZ: X, gamma, beta."""
    s, Y = np.sqrt(X.var(axis=0) + eps), batch_norm(X, eps)
    V = gamma * U  # the cotangent of Y
    grad_X = (V - V.mean(axis=0) - Y * (Y * V).mean(axis=0)) / s  # layer norm's VJP, column by column
    return grad_X, (U * Y).sum(axis=0), U.sum(axis=0)  # gamma and beta act on every row: sums


rng = np.random.default_rng(1)
B, n = 4, 3
X, U = rng.normal(size=(B, n)), rng.normal(size=(B, n))
gamma, beta = rng.normal(size=n), rng.normal(size=n)

h = 1e-6  # the full Jacobian of batch_norm, shape (B, n, B, n), by central differences
J = np.stack([(batch_norm(X + h * E) - batch_norm(X - h * E)) / (2 * h)
              for E in np.eye(B * n).reshape(B * n, B, n)], axis=-1).reshape(B, n, B, n)
across = max(np.abs(J[:, i, :, j]).max() for i in range(n) for j in range(n) if i != j)
within = [int(np.count_nonzero(np.abs(J[:, i, :, i]) > 1e-6)) for i in range(n)]
print("largest entry between two different features:", across)
block = J[:, 0, :, 0].size  # B x B
print("nonzero entries of each feature's B x B block:", within, "of", block)

grad_X, grad_gamma, grad_beta = batch_norm_vjps(X, U, gamma)
fd_X = np.einsum("bi,bicj->cj", gamma * U, J)  # (gamma U)^T J, with the Jacobian above
error = np.max(np.abs(grad_X - fd_X))
print(f"largest |grad_X - (gamma U)^T J|: {error:.1e}")
