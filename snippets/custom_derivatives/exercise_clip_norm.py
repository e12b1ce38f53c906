import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)  # float64, to compare with the exact values


@jax.custom_vjp
def clip_norm(p):
    """The identity on the way forward; on the way back, the cotangent is scaled to length <= 1."""
    return p


def clip_norm_forward(p):
    return p, None


def clip_norm_backward(saved, u):
    return (u / jnp.maximum(1.0, jnp.linalg.norm(u)),)  # same direction, length at most 1


clip_norm.defvjp(clip_norm_forward, clip_norm_backward)


def f1(p):  # the first output of the running example, x^2 y
    return p[0] ** 2 * p[1]


p = jnp.array([1.0, 2.0])
g = jax.grad(lambda p: f1(clip_norm(p)))(p)
print("gradient (4, 1) scaled to length 1:", g, " length:", float(jnp.linalg.norm(g)))
by_hand = jnp.array([4.0, 1.0]) / jnp.sqrt(17.0)
print("(4, 1) / sqrt(17) =", by_hand)
