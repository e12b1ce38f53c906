import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)  # float64, to compare with the exact values


def f(p):  # the running example
    return jnp.array([p[0] ** 2 * p[1], 5 * p[0] + jnp.sin(p[1])])


points = jnp.array([[1.0, 2.0], [0.0, 0.0], [-1.0, 3.0]])
Js = jax.vmap(jax.jacfwd(f))(points)  # one 2 x 2 Jacobian per point, in one batched call
x, y = points[:, 0], points[:, 1]
formula = jnp.stack([jnp.stack([2 * x * y, x**2], axis=-1), jnp.stack([5 + 0 * x, jnp.cos(y)], axis=-1)], axis=1)
print("shape:", Js.shape)
print("J at (0, 0):\n", Js[1])
print("every one equals [[2xy, x^2], [5, cos y]]:", bool(jnp.allclose(Js, formula)))
