import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)  # float64, so "zero" means zero to rounding


def causal_attention(Q, K, V):
    """Token i attends to tokens 1..i only: the scores above the diagonal become -inf."""
    T, d = Q.shape
    S = Q @ K.T / jnp.sqrt(d)
    S = jnp.where(jnp.tril(jnp.ones((T, T), dtype=bool)), S, -jnp.inf)  # exp(-inf) = 0
    return jax.nn.softmax(S, axis=1) @ V


Q, K, V = jax.random.normal(jax.random.key(1), (3, 3, 2))
J_V = jax.jacrev(causal_attention, argnums=2)(Q, K, V)  # shape (T, d_v, T, d_v)
block_norms = jnp.linalg.norm(J_V, axis=(1, 3))  # entry (i, j): size of the block dO_i / dV_j
with np.printoptions(precision=3, suppress=True):
    print("norms of the blocks dO_i/dV_j:\n", np.asarray(block_norms))
