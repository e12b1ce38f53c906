import numpy as np

rng = np.random.default_rng(1)
A = rng.normal(size=(3, 2))  # f(x) = A x: R^2 -> R^3
B = rng.normal(size=(4, 3))  # g(z) = B z: R^3 -> R^4
x = rng.normal(size=2)

h = 1e-6
numeric = np.stack([(B @ (A @ (x + h * e)) - B @ (A @ (x - h * e))) / (2 * h) for e in np.eye(2)], axis=1)
error = np.max(np.abs(numeric - B @ A))
print("J_(g o f) has shape", numeric.shape)
print("max |numeric - B A| =", f"{error:.1e}")
