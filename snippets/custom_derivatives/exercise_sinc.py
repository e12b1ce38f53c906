import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)  # float64, to compare with the exact values


def sinc_where(x):  # sin(x) / x, with its limit 1 at 0
    return jnp.where(x == 0.0, 1.0, jnp.sin(x) / x)


@jax.custom_jvp
def sinc(x):
    return jnp.where(x == 0.0, 1.0, jnp.sin(x) / x)


@sinc.defjvp
def sinc_jvp(primals, tangents):
    (x,), (v,) = primals, tangents
    safe_x = jnp.where(x == 0.0, 1.0, x)  # the rule's own division never sees 0
    slope = jnp.where(x == 0.0, 0.0, (x * jnp.cos(x) - jnp.sin(x)) / safe_x**2)  # the limit at 0 is 0
    return sinc(x), slope * v


print("slope at 0, automatic:", float(jax.grad(sinc_where)(0.0)), " custom rule:", float(jax.grad(sinc)(0.0)))
by_hand = (2 * jnp.cos(2.0) - jnp.sin(2.0)) / 4
print("slope at 2:", float(jax.grad(sinc)(2.0)), " (2 cos 2 - sin 2) / 4 =", float(by_hand))
