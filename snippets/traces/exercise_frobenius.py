import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)

rng = np.random.default_rng(8)
W1, W2 = rng.normal(size=(16, 6)) / np.sqrt(6), rng.normal(size=(3, 16)) / 4


def f(x):  # R^6 -> R^3: J is 3 x 6, not square
    return W2 @ jnp.tanh(W1 @ x)


x = rng.normal(size=6)
_, pullback = jax.vjp(f, x)  # one forward pass, then one VJP per probe
M = 4000
U = rng.choice([-1.0, 1.0], size=(M, 3))  # probes u in R^3, E[u u^T] = I
sq_norms = jax.vmap(lambda u: jnp.sum(pullback(u)[0] ** 2))(U)  # ||J^T u||^2 = u^T J J^T u
estimate = sq_norms.mean()
std_error = sq_norms.std(ddof=1) / np.sqrt(M)
exact = jnp.sum(jax.jacrev(f)(x) ** 2)  # ||J||_F^2 = tr(J^T J) = tr(J J^T)
print(f"||J||_F^2 exact: {exact:.5f}; from {M} VJPs: {estimate:.5f} +- {std_error:.5f}")
