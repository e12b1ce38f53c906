import numpy as np

rng = np.random.default_rng(1)  # the training data of the ridge example
X = rng.standard_normal((20, 3))
y = X @ np.array([1.0, -2.0, 0.5]) + 0.3 * rng.standard_normal(20)
X_val = rng.standard_normal((10, 3))  # held-out data
y_val = X_val @ np.array([1.0, -2.0, 0.5]) + 0.3 * rng.standard_normal(10)
lam = 0.5


def ridge(lam):
    return np.linalg.solve(X.T @ X + lam * np.eye(3), X.T @ y)


def validation_loss(lam):
    return 0.5 * np.sum((X_val @ ridge(lam) - y_val) ** 2)


w_star = ridge(lam)
r = X_val @ w_star - y_val  # validation residual; dV/dw* = X_val^T r
q = np.linalg.solve(X.T @ X + lam * np.eye(3), X_val.T @ r)  # one solve (the matrix is symmetric)
hypergradient = -q @ w_star  # dV/dlam = (X_val^T r)^T dw*/dlam = -q^T w*
h = 1e-6
hypergradient_fd = (validation_loss(lam + h) - validation_loss(lam - h)) / (2 * h)
print(f"dV/dlam, one solve:  {hypergradient:.8f}")
print(f"dV/dlam, centered:   {hypergradient_fd:.8f}")
