import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)

# The encoder of the Frobenius block: R^20 -> R^8.
rng = np.random.default_rng(0)
W = jnp.asarray(rng.standard_normal((8, 20)) / np.sqrt(20))
b = jnp.asarray(0.1 * rng.standard_normal(8))
x = jnp.asarray(rng.standard_normal(20))


def encoder(x):
    return jax.nn.sigmoid(W @ x + b)


h, pullback = jax.vjp(encoder, x)  # one forward pass
rows = [pullback(e)[0] for e in jnp.eye(8)]  # 8 VJPs: e_i^T J is row i of J
from_rows = float(sum(jnp.sum(r**2) for r in rows))
exact = float(jnp.sum((h * (1 - h)) ** 2 * jnp.sum(W**2, axis=1)))
print("sum of squared rows (8 VJPs):", from_rows, " closed form:", exact)

# Random cotangents work too: E ||u^T J||^2 = ||J||_F^2 for E[u u^T] = I.
U = jnp.asarray(np.random.default_rng(1).choice([-1.0, 1.0], size=(2000, 8)))
random_rows = jax.vmap(lambda u: pullback(u)[0])(U)
estimate = float(jnp.mean(jnp.sum(random_rows**2, axis=1)))
print("mean of ||u^T J||^2 over 2000 Rademacher u:", estimate)
