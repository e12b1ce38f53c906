import numpy as np

rng = np.random.default_rng(0)
n, d = 4, 3  # width of the state z, size of the input x
W = rng.standard_normal((n, n))
W *= 0.8 / np.linalg.norm(W, 2)  # largest singular value 0.8 < 1: z -> f(z) is a contraction
U, b = rng.standard_normal((n, d)), rng.standard_normal(n)
x, y = rng.standard_normal(d), rng.standard_normal(n)  # an input and a target


def f(z, W, U, b, x):
    return np.tanh(W @ z + U @ x + b)


def iterate(step, v, tol=1e-14):
    """Apply v <- step(v) until v stops moving; return the last v and the number of steps."""
    for steps in range(1, 10_000):
        v_next = step(v)
        if np.linalg.norm(v_next - v) < tol:
            return v_next, steps
        v = v_next
    raise RuntimeError("no convergence")


# Forward: iterate z <- f(z) from 0; keep only the last z
z_star, iterations = iterate(lambda z: f(z, W, U, b, x), np.zeros(n))
residual = np.linalg.norm(f(z_star, W, U, b, x) - z_star)
print(f"forward: {iterations} iterations, |f(z*) - z*| = {residual:.1e}")

# Backward for the loss L = |z* - y|^2 / 2: the cotangent is u = dL/dz* = z* - y
u = z_star - y
slope = 1 - z_star**2  # tanh' at the fixed point
A = slope[:, None] * W  # the Jacobian of f in z at z*: diag(tanh') W

# Solve (I - A)^T w = u with VJPs only: w <- u + A^T w
w, vjps = iterate(lambda w: u + A.T @ w, u)
w_reference = np.linalg.solve((np.eye(n) - A).T, u)  # the small explicit matrix, as a check
w_difference = np.abs(w - w_reference).max()
print(f"backward: {vjps} VJPs with A; difference from np.linalg.solve: {w_difference:.1e}")

# u^T dz*/dtheta = w^T df/dtheta: one more VJP, through a = W z* + U x + b
g = slope * w  # w^T (d tanh(a) / da)
grad_W, grad_U, grad_b, grad_x = np.outer(g, z_star), np.outer(g, x), g, U.T @ g
with np.printoptions(precision=6, suppress=True):
    print("dL/db =", grad_b)
    print("dL/dx =", grad_x)


# Check: central differences of the loss, through the whole solver, in all 35 numbers
def loss(theta):
    W, U, b, x = np.split(theta, [n * n, n * n + n * d, n * n + n * d + n])
    z, _ = iterate(lambda z: f(z, W.reshape(n, n), U.reshape(n, d), b, x), np.zeros(n))
    return 0.5 * np.sum((z - y) ** 2)


theta = np.concatenate([W.ravel(), U.ravel(), b, x])
implicit = np.concatenate([grad_W.ravel(), grad_U.ravel(), grad_b, grad_x])
h = 1e-6
central = np.array([(loss(theta + h * e) - loss(theta - h * e)) / (2 * h) for e in np.eye(theta.size)])
fd_gap = np.abs(central - implicit).max()
print(f"central differences of the solver, all {theta.size} numbers: largest difference {fd_gap:.1e}")
