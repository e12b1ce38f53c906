import jax
import jax.numpy as jnp

# JAX computes in float32 unless told otherwise; in float64 its numbers match NumPy's and SymPy's
# to about 1e-16 instead of 1e-7. Set it once, before any array is made.
jax.config.update("jax_enable_x64", True)


def f(x, y):
    """The running example f(x, y) = (x^2 y, 5x + sin y), with two scalar arguments."""
    return jnp.array([x**2 * y, 5 * x + jnp.sin(y)])


x, y = 1.0, 2.0
value, Jv = jax.jvp(f, (x, y), (1.0, 0.0))  # one forward pass with the tangent v = (1, 0)
print("f(1, 2) =", value)
print("J v for v = (1, 0), column 1 of J:", Jv)

value, pullback = jax.vjp(f, x, y)  # one forward pass, recorded for the way back
row_1 = pullback(jnp.array([1.0, 0.0]))  # u = e_1: one cotangent per argument of f
row_2 = pullback(jnp.array([0.0, 1.0]))  # the same recording, swept back again
print("pullback(e_1) is a", type(row_1).__name__, "of", len(row_1), "values:", [float(c) for c in row_1])
print("pullback(e_2):", [float(c) for c in row_2], " cos 2 =", float(jnp.cos(2.0)))
