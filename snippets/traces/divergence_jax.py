import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)  # float64, to compare with NumPy digit for digit

rng = np.random.default_rng(2)  # the same weights, point and probes as the NumPy tab
n, width = 5, 32
W1 = rng.normal(size=(width, n)) / np.sqrt(n)
w_t = rng.normal(size=width)
b1 = rng.normal(size=width)
W2 = rng.normal(size=(n, width)) / np.sqrt(width)


def dynamics(z, t):  # dz/dt = f(z, t)
    return W2 @ jnp.tanh(W1 @ z + t * w_t + b1)


z, t = rng.normal(size=n), 0.5
divergence = jnp.trace(jax.jacfwd(dynamics)(z, t))  # exact: jacfwd pushes n unit vectors


def v_J_v(v):  # one JVP: v^T J_f(z) v
    _, Jv = jax.jvp(lambda z: dynamics(z, t), (z,), (v,))
    return v @ Jv


M = 1000
V = rng.choice([-1.0, 1.0], size=(M, n))
quad = jax.vmap(v_J_v)(V)  # M JVPs, batched
estimate_1 = quad[0]
estimate_M = quad.mean()
std_error_M = quad.std(ddof=1) / np.sqrt(M)
print(f"exact divergence tr(J_f):       {divergence:.6f}")
print(f"Hutchinson, 1 probe:            {estimate_1:.6f}")
print(f"Hutchinson, {M} probes:       {estimate_M:.6f} +- {std_error_M:.6f}")
