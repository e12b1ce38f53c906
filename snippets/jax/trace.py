import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)  # float64, to compare with NumPy (see the first block)


def f(x, y):
    return jnp.array([x**2 * y, 5 * x + jnp.sin(y)])


program = jax.make_jaxpr(f)(1.0, 2.0)  # what JAX records when it runs f on tracers
print(program)
jvp_program = jax.make_jaxpr(lambda x, y: jax.jvp(f, (x, y), (1.0, 0.0)))(1.0, 2.0)
print("primitives in f:", len(program.eqns), "; in the program that computes (f, J v):", len(jvp_program.eqns))
print("the new program uses cos:", "cos" in str(jvp_program))
