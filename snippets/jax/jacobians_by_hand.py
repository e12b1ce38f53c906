import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)  # float64, to compare with NumPy (see the first block)


def jacfwd_by_hand(f, x):
    """n JVPs, one per basis vector e_j of the input space, batched by vmap: the columns of J."""
    column = lambda v: jax.jvp(f, (x,), (v,))[1]
    return jax.vmap(column, out_axes=1)(jnp.eye(x.size))  # column j of the result is J e_j


def jacrev_by_hand(f, x):
    """One recorded pass, then m VJPs, one per basis vector e_i of the output space: the rows of J."""
    y, pullback = jax.vjp(f, x)
    return jax.vmap(lambda u: pullback(u)[0])(jnp.eye(y.size))  # row i of the result is e_i^T J


def f(p):  # the running example
    return jnp.array([p[0] ** 2 * p[1], 5 * p[0] + jnp.sin(p[1])])


def g(p):  # a tall map R^2 -> R^3, to see the shapes
    return jnp.array([p[0] * p[1], jnp.exp(p[0]), jnp.tanh(p[1])])


p = jnp.array([1.0, 2.0])
J_fwd, J_rev = jacfwd_by_hand(f, p), jacrev_by_hand(f, p)
print("by hand, forward:\n", J_fwd)
print("agrees with [[4, 1], [5, cos 2]]:", jnp.allclose(J_fwd, jnp.array([[4.0, 1.0], [5.0, jnp.cos(2.0)]])))
pairs = [(jacfwd_by_hand, jax.jacfwd), (jacrev_by_hand, jax.jacrev)]
same = [bool(jnp.allclose(mine(func, p), theirs(func)(p), rtol=1e-15, atol=0)) for func in (f, g) for mine, theirs in pairs]
print("same as jax.jacfwd and jax.jacrev, on f and on g:", same)
print("shape of the Jacobian of g: R^2 -> R^3:", jacfwd_by_hand(g, p).shape, jacrev_by_hand(g, p).shape)
