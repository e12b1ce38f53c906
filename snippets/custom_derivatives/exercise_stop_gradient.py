import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)  # float64, to compare with the exact values


def h(x):
    return x * jax.lax.stop_gradient(x)  # the value is x^2


print("h(3) =", float(h(3.0)), " h'(3) by JAX:", float(jax.grad(h)(3.0)), " d/dx x^2 at 3 = 6")
