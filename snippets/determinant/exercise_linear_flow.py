import numpy as np

A = np.array([[2.0, 0.0], [1.0, 0.5]])  # x = A z + b, z standard normal
b = np.array([1.0, -1.0])
x = np.array([0.3, 0.7])

z = np.linalg.solve(A, x - b)
flow = -0.5 * z @ z - np.log(2 * np.pi) - np.log(abs(np.linalg.det(A)))

cov = A @ A.T  # the Gaussian N(b, A A^T)
d = x - b
gaussian = -0.5 * d @ np.linalg.solve(cov, d) - np.log(2 * np.pi) - 0.5 * np.log(np.linalg.det(cov))
print(f"flow formula:      log p(x) = {flow:.10f}")
print(f"N(b, A A^T) logpdf:           {gaussian:.10f}")
