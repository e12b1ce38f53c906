import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)  # float64, to compare with the exact formula


def attention(Q, K, V):
    """One head, no mask: softmax(Q K^T / sqrt(d)) V."""
    return jax.nn.softmax(Q @ K.T / jnp.sqrt(Q.shape[1]), axis=1) @ V


Q = jnp.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
K = jnp.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
V = jnp.array([[1.0, 0.0], [0.0, 2.0], [2.0, 1.0]])
P = jax.nn.softmax(Q @ K.T / jnp.sqrt(2.0), axis=1)

J_V = jax.jacrev(attention, argnums=2)(Q, K, V).reshape(6, 6)  # O and V flattened row by row
kron = jnp.kron(P, jnp.eye(2))  # entry (i a, j b) = P[i, j] [a = b]
print("J_V = kron(P, I_2):", bool(jnp.allclose(J_V, kron)))
print("zero entries of J_V:", int(jnp.sum(J_V == 0)), "of", J_V.size)
