import numpy as np


def conv(x, k):  # y_i = sum_p k_p x_(i+p): n - K + 1 outputs
    return np.correlate(x, k, mode="valid")


def conv_matrix(k, n):  # the same linear map as a matrix: k on each row, shifted
    K = len(k)
    C = np.zeros((n - K + 1, n))
    for i in range(n - K + 1):
        C[i, i : i + K] = k
    return C


def conv_vjp(k, u):  # C^T u without C: full correlation with the FLIPPED kernel, n entries
    return np.correlate(u, k[::-1], mode="full")


rng = np.random.default_rng(0)
k = np.array([1.0, -2.0, 0.5])  # a kernel of size K = 3
n, K = 7, len(k)
x = rng.normal(size=n)

y = conv(x, k)  # 5 outputs
C = conv_matrix(k, n)
print("C =\n", C)
print("C x equals the convolution?", np.allclose(C @ x, y))

eps = 1e-6  # the Jacobian by central differences: a linear map, so only round-off remains
J_fd = np.column_stack([(conv(x + eps * e, k) - conv(x - eps * e, k)) / (2 * eps) for e in np.eye(n)])
print(f"largest |C - central differences|: {np.max(np.abs(C - J_fd)):.1e}")

u = rng.normal(size=n - K + 1)  # a cotangent on the 5 outputs
vjp = conv_vjp(k, u)
print("C^T u equals correlate(u, k[::-1], 'full')?", np.allclose(C.T @ u, vjp))
print("C^T u equals convolve(u, k, 'full')?       ", np.allclose(C.T @ u, np.convolve(u, k, mode="full")))
print("C^T u equals correlate(u, k, 'full')?      ", np.allclose(C.T @ u, np.correlate(u, k, mode="full")),
      "(kernel not flipped)")
