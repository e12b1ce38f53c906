import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)  # float64, to compare with NumPy (see the first block)


def loss(w, x, t):
    """Cross-entropy of one example (x, t), t in {0, 1}, for the logistic model sigma(w . x)."""
    z = jnp.dot(w, x)
    return jnp.logaddexp(0.0, z) - t * z  # log(1 + e^z) - t z, without overflow


X = jnp.array([[1.0, 2.0, -1.0], [0.5, -1.0, 2.0], [-1.5, 0.5, 1.0], [2.0, 1.0, 0.5]])  # 4 examples
t = jnp.array([1.0, 0.0, 1.0, 0.0])
w = jnp.array([0.1, -0.2, 0.3])

# grad differentiates in w; vmap maps over the rows of X and t (axis 0), sharing w (None).
per_example = jax.vmap(jax.grad(loss), in_axes=(None, 0, 0))(w, X, t)
looped = jnp.stack([jax.grad(loss)(w, X[b], t[b]) for b in range(len(X))])
losses = lambda w: jax.vmap(loss, in_axes=(None, 0, 0))(w, X, t)  # R^3 -> R^4, one loss per example
print("per-example gradients, one row per example:\n", per_example)
print("same as a loop over examples:", bool(jnp.allclose(per_example, looped, rtol=1e-15, atol=0)))
print("they are the rows of the Jacobian of the 4 losses:", bool(jnp.allclose(per_example, jax.jacrev(losses)(w))))
mean_gradient = jax.grad(lambda w: jnp.mean(losses(w)))(w)  # what one backward pass of the mean gives
print("gradient of the mean loss = mean of the rows:", bool(jnp.allclose(mean_gradient, per_example.mean(axis=0))))
