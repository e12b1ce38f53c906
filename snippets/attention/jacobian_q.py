import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)  # float64, to compare with the exact values


def attention(Q, K, V):
    """One head, no mask: softmax(Q K^T / sqrt(d)) V."""
    return jax.nn.softmax(Q @ K.T / jnp.sqrt(Q.shape[1]), axis=1) @ V


Q = jnp.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])  # T = 3, d = 2
K = jnp.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
V = jnp.array([[1.0, 0.0], [0.0, 2.0], [2.0, 1.0]])
T, d = Q.shape

J4 = jax.jacrev(attention, argnums=0)(Q, K, V)  # shape (T, d_v, T, d): dO[i, a] / dQ[l, b]
J = J4.reshape(T * V.shape[1], T * d)  # flatten O and Q row by row: a 6 x 6 matrix
off_diagonal = max(float(jnp.abs(J4[i, :, l, :]).max()) for i in range(T) for l in range(T) if i != l)
P = jax.nn.softmax(Q @ K.T / jnp.sqrt(d), axis=1)
blocks = [V.T @ (jnp.diag(p) - jnp.outer(p, p)) @ K / jnp.sqrt(d) for p in P]  # V^T J_softmax K / sqrt(d)
by_hand = jnp.array([[-1.0, -2.0], [-1.0, 1.0]]) / (3 * jnp.sqrt(2.0))
print("J4 shape", J4.shape, "-> J shape", J.shape)
with np.printoptions(precision=4, suppress=True):
    print("J =\n", np.asarray(J))
print("largest entry outside the diagonal blocks:", off_diagonal)
print("diagonal blocks = V^T (diag(p_i) - p_i p_i^T) K / sqrt(d):",
      all(bool(jnp.allclose(J4[i, :, i, :], blocks[i])) for i in range(T)))
print("block 1 = [[-1, -2], [-1, 1]] / (3 sqrt 2):", bool(jnp.allclose(J4[0, :, 0, :], by_hand)))
