import numpy as np


def softmax_jacobians(S):
    """diag(p) - p p^T for the softmax p of every row of S, as one (N, n, n) array."""
    P = np.exp(S - S.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    return P[:, :, None] * np.eye(S.shape[1]) - P[:, :, None] * P[:, None, :]


S = 3 * np.random.default_rng(0).standard_normal((20000, 5))
norms = np.linalg.norm(softmax_jacobians(S), 2, axis=(1, 2))  # 20000 spectral norms at once
largest = norms.max()
print("largest ||J||_2 over 20000 random score vectors:", largest)
half = np.linalg.norm(softmax_jacobians(np.array([[0.0, 0.0, -50.0, -50.0, -50.0]]))[0], 2)
print("at p = (1/2, 1/2, 0, 0, 0), up to e^-50:", half)
