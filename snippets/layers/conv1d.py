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


def conv_kernel_vjp(x, u):  # the kernel's gradient, sum_i u_i x_(i+p): x correlated with u, K entries
    return np.correlate(x, u, mode="valid")


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
error_C = np.max(np.abs(C - J_fd))
print(f"largest |C - central differences|: {error_C:.1e}")

u = rng.normal(size=n - K + 1)  # a cotangent on the 5 outputs
vjp = conv_vjp(k, u)
print("C^T u equals correlate(u, k[::-1], 'full')?", np.allclose(C.T @ u, vjp))
print("C^T u equals convolve(u, k, 'full')?       ", np.allclose(C.T @ u, np.convolve(u, k, mode="full")))
print("C^T u equals correlate(u, k, 'full')?      ", np.allclose(C.T @ u, np.correlate(u, k, mode="full")),
      "(kernel not flipped)")

grad_k = conv_kernel_vjp(x, u)  # the kernel's gradient, which training needs; J_k[i, p] = x_(i+p)
J_k = np.column_stack([(conv(x, k + eps * e) - conv(x, k - eps * e)) / (2 * eps) for e in np.eye(K)])
error_k = np.max(np.abs(grad_k - u @ J_k))
print(f"largest |correlate(x, u, 'valid') - u^T J_k|: {error_k:.1e}")
