import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)  # float64, to compare with NumPy


@jax.custom_vjp
def clip_gradient(p):
    """The identity on the way forward; on the way back, each cotangent entry is clipped to [-2, 2]."""
    return p


def clip_forward(p):
    return p, None  # the value, and what the backward pass needs: nothing


def clip_backward(saved, u):
    return (jnp.clip(u, -2.0, 2.0),)  # one cotangent per argument of clip_gradient, as a tuple


clip_gradient.defvjp(clip_forward, clip_backward)


def f(p):  # the running example
    return jnp.array([p[0] ** 2 * p[1], 5 * p[0] + jnp.sin(p[1])])


def f_clipped(p):  # the same function: only its backward pass differs
    return f(clip_gradient(p))


p = jnp.array([1.0, 2.0])
print("same values:", f(p), f_clipped(p))
print("jacrev(f):\n", jax.jacrev(f)(p))
print("jacrev(f_clipped), each row clipped to [-2, 2]:\n", jax.jacrev(f_clipped)(p))
try:
    jax.jacfwd(f_clipped)(p)
except TypeError as error:  # a custom_vjp has no forward mode
    forward_mode_error = error
    print("jacfwd(f_clipped) raises TypeError:", str(error).splitlines()[0])
