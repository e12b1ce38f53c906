"""Jacobians of neural-network layers, and the VJPs that never form them.

One example (a single input vector) per function; the batch dimension is on the page
"Backpropagation is a chain of VJPs". ``python -m snippets.layers`` prints what the page
"Jacobians of neural-network layers" shows.
"""

from __future__ import annotations

import numpy as np

from snippets.shared.checks import finite_array


def _same_size(a_name: str, a: np.ndarray, b_name: str, b: np.ndarray) -> None:
    if a.shape != b.shape:
        raise ValueError(f"{a_name} has shape {a.shape} but {b_name} has shape {b.shape}")


def _matrix(W, x: np.ndarray) -> np.ndarray:
    if callable(W) or isinstance(W, (str, bytes)):
        raise TypeError(f"W must be a matrix of numbers, got {type(W).__name__}")
    W = np.asarray(W, dtype=float)
    if W.ndim != 2:
        raise ValueError(f"W must be a 2-D matrix, got shape {W.shape}")
    if W.shape[1] != x.size:
        raise ValueError(f"W has shape {W.shape}, so x must have {W.shape[1]} entries, got {x.size}")
    if not np.all(np.isfinite(W)):
        raise ValueError("W must be finite (no nan or inf)")
    return W


# ---- linear layer y = W x + b ----------------------------------------------------------------
def linear(W, b, x) -> np.ndarray:
    """y = W x + b for W of shape (m, n), x of shape (n,), b of shape (m,)."""
    x = finite_array("x", x)
    W = _matrix(W, x)
    b = finite_array("b", b)
    if b.shape != (W.shape[0],):
        raise ValueError(f"b must have shape ({W.shape[0]},) to match W {W.shape}, got {b.shape}")
    return W @ x + b


def linear_jacobian_W(x, m: int) -> np.ndarray:
    """The generalized Jacobian dy/dvec(W), an m x (m n) matrix, vec(W) taken row by row.

    Row i is (0, ..., x^T, ..., 0) with x^T in block i: y_i depends only on row i of W.
    """
    x = finite_array("x", x)
    if not isinstance(m, (int, np.integer)) or isinstance(m, bool) or m < 1:
        raise ValueError(f"m must be a positive integer (the number of outputs), got {m!r}")
    return np.kron(np.eye(m), x[None, :])


def linear_vjp(W, x, u) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """VJPs of y = W x + b with cotangent u: (W^T u, u x^T, u), for x, W and b."""
    x = finite_array("x", x)
    W = _matrix(W, x)
    u = finite_array("u", u)
    if u.shape != (W.shape[0],):
        raise ValueError(f"u must have shape ({W.shape[0]},), one entry per output, got {u.shape}")
    return W.T @ u, np.outer(u, x), u


# ---- elementwise activation y = tanh(z) ------------------------------------------------------
def tanh_jacobian(z) -> np.ndarray:
    """diag(1 - tanh(z)^2): output i depends on input i only."""
    z = finite_array("z", z)
    return np.diag(1.0 - np.tanh(z) ** 2)


def tanh_vjp(z, u) -> np.ndarray:
    """u^T diag(1 - tanh(z)^2) = u * (1 - tanh(z)^2): n multiplications, no n x n matrix."""
    z, u = finite_array("z", z), finite_array("u", u)
    _same_size("u", u, "z", z)
    return u * (1.0 - np.tanh(z) ** 2)


# ---- softmax s = exp(z) / sum(exp(z)) --------------------------------------------------------
def softmax(z) -> np.ndarray:
    """exp(z) / sum(exp(z)), computed after subtracting max(z) (same value, no overflow)."""
    z = finite_array("z", z)
    e = np.exp(z - z.max())
    return e / e.sum()


def softmax_jacobian(z) -> np.ndarray:
    """diag(s) - s s^T: symmetric, rows sum to zero, singular."""
    s = softmax(z)
    return np.diag(s) - np.outer(s, s)


