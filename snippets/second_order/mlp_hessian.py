import numpy as np


def make_spirals(n_per_class=100, n_classes=3, noise=0.2, seed=0):
    """The backprop page's data: 300 points on three interleaved spiral arms."""
    rng = np.random.default_rng(seed)
    r = np.linspace(0.05, 1.0, n_per_class)
    X, labels = [], []
    for c in range(n_classes):
        theta = np.linspace(4.0 * c, 4.0 * (c + 1), n_per_class) + noise * rng.normal(size=n_per_class)
        X.append(np.column_stack([r * np.sin(theta), r * np.cos(theta)]))
        labels.append(np.full(n_per_class, c))
    return np.concatenate(X), np.concatenate(labels)


X, labels = make_spirals()
T, B = np.eye(3)[labels], len(labels)  # one-hot targets, batch size
rng = np.random.default_rng(0)  # the backprop page's initialization, as one vector of 99 numbers
theta = np.concatenate([rng.normal(size=32) / np.sqrt(2), np.zeros(16), rng.normal(size=48) / 4, np.zeros(3)])


def unpack(theta):  # W1 (16 x 2), b1, W2 (3 x 16), b2
    return theta[:32].reshape(16, 2), theta[32:48], theta[48:96].reshape(3, 16), theta[96:]


def grad_and_hvp(theta, v, gauss_newton=False):
    """The gradient of the mean cross-entropy, and H v: every line of the forward and backward
    passes gets a tangent line d... in direction v (forward-over-reverse, by hand)."""
    (W1, b1, W2, b2), (dW1, db1, dW2, db2) = unpack(theta), unpack(v)
    H = np.tanh(X @ W1.T + b1)
    dH = (1 - H**2) * (X @ dW1.T + db1)
    Z = H @ W2.T + b2
    dZ = dH @ W2.T + H @ dW2.T + db2  # J_z v: a JVP of the logits
    S = np.exp(Z - Z.max(axis=1, keepdims=True))
    S /= S.sum(axis=1, keepdims=True)
    U = (S - T) / B  # backward: the softmax + cross-entropy VJP
    dU = (S * dZ - S * (S * dZ).sum(axis=1, keepdims=True)) / B  # (diag(s) - s s^T) dz per example
    keep = 0.0 if gauss_newton else 1.0  # the generalized Gauss-Newton drops every term in U
    G = (U @ W2) * (1 - H**2)
    dG = (dU @ W2 + keep * U @ dW2) * (1 - H**2) - keep * 2 * (U @ W2) * H * dH
    grad = [G.T @ X, G.sum(axis=0), U.T @ H, U.sum(axis=0)]  # as W1, b1, W2, b2
    hvp = [dG.T @ X, dG.sum(axis=0), dU.T @ H + keep * U.T @ dH, dU.sum(axis=0)]
    return np.concatenate([g.ravel() for g in grad]), np.concatenate([g.ravel() for g in hvp])


def top_eigenvalue(product, n, steps=100, seed=1):
    """Power iteration: v <- A v / |A v|, with one product A v per step; returns v^T A v."""
    v = np.random.default_rng(seed).normal(size=n)
    for _ in range(steps):
        w = product(v)
        v = w / np.linalg.norm(w)
    return v @ product(v)


n = theta.size
lam_max = top_eigenvalue(lambda v: grad_and_hvp(theta, v)[1], n)
# Only to check: n = 99 is small enough to form both matrices, one product per column.
H = np.column_stack([grad_and_hvp(theta, e)[1] for e in np.eye(n)])
GGN = np.column_stack([grad_and_hvp(theta, e, gauss_newton=True)[1] for e in np.eye(n)])
eig_H, eig_GGN = np.linalg.eigvalsh(H), np.linalg.eigvalsh(GGN)
negative_H, negative_GGN = np.sum(eig_H < 0), np.sum(eig_GGN < -1e-12)
print(f"{n} parameters; top eigenvalue of the Hessian by power iteration: {lam_max:.6f}")
print(f"Hessian formed from {n} HVPs: eigenvalues {eig_H.min():.4f} .. {eig_H.max():.6f}, {negative_H} negative")
print(f"generalized Gauss-Newton: largest eigenvalue {eig_GGN.max():.6f}, {negative_GGN} below -1e-12")
