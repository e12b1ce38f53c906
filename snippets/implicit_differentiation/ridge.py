import numpy as np

rng = np.random.default_rng(1)
X = rng.standard_normal((20, 3))  # 20 examples, 3 features
y = X @ np.array([1.0, -2.0, 0.5]) + 0.3 * rng.standard_normal(20)
lam = 0.5  # the ridge penalty, a hyperparameter


def ridge(lam):
    """w*(lam) = argmin |X w - y|^2 / 2 + lam |w|^2 / 2 = (X^T X + lam I)^(-1) X^T y."""
    return np.linalg.solve(X.T @ X + lam * np.eye(3), X.T @ y)


w_star = ridge(lam)
# Optimality: F(w, lam) = X^T (X w - y) + lam w = 0, with dF/dw = X^T X + lam I and dF/dlam = w
dw_dlam = -np.linalg.solve(X.T @ X + lam * np.eye(3), w_star)
h = 1e-6
dw_dlam_fd = (ridge(lam + h) - ridge(lam - h)) / (2 * h)
fd_gap = np.abs(dw_dlam - dw_dlam_fd).max()
with np.printoptions(precision=6, suppress=True):
    print("w*(0.5)            =", w_star)
    print("dw*/dlam, implicit =", dw_dlam)
    print("dw*/dlam, centered =", dw_dlam_fd)
print(f"largest difference: {fd_gap:.1e}")
