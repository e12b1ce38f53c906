import numpy as np

rng = np.random.default_rng(3)
n, L = 5, 3
lower = np.tril(np.ones((n, n)), -1)  # strictly lower triangular mask: output i reads x_j, j < i
params = [(lower * rng.normal(size=(n, n)), rng.normal(size=n), lower * rng.normal(size=(n, n)))
          for _ in range(L)]


def layer(x, A, b, B):  # autoregressive affine: y_i = x_i exp(s_i) + m_i, s and m from x_(<i)
    s = np.tanh(A @ x + b)
    return x * np.exp(s) + B @ x, s


def layer_jacobian(x, A, b, B):  # lower triangular, with exp(s_i) on the diagonal
    s = np.tanh(A @ x + b)
    return np.diag(np.exp(s)) + (x * np.exp(s) * (1 - s**2))[:, None] * A + B


def flow(x):  # L layers, each followed by reversing the coordinates (|det| = 1)
    log_det, jacobians = 0.0, []
    for A, b, B in params:
        jacobians.append(layer_jacobian(x, A, b, B)[::-1])  # reversal permutes the rows
        x, s = layer(x, A, b, B)
        x = x[::-1]
        log_det += np.sum(s)  # log|det| of the layer: sum of log|diagonal| = sum of s, O(n)
    return x, log_det, jacobians


x0 = rng.normal(size=n)
x, log_det, jacobians = flow(x0)
J = np.linalg.multi_dot(jacobians[::-1])  # chain rule: J_L ... J_2 J_1
sign, log_det_product = np.linalg.slogdet(J)
per_layer = [np.linalg.slogdet(Jl)[1] for Jl in jacobians]
print("log|det| of each layer (slogdet):", np.round(per_layer, 6))
print(f"sum of the layers' sum(s):        {log_det:.12f}")
print(f"slogdet of the product J3 J2 J1:  {log_det_product:.12f}")
upper_nonzero, upper_total = np.count_nonzero(np.triu(J, 1)), n * (n - 1) // 2
print(f"entries of J above its diagonal that are non-zero: {upper_nonzero} of {upper_total}")
