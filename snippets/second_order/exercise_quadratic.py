import numpy as np

rng = np.random.default_rng(2)
M = rng.normal(size=(3, 3))
A = M @ M.T + 3 * np.eye(3)  # symmetric positive definite
b = rng.normal(size=3)
# f(x) = 1/2 x^T A x - b^T x: gradient A x - b, Hessian A.
x0 = rng.normal(size=3)
x1 = x0 + np.linalg.solve(A, -(A @ x0 - b))  # one Newton step
print("|gradient| after one Newton step:", f"{np.linalg.norm(A @ x1 - b):.1e}")
