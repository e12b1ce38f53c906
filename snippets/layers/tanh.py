import numpy as np


def tanh_jacobian(z):
    """The Jacobian of y = tanh(z), entry by entry: only the diagonal is nonzero."""
    return np.diag(1 - np.tanh(z) ** 2)


def tanh_vjp(z, u):
    """u^T J without J: elementwise, no matrix at all."""
    return u * (1 - np.tanh(z) ** 2)


z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
u = np.array([1.0, 2.0, 3.0, 4.0, 5.0])

J = tanh_jacobian(z)  # 5 x 5
vjp = tanh_vjp(z, u)
print("u^T J          :", u @ J)
print("u * tanh'(z)   :", vjp)
print("nonzeros of J  :", np.count_nonzero(J), "of", J.size)
