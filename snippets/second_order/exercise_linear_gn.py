import numpy as np

rng = np.random.default_rng(3)
A = rng.normal(size=(10, 3))  # a linear model: r(theta) = A theta - y, so J_r = A
y = rng.normal(size=10)
theta0 = rng.normal(size=3)
theta1 = theta0 + np.linalg.solve(A.T @ A, -A.T @ (A @ theta0 - y))  # one Gauss-Newton step
print("one Gauss-Newton step == least squares:", np.allclose(theta1, np.linalg.lstsq(A, y, rcond=None)[0]))
