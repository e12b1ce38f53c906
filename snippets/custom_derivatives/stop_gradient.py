import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)  # float64, to compare with NumPy


def f(p):  # the running example
    x, y = p
    return jnp.array([x**2 * y, 5 * x + jnp.sin(y)])


def f_stopped(p):  # the same values; y is a constant to the derivative of the first output only
    x, y = p
    return jnp.array([x**2 * jax.lax.stop_gradient(y), 5 * x + jnp.sin(y)])


p = jnp.array([1.0, 2.0])
print("same values:", bool(jnp.all(f(p) == f_stopped(p))))
print("J of f:\n", jax.jacfwd(f)(p))
J_forward, J_reverse = jax.jacfwd(f_stopped)(p), jax.jacrev(f_stopped)(p)
print("J of f_stopped:\n", J_forward)
print("forward and reverse mode agree:", bool(jnp.all(J_forward == J_reverse)))