def softmax_vjp(z, u) -> np.ndarray:
    """u^T (diag(s) - s s^T) = s * (u - u.s): O(n) work instead of O(n^2)."""
    s, u = softmax(z), finite_array("u", u)
    _same_size("u", u, "z", s)
    return s * (u - u @ s)


# ---- cross-entropy of softmax, from logits ---------------------------------------------------
def _target(t, z: np.ndarray) -> np.ndarray:
    t = finite_array("t", t)
    _same_size("t", t, "z", z)
    if np.any(t < 0) or not np.isclose(t.sum(), 1.0, rtol=0, atol=1e-12):
        raise ValueError(f"t must be a probability vector (entries >= 0, sum 1), got sum {t.sum()}")
    return t


def log_softmax(z) -> np.ndarray:
    """z - logsumexp(z), stable for large |z|."""
    z = finite_array("z", z)
    shifted = z - z.max()
    return shifted - np.log(np.exp(shifted).sum())


def softmax_cross_entropy(z, t) -> float:
    """L = -sum_i t_i log softmax(z)_i for logits z and a probability vector t."""
    z = finite_array("z", z)
    return float(-(_target(t, z) @ log_softmax(z)))


def softmax_cross_entropy_grad(z, t) -> np.ndarray:
    """dL/dz = softmax(z) - t (the 1 x n Jacobian of L, as a column)."""
    z = finite_array("z", z)
    return softmax(z) - _target(t, z)


# ---- mean squared error ----------------------------------------------------------------------
def mse(y, t) -> float:
    """L = (1/k) sum_i (y_i - t_i)^2 over the k outputs."""
    y, t = finite_array("y", y), finite_array("t", t)
    _same_size("t", t, "y", y)
    return float(np.mean((y - t) ** 2))


def mse_grad(y, t) -> np.ndarray:
    """dL/dy = (2/k) (y - t)."""
    y, t = finite_array("y", y), finite_array("t", t)
    _same_size("t", t, "y", y)
    return 2.0 * (y - t) / y.size


# ---- 1-D convolution (as deep-learning libraries define it: a cross-correlation) ------------
def _kernel_and_length(k, n) -> tuple[np.ndarray, int]:
    k = finite_array("k", k)
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < k.size:
        raise ValueError(f"n must be an integer >= the kernel size {k.size}, got {n!r}")
    return k, int(n)


def conv1d(x, k) -> np.ndarray:
    """y_i = sum_p k_p x_(i+p), i = 0..n-K ("valid" cross-correlation, as torch.nn.Conv1d computes)."""
    x = finite_array("x", x)
    k, _ = _kernel_and_length(k, x.size)
    return np.correlate(x, k, mode="valid")


def conv1d_matrix(k, n: int) -> np.ndarray:
    """The (n - K + 1) x n matrix C with C x = conv1d(x, k): row i holds k in columns i..i+K-1."""
    k, n = _kernel_and_length(k, n)
    C = np.zeros((n - k.size + 1, n))
    for i in range(n - k.size + 1):
        C[i, i : i + k.size] = k
    return C


def conv1d_vjp(k, u) -> np.ndarray:
    """C^T u without C: the full correlation of u with the flipped kernel (a transposed convolution)."""
    k, u = finite_array("k", k), finite_array("u", u)
    return np.correlate(u, k[::-1], mode="full")


# ---- layer normalization (without the learned scale and shift) ------------------------------
def _eps(eps) -> float:
    if isinstance(eps, bool) or not isinstance(eps, (int, float, np.integer, np.floating)) or not (np.isfinite(eps) and eps > 0):
        raise ValueError(f"eps must be a positive finite number, got {eps!r}")
    return float(eps)


def layer_norm(x, eps: float = 1e-5) -> np.ndarray:
    """(x - mean(x)) / sqrt(var(x) + eps), over the n features of one example."""
    x, eps = finite_array("x", x), _eps(eps)
    return (x - x.mean()) / np.sqrt(x.var() + eps)


