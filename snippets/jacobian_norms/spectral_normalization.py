import numpy as np

rng = np.random.default_rng(3)  # the weights of the MLP above
sizes = [4, 16, 16, 3]
Ws = [rng.standard_normal((m, n)) / np.sqrt(n) for n, m in zip(sizes[:-1], sizes[1:])]


def power_step(W, u):
    """One power step on W W^T with the vector u kept from the previous training step."""
    v = W.T @ u
    v /= np.linalg.norm(v)
    u = W @ v
    u /= np.linalg.norm(u)
    return u @ W @ v, u  # the estimate u^T W v of sigma_max(W), and the new u


noise = np.random.default_rng(1)
us = [noise.standard_normal(W.shape[0]) for W in Ws]
us = [u / np.linalg.norm(u) for u in us]
errors = []
for step in range(1, 101):
    # Stand-in for a gradient step: every weight moves a little.
    Ws = [W + 0.01 * noise.standard_normal(W.shape) for W in Ws]
    sigmas = []
    for i, W in enumerate(Ws):
        sigma_hat, us[i] = power_step(W, us[i])
        sigmas.append(sigma_hat)
    exact = [np.linalg.norm(W, 2) for W in Ws]
    errors.append(max(abs(s - e) / e for s, e in zip(sigmas, exact)))
    if step in (1, 3, 10, 100):
        print(f"training step {step:3d}: largest relative error of the estimates {errors[-1]:.1e}")

normalized = [W / s for W, s in zip(Ws, sigmas)]  # the layers the network uses
norms_after = np.array([np.linalg.norm(W, 2) for W in normalized])
print("spectral norms of the normalized layers:", norms_after)
new_bound = np.prod(norms_after)
print("product (the new Lipschitz bound):", new_bound)
