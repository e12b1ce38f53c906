import numpy as np


def layer_norm(x, eps=1e-5):  # over the features of ONE example
    return (x - x.mean()) / np.sqrt(x.var() + eps)


def layer_norm_jacobian(x, eps=1e-5):
    n, s, y = len(x), np.sqrt(x.var() + eps), layer_norm(x, eps)
    return (np.eye(n) - np.ones((n, n)) / n - np.outer(y, y) / n) / s


def layer_norm_vjp(x, u, eps=1e-5):  # J^T u without J: two dot products, u.1 and u.y
    n, s, y = len(x), np.sqrt(x.var() + eps), layer_norm(x, eps)
    return (u - u.mean() - y * (y @ u) / n) / s


x = np.array([0.5, -1.0, 2.0, 0.3])
n, y = len(x), layer_norm(x)
J = layer_norm_jacobian(x)

h = 1e-6
J_fd = np.column_stack([(layer_norm(x + h * e) - layer_norm(x - h * e)) / (2 * h) for e in np.eye(n)])
with np.printoptions(precision=4, suppress=True):
    print("J =\n", J)
    print(f"largest |J - central differences|: {np.max(np.abs(J - J_fd)):.1e}")
    print("nonzero entries:", np.count_nonzero(J), "of", J.size, "(every output depends on every feature)")
    zero = lambda v: np.round(v, 12) + 0.0  # noqa: E731  (round-off of order 1e-16, and -0.0, printed as 0)
    print("J @ ones =", zero(J @ np.ones(n)), " layer_norm(x + 3) - layer_norm(x) =", zero(layer_norm(x + 3) - y))

    x_hat = x - x.mean()  # with eps = 0, the length of x_hat does not matter: a second null direction
    y0 = layer_norm(x, eps=0.0)
    print("eps = 0: layer_norm(x + 3 x_hat) - layer_norm(x) =", zero(layer_norm(x + 3 * x_hat, 0.0) - y0))
    s = np.sqrt(x.var() + 1e-5)
    lam = np.linalg.eigvalsh(J)  # J is symmetric: real eigenvalues, in increasing order
    print("eigenvalues of J:", zero(lam[0]), f"{lam[1]:.1e}", lam[2:])
    print(f"eps/s^3 = {1e-5 / s**3:.1e}, 1/s = {1 / s:.4f};", "J @ y equals (eps/s^3) y?",
          np.allclose(J @ y, 1e-5 / s**3 * y, rtol=1e-9, atol=0))
    J0 = layer_norm_jacobian(x, eps=0.0)
    print("rank of J:", np.linalg.matrix_rank(J), "of", n, "| with eps = 0:", np.linalg.matrix_rank(J0))

    u = np.array([1.0, 0.0, -2.0, 0.5])
    print("u^T J                       :", u @ J)
    print("(u - mean(u) - y (y.u)/n) / s:", layer_norm_vjp(x, u))