def layer_norm_jacobian(x, eps: float = 1e-5) -> np.ndarray:
    """(I - 1 1^T / n - y y^T / n) / s with y = layer_norm(x), s = sqrt(var(x) + eps): dense, symmetric."""
    x, eps = finite_array("x", x), _eps(eps)
    n, s, y = x.size, np.sqrt(x.var() + eps), layer_norm(x, eps)
    return (np.eye(n) - np.ones((n, n)) / n - np.outer(y, y) / n) / s


def layer_norm_vjp(x, u, eps: float = 1e-5) -> np.ndarray:
    """J^T u = (u - mean(u) - y (y.u) / n) / s: O(n) work."""
    x, u, eps = finite_array("x", x), finite_array("u", u), _eps(eps)
    _same_size("u", u, "x", x)
    s, y = np.sqrt(x.var() + eps), layer_norm(x, eps)
    return (u - u.mean() - y * (y @ u) / x.size) / s


def generalized_jacobian_bytes(m: int, n: int, itemsize: int = 8) -> int:
    """Bytes to store dy/dW for a linear layer with W of shape (m, n): m * (m n) numbers."""
    for name, v in (("m", m), ("n", n), ("itemsize", itemsize)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{name} must be a positive integer, got {v!r}")
    return int(m) * int(m) * int(n) * int(itemsize)


def structure_figure():
    """Heat maps of three Jacobians: linear (dense W), tanh (diagonal), softmax (symmetric)."""
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(0)
    z = rng.normal(size=5)
    mats = [rng.normal(size=(4, 5)), tanh_jacobian(z), softmax_jacobian(2 * z)]
    titles = ["linear: W (dense)", "tanh: diagonal", "softmax: diag(s) - s sᵀ"]
    fig, axes = plt.subplots(1, 3, figsize=(7.2, 2.6))
    for ax, M, title in zip(axes, mats, titles):
        lim = np.abs(M).max()
        ax.imshow(M, cmap="RdBu_r", vmin=-lim, vmax=lim)
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel(f"{M.shape[1]} inputs", fontsize=8)
        ax.set_ylabel(f"{M.shape[0]} outputs", fontsize=8)
    return fig


if __name__ == "__main__":
    # --8<-- [start:linear]
    import numpy as np

    rng = np.random.default_rng(0)
    m, n = 3, 4
    W, b, x = rng.normal(size=(m, n)), rng.normal(size=m), rng.normal(size=n)
    u = rng.normal(size=m)  # the cotangent arriving from the layer above

    # Efficient VJPs: never form a Jacobian.
    grad_x = W.T @ u  # u^T J_x = u^T W, an n-vector
    grad_W = np.outer(u, x)  # u x^T, the same shape as W
    grad_b = u

    # The full Jacobians, for comparison only.
    J_x = W  # m x n: the Jacobian of y(x) = W x + b
    J_W = np.kron(np.eye(m), x[None, :])  # m x (m n): dy_i / dW_kl, W flattened row by row
    print("J_x shape", J_x.shape, "| J_W shape", J_W.shape)
    print("W^T u   == u^T J_x:", np.allclose(grad_x, u @ J_x))
    print("u x^T   == u^T J_W:", np.allclose(grad_W.ravel(), u @ J_W))
    print("u       == u^T J_b:", np.allclose(grad_b, u @ np.eye(m)))
    # --8<-- [end:linear]

    # --8<-- [start:tanh]
    import numpy as np

    z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    u = np.array([1.0, 2.0, 3.0, 4.0, 5.0])

    J = np.diag(1 - np.tanh(z) ** 2)  # 5 x 5, only the diagonal is nonzero
    vjp = u * (1 - np.tanh(z) ** 2)  # elementwise: no matrix at all
    print("u^T J          :", u @ J)
    print("u * tanh'(z)   :", vjp)
    print("nonzeros of J  :", np.count_nonzero(J), "of", J.size)
    # --8<-- [end:tanh]

    # --8<-- [start:softmax]
    import numpy as np

    z = np.array([1.0, 2.0, 0.5])
    s = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    J = np.diag(s) - np.outer(s, s)

    with np.printoptions(precision=4, suppress=True):  # 4 decimals, no 1e-17 noise
        print("s =", s)
        print("J =\n", J)
        print("symmetric:", np.allclose(J, J.T))
        print("row sums:", J.sum(axis=1))
        print("rank:", np.linalg.matrix_rank(J), "of", len(z), "-> singular, J @ ones =", J @ np.ones(3))

        u = np.array([0.3, -1.0, 2.0])
        print("u^T J          :", u @ J)
        print("s * (u - u.s)  :", s * (u - u @ s))  # the VJP without J
    # --8<-- [end:softmax]

    # --8<-- [start:softmax-bug]
    import numpy as np

    z = np.array([1.0, 2.0, 0.5])
    s = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    u = np.array([0.3, -1.0, 2.0])

    right = s * (u - u @ s)  # u^T (diag(s) - s s^T)
    wrong = u * s * (1 - s)  # only the diagonal of J, as if softmax were elementwise
    print("correct VJP  :", right, " sum", f"{right.sum():+.1e}")
    print("diagonal only:", wrong, " sum", f"{wrong.sum():+.1e}")
    # --8<-- [end:softmax-bug]

    # --8<-- [start:cross-entropy]
    import numpy as np


    def log_softmax(z):
        shifted = z - z.max()
        return shifted - np.log(np.exp(shifted).sum())


    def loss(z, t):
        return -(t @ log_softmax(z))


    z = np.array([1.0, 2.0, 0.5])
    t = np.array([0.0, 0.0, 1.0])  # one-hot: the true class is 2
    grad = np.exp(log_softmax(z)) - t  # y_hat - t

    h = 1e-6
    numeric = np.array([(loss(z + h * e, t) - loss(z - h * e, t)) / (2 * h) for e in np.eye(3)])
    print("y_hat - t       :", grad)
    print("central diff.   :", numeric)
    print("sum of gradient :", f"{grad.sum():+.1e}")
    # --8<-- [end:cross-entropy]

    # --8<-- [start:cross-entropy-bug]
    import numpy as np

    z = np.array([1000.0, 0.0, -1000.0])  # large logits happen, e.g. early in training with a bad init
    t = np.array([0.0, 1.0, 0.0])
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        naive = -(t @ np.log(np.exp(z) / np.exp(z).sum()))  # exp(1000) overflows
    shifted = z - z.max()
    stable = -(t @ (shifted - np.log(np.exp(shifted).sum())))
    print("naive  log(softmax(z)):", naive)
    print("stable log-sum-exp    :", stable)
    # --8<-- [end:cross-entropy-bug]

    # --8<-- [start:mse]
    import numpy as np

    y = np.array([0.5, -1.0, 2.0, 0.0])  # predictions
    t = np.array([1.0, -1.0, 1.0, 0.5])  # targets
    k = y.size


    def loss(y):
        return np.mean((y - t) ** 2)


    grad = 2 * (y - t) / k
    h = 1e-6
    numeric = np.array([(loss(y + h * e) - loss(y - h * e)) / (2 * h) for e in np.eye(k)])
    print("2 (y - t) / k :", grad)
    print("central diff. :", numeric)
    print("max difference:", f"{np.max(np.abs(grad - numeric)):.1e}")
    # --8<-- [end:mse]

    # --8<-- [start:exercise-softmax-2]
    import numpy as np

    z = np.array([0.0, 0.0])
    s = np.exp(z) / np.exp(z).sum()
    print(np.diag(s) - np.outer(s, s))
    # --8<-- [end:exercise-softmax-2]

    # --8<-- [start:exercise-shift]
    import numpy as np

    rng = np.random.default_rng(3)
    z = rng.normal(size=4)


    def softmax(z):
        e = np.exp(z - z.max())
        return e / e.sum()


    print("softmax(z + 7)  - softmax(z):", np.max(np.abs(softmax(z + 7.0) - softmax(z))))
    J = np.diag(softmax(z)) - np.outer(softmax(z), softmax(z))
    with np.printoptions(suppress=True):  # print round-off of order 1e-17 as 0
        print("J @ (1, 1, 1, 1):", J @ np.ones(4))
    # --8<-- [end:exercise-shift]

    # --8<-- [start:exercise-soft-labels]
    import numpy as np


    def log_softmax(z):
        shifted = z - z.max()
        return shifted - np.log(np.exp(shifted).sum())


    z = np.array([0.2, -0.4, 1.1])
    t = np.array([0.5, 0.5, 1.0])  # does not sum to 1
    loss = lambda z: -(t @ log_softmax(z))  # noqa: E731
    h = 1e-6
    numeric = np.array([(loss(z + h * e) - loss(z - h * e)) / (2 * h) for e in np.eye(3)])
    s = np.exp(log_softmax(z))
    print("central diff.  :", numeric)
    print("s - t          :", s - t)
    print("s * sum(t) - t :", s * t.sum() - t)
    # --8<-- [end:exercise-soft-labels]

    # --8<-- [start:conv1d]
    import numpy as np

    rng = np.random.default_rng(0)
    k = np.array([1.0, -2.0, 0.5])  # a kernel of size K = 3
    n, K = 7, len(k)
    x = rng.normal(size=n)


    def conv(x):  # y_i = sum_p k_p x_(i+p): n - K + 1 = 5 outputs
        return np.correlate(x, k, mode="valid")


    y = conv(x)
    C = np.zeros((n - K + 1, n))  # the same linear map as a matrix: k on each row, shifted
    for i in range(n - K + 1):
        C[i, i : i + K] = k
    print("C =\n", C)
    print("C x equals the convolution?", np.allclose(C @ x, y))

    eps = 1e-6  # the Jacobian by central differences: a linear map, so only round-off remains
    J_fd = np.column_stack([(conv(x + eps * e) - conv(x - eps * e)) / (2 * eps) for e in np.eye(n)])
    print(f"largest |C - central differences|: {np.max(np.abs(C - J_fd)):.1e}")

    u = rng.normal(size=n - K + 1)  # a cotangent on the 5 outputs
    vjp = np.correlate(u, k[::-1], mode="full")  # full correlation with the FLIPPED kernel: n entries
    print("C^T u equals correlate(u, k[::-1], 'full')?", np.allclose(C.T @ u, vjp))
    print("C^T u equals convolve(u, k, 'full')?       ", np.allclose(C.T @ u, np.convolve(u, k, mode="full")))
    print("C^T u equals correlate(u, k, 'full')?      ", np.allclose(C.T @ u, np.correlate(u, k, mode="full")),
          "(kernel not flipped)")
    # --8<-- [end:conv1d]

    # --8<-- [start:layer-norm]
    import numpy as np


    def layer_norm(x, eps=1e-5):  # over the features of ONE example
        return (x - x.mean()) / np.sqrt(x.var() + eps)


    x = np.array([0.5, -1.0, 2.0, 0.3])
    n, s, y = len(x), np.sqrt(x.var() + 1e-5), layer_norm(x)
    J = (np.eye(n) - np.ones((n, n)) / n - np.outer(y, y) / n) / s

    h = 1e-6
    J_fd = np.column_stack([(layer_norm(x + h * e) - layer_norm(x - h * e)) / (2 * h) for e in np.eye(n)])
    with np.printoptions(precision=4, suppress=True):
        print("J =\n", J)
        print(f"largest |J - central differences|: {np.max(np.abs(J - J_fd)):.1e}")
        print("nonzero entries:", np.count_nonzero(J), "of", J.size, "(every output depends on every feature)")
        zero = lambda v: np.round(v, 12) + 0.0  # noqa: E731  (round-off of order 1e-16, and -0.0, printed as 0)
        print("J @ ones =", zero(J @ np.ones(n)), " layer_norm(x + 3) - layer_norm(x) =", zero(layer_norm(x + 3) - y))

        u = np.array([1.0, 0.0, -2.0, 0.5])
        print("u^T J                       :", u @ J)
        print("(u - mean(u) - y (y.u)/n) / s:", (u - u.mean() - y * (y @ u) / n) / s)
    # --8<-- [end:layer-norm]
