import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)  # float64, to compare with the loop


def loss(w, x, t):  # the logistic example of this page
    z = jnp.dot(w, x)
    return jnp.logaddexp(0.0, z) - t * z


X = jnp.array([[1.0, 2.0, -1.0], [0.5, -1.0, 2.0], [-1.5, 0.5, 1.0], [2.0, 1.0, 0.5]])
t = jnp.array([1.0, 0.0, 1.0, 0.0])
w = jnp.array([0.1, -0.2, 0.3])

G = jax.vmap(jax.grad(loss), in_axes=(None, 0, 0))(w, X, t)  # 4 x 3, one gradient per row
norms = jnp.linalg.norm(G, axis=1)
clipped_mean = jnp.mean(G / jnp.maximum(1.0, norms)[:, None], axis=0)  # each row scaled to norm <= 1

loop = jnp.zeros(3)
for b in range(len(X)):
    g = jax.grad(loss)(w, X[b], t[b])
    loop = loop + g / max(1.0, float(jnp.linalg.norm(g))) / len(X)
print("norms of the per-example gradients:", norms)
print("mean of the clipped gradients:", clipped_mean, " loop:", loop)
