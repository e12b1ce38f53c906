import numpy as np


def softmax_rows(S):
    """Softmax of every row of S (subtracting the row maximum avoids overflow)."""
    E = np.exp(S - S.max(axis=-1, keepdims=True))
    return E / E.sum(axis=-1, keepdims=True)


def mean_softmax_jacobian_norm(d, scaled, T=8, trials=500, seed=0):
    """Mean Frobenius norm of diag(p) - p p^T over the rows p of softmax(Q K^T [/ sqrt(d)])."""
    rng = np.random.default_rng(seed)
    Q = rng.standard_normal((trials, T, d))  # entries ~ N(0, 1)
    K = rng.standard_normal((trials, T, d))
    S = Q @ K.transpose(0, 2, 1)  # each score is a sum of d products: its variance is d
    P = softmax_rows(S / np.sqrt(d) if scaled else S)
    J = np.einsum("...i,ij->...ij", P, np.eye(T)) - P[..., :, None] * P[..., None, :]
    return float(np.mean(np.linalg.norm(J, axis=(-2, -1))))


dims = [4, 16, 64, 256]
scaled = [mean_softmax_jacobian_norm(d, True) for d in dims]
unscaled = [mean_softmax_jacobian_norm(d, False) for d in dims]
uniform = np.sqrt(8 - 1) / 8  # the norm at p = (1/8, ..., 1/8)
print("T = 8 tokens, 500 random heads; mean Frobenius norm of diag(p) - p p^T")
print("    d   with 1/sqrt(d)   without")
for d, a, b in zip(dims, scaled, unscaled):
    print(f"{d:5d}   {a:14.4f}   {b:7.4f}")
print(f"uniform p: sqrt(T - 1)/T = {uniform:.4f}; one-hot p: 0")
