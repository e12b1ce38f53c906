import numpy as np

# A small MLP R^4 -> R^3: two tanh layers of width 16, then a linear layer.
rng = np.random.default_rng(3)
sizes = [4, 16, 16, 3]
Ws = [rng.standard_normal((m, n)) / np.sqrt(n) for n, m in zip(sizes[:-1], sizes[1:])]
bs = [0.1 * rng.standard_normal(m) for m in sizes[1:]]


def mlp(x):
    h = x
    for W, b in zip(Ws[:-1], bs[:-1]):
        h = np.tanh(W @ h + b)
    return Ws[-1] @ h + bs[-1]


def jvp(x, v):
    """J(x) v: push the tangent v forward next to the values (tanh' = 1 - tanh^2)."""
    h, t = x, v
    for W, b in zip(Ws[:-1], bs[:-1]):
        h = np.tanh(W @ h + b)
        t = (1 - h**2) * (W @ t)
    return Ws[-1] @ t


def vjp(x, u):
    """J(x)^T u: record the forward pass, then pull the cotangent u back through it."""
    hs = [x]
    for W, b in zip(Ws[:-1], bs[:-1]):
        hs.append(np.tanh(W @ hs[-1] + b))
    g = Ws[-1].T @ u
    for W, h in zip(reversed(Ws[:-1]), reversed(hs[1:])):
        g = W.T @ ((1 - h**2) * g)
    return g


def spectral_norm(x, steps, seed=0):
    """Power iteration on J^T J with one JVP and one VJP per step; returns each step's estimate."""
    v = np.random.default_rng(seed).standard_normal(x.size)
    v /= np.linalg.norm(v)
    estimates = []
    for _ in range(steps):
        w = vjp(x, jvp(x, v))  # J^T (J v)
        v = w / np.linalg.norm(w)
        estimates.append(np.linalg.norm(jvp(x, v)))  # ||J v|| for the unit vector v
    return np.array(estimates), v


x = np.array([0.5, -1.0, 0.3, 2.0])
estimates, v = spectral_norm(x, steps=20)
for k in (1, 2, 3, 5, 10, 20):
    print(f"step {k:2d}: sigma estimate {estimates[k - 1]:.15f}")

J = np.column_stack([jvp(x, e) for e in np.eye(4)])  # the 3 x 4 Jacobian, one JVP per column
sigma = np.linalg.svd(J, compute_uv=False)
gap_ratio = sigma[1] / sigma[0]
print("SVD of J:   sigma_1 =", sigma[0], " sigma_2 / sigma_1 =", gap_ratio)
