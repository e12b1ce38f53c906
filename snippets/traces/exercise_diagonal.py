import numpy as np

d = np.array([3.0, -1.0, 0.5, 2.0])  # A = diag(d), e.g. the Jacobian of an elementwise activation
A = np.diag(d)
rng = np.random.default_rng(5)
N = 100_000
R = rng.choice([-1.0, 1.0], size=(N, 4))  # Rademacher probes, one per row
G = rng.normal(size=(N, 4))  # Gaussian probes
q_rademacher = np.einsum("ki,ij,kj->k", R, A, R)  # v^T A v for each row v
q_gauss = np.einsum("ki,ij,kj->k", G, A, G)
var_rademacher, var_gauss = q_rademacher.var(), q_gauss.var()
var_gauss_formula = 2 * np.sum(d**2)  # 2 ||A||_F^2; the Rademacher formula gives 0 here
print(f"trace = {d.sum()}")
print(f"Rademacher: every sample equals the trace? {np.all(q_rademacher == d.sum())}; variance {var_rademacher}")
print(f"Gaussian: variance {var_gauss:.3f}; formula 2 sum d_i^2 = {var_gauss_formula}")
