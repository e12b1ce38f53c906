import jax
import jax.numpy as jnp
from jax.test_util import check_grads

jax.config.update("jax_enable_x64", True)  # float64, which the default tolerances assume


def f(p):  # the running example
    return jnp.array([p[0] ** 2 * p[1], 5 * p[0] + jnp.sin(p[1])])


@jax.custom_vjp
def sin_with_slip(y):
    return jnp.sin(y)


def sin_forward(y):
    return jnp.sin(y), y  # the value, and what the backward pass needs


def sin_backward(y, g):
    return (g * jnp.sin(y),)  # the slip: sin y where cos y belongs


sin_with_slip.defvjp(sin_forward, sin_backward)


def f_buggy(p):  # the same map, with the hand-written backward pass of sin
    return jnp.array([p[0] ** 2 * p[1], 5 * p[0] + sin_with_slip(p[1])])


def passes(f, p, **options) -> bool:
    """check_grads raises AssertionError on a mismatch and returns None otherwise."""
    try:
        check_grads(f, (p,), **options)
    except AssertionError:
        return False
    return True


p = jnp.array([1.0, 2.0])
correct_passes = passes(f, p, order=2)  # first and second derivatives, modes "fwd" and "rev"
buggy_passes = passes(f_buggy, p, order=1, modes=("rev",))  # a custom_vjp has no forward mode
print("f, orders 1 and 2, forward and reverse mode: passes", correct_passes)
print("f with the slip in its backward pass: passes", buggy_passes)
