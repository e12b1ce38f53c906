import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)  # float64, to compare with NumPy (see the first block)

calls = 0


def f(p):
    """The running example, counting how often Python runs it."""
    global calls
    calls += 1
    return jnp.array([p[0] ** 2 * p[1], 5 * p[0] + jnp.sin(p[1])])


p = jnp.array([1.0, 2.0])
value, f_jvp = jax.linearize(f, p)  # runs f once and keeps its linear part at p
columns = [f_jvp(e) for e in jnp.eye(2)]  # J e_1 and J e_2: no new run of f
print("columns of J:", columns[0], columns[1], " f ran", calls, "time")

step = jnp.array([0.01, -0.02])
first_order = value + f_jvp(step)  # f(p) + J step, the best local linear map
print("f(p + step)   =", f(p + step))
print("f(p) + J step =", first_order)
