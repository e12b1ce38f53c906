import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)  # float64, to compare with NumPy (see the first block)


def f(p):  # the running example, in JAX
    return jnp.array([p[0] ** 2 * p[1], 5 * p[0] + jnp.sin(p[1])])


def central_differences(f, x, h=1e-6):
    """Column j: (f(x + h e_j) - f(x - h e_j)) / 2h, in NumPy, without any derivative rule."""
    return np.stack([(np.asarray(f(x + h * e)) - np.asarray(f(x - h * e))) / (2 * h) for e in np.eye(x.size)], axis=1)


points = np.random.default_rng(0).uniform(-2.0, 2.0, size=(5, 2))
errors = [np.max(np.abs(np.asarray(jacobian(f)(jnp.asarray(x))) - central_differences(f, x)))
          for x in points for jacobian in (jax.jacfwd, jax.jacrev)]
print(f"5 random points, jacfwd and jacrev against central differences: largest difference {max(errors):.0e}")
