import numpy as np

rng = np.random.default_rng(0)
n, width = 6, 16
W1 = rng.normal(size=(width, n)) / np.sqrt(n)
b1 = rng.normal(size=width)
W2 = rng.normal(size=(n, width)) / np.sqrt(width)


def f(x):  # a small network R^6 -> R^6: W2 tanh(W1 x + b1)
    return W2 @ np.tanh(W1 @ x + b1)


def jvp(x, V):  # J_f(x) v for each row v of V, without forming J (forward mode by hand)
    h = np.tanh(W1 @ x + b1)
    return ((1 - h**2) * (V @ W1.T)) @ W2.T


x = rng.normal(size=n)
J = jvp(x, np.eye(n)).T  # n JVPs, one per unit vector: the whole Jacobian, for the reference
exact = np.trace(J)

S = (J + J.T) / 2  # v^T J v = v^T S v: only the symmetric part counts
var_formula = {
    "Rademacher": 2 * (np.sum(S**2) - np.sum(np.diag(S) ** 2)),  # 2 sum_{i != j} S_ij^2
    "Gaussian": 2 * np.sum(S**2),  # 2 ||S||_F^2
}

N = 20_000  # probe vectors per distribution
probes = {"Rademacher": rng.choice([-1.0, 1.0], size=(N, n)), "Gaussian": rng.normal(size=(N, n))}
estimate, std_error, var_measured = {}, {}, {}
for name, V in probes.items():
    quad = np.sum(V * jvp(x, V), axis=1)  # v^T J v: one JVP per probe
    estimate[name] = quad.mean()
    var_measured[name] = quad.var(ddof=1)
    std_error[name] = np.sqrt(var_measured[name] / N)

print(f"exact trace (n = {n} JVPs): {exact:.4f}")
print(f"{'probes':<11} {'estimate':>9} {'std. error':>11} {'variance measured':>18} {'formula':>8}")
for name in probes:
    print(f"{name:<11} {estimate[name]:9.4f} {std_error[name]:11.4f} "
          f"{var_measured[name]:18.4f} {var_formula[name]:8.4f}")
