import numpy as np

rng = np.random.default_rng(1)
A = rng.normal(size=(3, 2))  # y = g(x) = A x: R^2 -> R^3, so J_g = A
C = rng.normal(size=(4, 3))  # z = k(y) = C y: R^3 -> R^4, so J_k = C

# Numerator layout: J_{k o g}(x) = J_k(g(x)) J_g(x), the outer map's Jacobian on the left.
numerator = C @ A  # 4 x 2
# Denominator layout: dz/dx = (dy/dx)(dz/dy) with dy/dx = A^T and dz/dy = C^T.
denominator = A.T @ C.T  # 2 x 4
print("numerator  J_k J_g shape:", numerator.shape)
print("denominator (dy/dx)(dz/dy) shape:", denominator.shape)
print("denominator == numerator^T:", np.allclose(denominator, numerator.T))
