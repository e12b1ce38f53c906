import jax
import jax.numpy as jnp


def norm(x):
    return jnp.sqrt(jnp.sum(x**2))


def guarded_norm(x):  # one where: the value at 0 is right, the gradient is not
    sq = jnp.sum(x**2)
    return jnp.where(sq > 0, jnp.sqrt(sq), 0.0)


def safe_norm(x):  # the "double where": the untaken branch never sees sq = 0
    sq = jnp.sum(x**2)
    return jnp.where(sq > 0, jnp.sqrt(jnp.where(sq > 0, sq, 1.0)), 0.0)


zero, x = jnp.zeros(3), jnp.array([3.0, 0.0, 4.0])
grads = {}
for f in (norm, guarded_norm, safe_norm):
    grads[f.__name__] = jax.grad(f)(zero), jax.grad(f)(x)
    print(f"{f.__name__:12}  value at 0: {float(f(zero))}  gradient at 0: {grads[f.__name__][0]}",
          f" gradient at x: {grads[f.__name__][1]}")
