import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)

# The same MLP R^4 -> R^3 and the same weights (drawn with NumPy, seed 3).
rng = np.random.default_rng(3)
sizes = [4, 16, 16, 3]
Ws = [jnp.asarray(rng.standard_normal((m, n)) / np.sqrt(n)) for n, m in zip(sizes[:-1], sizes[1:])]
bs = [jnp.asarray(0.1 * rng.standard_normal(m)) for m in sizes[1:]]


def mlp(x):
    h = x
    for W, b in zip(Ws[:-1], bs[:-1]):
        h = jnp.tanh(W @ h + b)
    return Ws[-1] @ h + bs[-1]


def spectral_norm(f, x, steps, seed=0):
    """Power iteration on J^T J: one jax.jvp and one call of the jax.vjp pullback per step."""
    _, pullback = jax.vjp(f, x)  # one recorded forward pass, reused by every step
    v = jnp.asarray(np.random.default_rng(seed).standard_normal(x.size))
    v = v / jnp.linalg.norm(v)
    for _ in range(steps):
        _, Jv = jax.jvp(f, (x,), (v,))
        (w,) = pullback(Jv)  # J^T (J v)
        v = w / jnp.linalg.norm(w)
    _, Jv = jax.jvp(f, (x,), (v,))
    return jnp.linalg.norm(Jv), v


x = jnp.array([0.5, -1.0, 0.3, 2.0])
estimate, v = spectral_norm(mlp, x, steps=20)
exact = jnp.linalg.norm(jax.jacfwd(mlp)(x), 2)  # the full 3 x 4 Jacobian, then its largest singular value
print("power iteration, 20 steps:", float(estimate))
print("jnp.linalg.norm(J, 2):    ", float(exact))
