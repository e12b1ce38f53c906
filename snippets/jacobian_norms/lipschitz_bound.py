import numpy as np

# The MLP of the power-iteration block: tanh layers, weights drawn with seed 3.
rng = np.random.default_rng(3)
sizes = [4, 16, 16, 3]
Ws = [rng.standard_normal((m, n)) / np.sqrt(n) for n, m in zip(sizes[:-1], sizes[1:])]
bs = [0.1 * rng.standard_normal(m) for m in sizes[1:]]


def jacobians(X):
    """The 3 x 4 Jacobians W_3 D_2 W_2 D_1 W_1 at every row of X, as one (N, 3, 4) array."""
    H = X
    J = np.broadcast_to(np.eye(X.shape[1]), (len(X), X.shape[1], X.shape[1]))
    for W, b in zip(Ws[:-1], bs[:-1]):
        H = np.tanh(H @ W.T + b)
        J = (1 - H**2)[:, :, None] * (W @ J)  # D_l W_l times the Jacobian so far
    return Ws[-1] @ J


layer_norms = [np.linalg.norm(W, 2) for W in Ws]
bound = np.prod(layer_norms)  # holds at every x, because |tanh'| <= 1
X = np.random.default_rng(0).standard_normal((5000, 4))
local = np.linalg.norm(jacobians(X), 2, axis=(1, 2))  # ||J(x)||_2 at 5000 points
print("layer spectral norms:", np.round(layer_norms, 4))
print("product (upper bound on the Lipschitz constant):", bound)
largest = local.max()
looseness = bound / largest
print("largest ||J(x)||_2 over 5000 points (lower bound):", largest)
print("bound / largest measured:", looseness)
