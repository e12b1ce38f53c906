import jax
import jax.numpy as jnp
import numpy as np

# JAX computes in float32 unless told otherwise; in float64 it agrees with NumPy to about 1e-16
# relative instead of 1e-7, so the two versions can be compared digit for digit.
jax.config.update("jax_enable_x64", True)


def attention(Q, K, V):
    """One head, no mask: softmax(Q K^T / sqrt(d)) V, each row of scores through softmax."""
    return jax.nn.softmax(Q @ K.T / jnp.sqrt(Q.shape[1]), axis=1) @ V


Q = jnp.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])  # T = 3 tokens, d = 2
K = jnp.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
V = jnp.array([[1.0, 0.0], [0.0, 2.0], [2.0, 1.0]])  # d_v = 2
G = jnp.array([[1.0, -1.0], [0.5, 0.0], [0.0, 2.0]])  # the cotangent dL/dO

O, pullback = jax.vjp(attention, Q, K, V)  # one recorded forward pass
dQ, dK, dV = pullback(G)  # one cotangent per argument, each the shape of its argument
print("shapes: O", O.shape, "dQ", dQ.shape, "dK", dK.shape, "dV", dV.shape)
with np.printoptions(precision=4, suppress=True):
    print("O =\n", np.asarray(O))
    print("dL/dQ =\n", np.asarray(dQ))
    print("dL/dK =\n", np.asarray(dK))
    print("dL/dV =\n", np.asarray(dV))
