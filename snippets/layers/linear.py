import numpy as np


def linear_vjps(W, x, u):
    """The VJPs of y = W x + b for the cotangent u, with respect to x, W and b: no Jacobian formed."""
    grad_x = W.T @ u  # u^T J_x = u^T W, an n-vector
    grad_W = np.outer(u, x)  # u x^T, the same shape as W
    grad_b = u
    return grad_x, grad_W, grad_b


def linear_jacobians(W, x):
    """The full Jacobians of y = W x + b with respect to x, vec(W) and b, for comparison only."""
    m = W.shape[0]
    J_x = W  # m x n: the Jacobian of y(x) = W x + b
    J_W = np.kron(np.eye(m), x[None, :])  # m x (m n): dy_i / dW_kl, W flattened row by row
    J_b = np.eye(m)
    return J_x, J_W, J_b


rng = np.random.default_rng(0)
m, n = 3, 4
W, b, x = rng.normal(size=(m, n)), rng.normal(size=m), rng.normal(size=n)
u = rng.normal(size=m)  # the cotangent arriving from the layer above

grad_x, grad_W, grad_b = linear_vjps(W, x, u)
J_x, J_W, J_b = linear_jacobians(W, x)
print("J_x shape", J_x.shape, "| J_W shape", J_W.shape)
print("W^T u   == u^T J_x:", np.allclose(grad_x, u @ J_x))
print("u x^T   == u^T J_W:", np.allclose(grad_W.ravel(), u @ J_W))
print("u       == u^T J_b:", np.allclose(grad_b, u @ J_b))
