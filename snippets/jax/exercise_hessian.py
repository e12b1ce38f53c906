import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)  # float64, to compare with the exact values


def g(p):  # g(x, y) = x^2 y, the first output of the running example
    return p[0] ** 2 * p[1]


p = jnp.array([1.0, 2.0])
H = jax.jacfwd(jax.jacrev(g))(p)  # forward mode over the reverse-mode gradient
by_hand = jnp.array([[2 * p[1], 2 * p[0]], [2 * p[0], 0.0]])  # [[2y, 2x], [2x, 0]]
print("jacfwd(jacrev(g)):\n", H)
print("equals [[2y, 2x], [2x, 0]] and jax.hessian:", bool(jnp.allclose(H, by_hand)), bool(jnp.allclose(H, jax.hessian(g)(p))))
