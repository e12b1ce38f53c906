import numpy as np


def f(v):  # the running example on one point (x, y)
    return np.array([v[0] ** 2 * v[1], 5 * v[0] + np.sin(v[1])])


def J_exact(v):
    return np.array([[2 * v[0] * v[1], v[0] ** 2], [5.0, np.cos(v[1])]])


def batched_f(X):  # a batch (B, 2) -> (B, 2), one example per row
    return np.stack([f(row) for row in X])


rng = np.random.default_rng(0)
X = rng.uniform(-2, 2, size=(3, 2))  # B = 3 examples
B, n = X.shape
m = batched_f(X).shape[1]

h = 1e-6  # central differences, one input entry X[c, j] at a time
J = np.zeros((B, m, B, n))
for c in range(B):
    for j in range(n):
        step = np.zeros_like(X)
        step[c, j] = h
        J[:, :, c, j] = (batched_f(X + step) - batched_f(X - step)) / (2 * h)

pairs = [(b, c) for b in range(B) for c in range(B) if b != c]
off_diagonal = max(np.max(np.abs(J[b, :, c, :])) for b, c in pairs)
per_example = np.stack([J[b, :, b, :] for b in range(B)])  # shape (B, m, n)
error = np.max(np.abs(per_example - np.stack([J_exact(row) for row in X])))
print("naive batched Jacobian:", J.shape, "=", J.size, "entries")
print("largest |entry| outside the diagonal blocks:", off_diagonal)
print("per-example Jacobians:", per_example.shape, "=", per_example.size, "entries")
print(f"largest |diagonal block - exact J_f(x_b)|: {error:.1e}")
