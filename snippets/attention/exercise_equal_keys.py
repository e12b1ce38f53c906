import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)  # float64, so "zero" means zero to rounding


def attention(Q, K, V):
    """One head, no mask: softmax(Q K^T / sqrt(d)) V."""
    return jax.nn.softmax(Q @ K.T / jnp.sqrt(Q.shape[1]), axis=1) @ V


key = jax.random.key(0)
kQ, kV, kG = jax.random.split(key, 3)
Q = jax.random.normal(kQ, (3, 2))
K = jnp.tile(jnp.array([[0.5, -2.0]]), (3, 1))  # three equal keys
V = jax.random.normal(kV, (3, 2))
G = jax.random.normal(kG, (3, 2))

O, pullback = jax.vjp(attention, Q, K, V)
dQ, dK, dV = pullback(G)
P = jax.nn.softmax(Q @ K.T / jnp.sqrt(2.0), axis=1)
print("P =\n", P)
print("largest |dL/dQ|:", float(jnp.abs(dQ).max()))
