import numpy as np

rng = np.random.default_rng(2)
n, width = 5, 32
W1 = rng.normal(size=(width, n)) / np.sqrt(n)
w_t = rng.normal(size=width)  # how the time t enters
b1 = rng.normal(size=width)
W2 = rng.normal(size=(n, width)) / np.sqrt(width)


def dynamics(z, t):  # dz/dt = f(z, t), a one-hidden-layer network, as in a CNF
    return W2 @ np.tanh(W1 @ z + t * w_t + b1)


def jvp(z, t, V):  # J_f(z) v for each row v of V: forward mode by hand
    h = np.tanh(W1 @ z + t * w_t + b1)
    return ((1 - h**2) * (V @ W1.T)) @ W2.T


z, t = rng.normal(size=n), 0.5
divergence = np.trace(jvp(z, t, np.eye(n)))  # exact: n JVPs, one per column of J

M = 1000  # Rademacher probes
V = rng.choice([-1.0, 1.0], size=(M, n))
quad = np.sum(V * jvp(z, t, V), axis=1)  # v^T J v, one JVP each
estimate_1 = quad[0]  # what a CNF uses per step: a single probe
estimate_M = quad.mean()
std_error_M = quad.std(ddof=1) / np.sqrt(M)
print(f"exact divergence tr(J_f):       {divergence:.6f}")
print(f"Hutchinson, 1 probe:            {estimate_1:.6f}")
print(f"Hutchinson, {M} probes:       {estimate_M:.6f} +- {std_error_M:.6f}")
