import numpy as np


def f(p):
    x, y = p
    return np.array([x**2 * y, 5 * x + np.sin(y)])


def J(p):
    x, y = p
    return np.array([[2 * x * y, x**2], [5.0, np.cos(y)]])


p = np.array([1.0, 2.0])
U, sigma, Vt = np.linalg.svd(J(p))  # J = U diag(sigma) V^T; U, V orthogonal
product, abs_det = sigma.prod(), abs(np.linalg.det(J(p)))
print("singular values of J_f(1, 2):", sigma.round(4))
print(f"their product: {product:.4f}, |det J_f(1, 2)|: {abs_det:.4f}")

# A small circle around p, mapped by f: its farthest and nearest points
radius = 1e-4
t = np.linspace(0, 2 * np.pi, 3600, endpoint=False)
circle = p + radius * np.stack([np.cos(t), np.sin(t)], axis=1)
distances = np.linalg.norm([f(q) - f(p) for q in circle], axis=1)
semi_axes = np.array([distances.max(), distances.min()]) / radius
print("semi-axes of the image / radius:", semi_axes.round(4))

# Where det J = 0, for example at (0, 1): one singular value is 0, rank 1
q = np.array([0.0, 1.0])
sigma_q = np.linalg.svd(J(q), compute_uv=False)
rank_q = np.linalg.matrix_rank(J(q))
print("at (0, 1): singular values", sigma_q.round(4), "rank", rank_q)
