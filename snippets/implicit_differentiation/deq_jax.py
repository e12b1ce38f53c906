# --8<-- [start:implicit]
import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)  # float64, to compare with NumPy

rng = np.random.default_rng(0)  # the same layer, input and target as the NumPy version
n, d = 4, 3
W = rng.standard_normal((n, n))
W *= 0.8 / np.linalg.norm(W, 2)
U, b = rng.standard_normal((n, d)), rng.standard_normal(n)
x, y = rng.standard_normal(d), rng.standard_normal(n)
params = (jnp.asarray(W), jnp.asarray(U), jnp.asarray(b))


def f(params, x, z):
    W, U, b = params
    return jnp.tanh(W @ z + U @ x + b)


def iterate(step, v, tol=1e-14):
    """v <- step(v) until v stops moving, in a jax.lax.while_loop (nothing is recorded)."""
    def moving(carry):
        v, v_prev = carry
        return jnp.linalg.norm(v - v_prev) >= tol

    return jax.lax.while_loop(moving, lambda carry: (step(carry[0]), carry[0]), (step(v), v))[0]


@jax.custom_vjp
def fixed_point(params, x):
    return iterate(lambda z: f(params, x, z), jnp.zeros(n))


def fixed_point_fwd(params, x):
    z_star = fixed_point(params, x)
    return z_star, (params, x, z_star)  # all the backward pass keeps: no iterates


def fixed_point_bwd(saved, u):
    params, x, z_star = saved
    _, vjp_z = jax.vjp(lambda z: f(params, x, z), z_star)  # w -> w^T (df/dz) at z*
    w = iterate(lambda w: u + vjp_z(w)[0], u)  # solves (I - df/dz)^T w = u
    _, vjp_theta = jax.vjp(lambda params, x: f(params, x, z_star), params, x)
    return vjp_theta(w)  # (w^T df/dparams, w^T df/dx)


fixed_point.defvjp(fixed_point_fwd, fixed_point_bwd)


def loss_implicit(params, x):
    return 0.5 * jnp.sum((fixed_point(params, x) - y) ** 2)


grad_params, grad_x = jax.jit(jax.grad(loss_implicit, argnums=(0, 1)))(params, x)
with np.printoptions(precision=6, suppress=True):
    print("dL/db =", np.asarray(grad_params[2]))
    print("dL/dx =", np.asarray(grad_x))
# --8<-- [end:implicit]

# --8<-- [start:check]
from jax.flatten_util import ravel_pytree


def loss_unrolled(params, x, iterations):
    z = jnp.zeros(n)
    for _ in range(iterations):  # a Python loop: every iterate is recorded for the backward pass
        z = f(params, x, z)
    return 0.5 * jnp.sum((z - y) ** 2)


implicit = ravel_pytree((grad_params, grad_x))[0]  # all 35 partial derivatives as one vector
unrolled, gaps = {}, {}
for k in (5, 10, 20, 40):
    unrolled[k] = jax.grad(loss_unrolled, argnums=(0, 1))(params, x, k)
    gaps[k] = float(jnp.abs(ravel_pytree(unrolled[k])[0] - implicit).max())
    print(f"unrolled, {k:2d} iterations: largest difference from the implicit gradient {gaps[k]:.1e}")
with np.printoptions(precision=6, suppress=True):
    print("dL/dx, implicit:         ", np.asarray(grad_x))
    print("dL/dx, unrolled 40 times:", np.asarray(unrolled[40][1]))
# --8<-- [end:check]

# --8<-- [start:memory]
import contextlib
import io

from jax.ad_checkpoint import print_saved_residuals


def stored_numbers(loss, *args):
    """How many numbers reverse mode keeps from the forward pass for the backward pass,
    besides the arguments (W, U, b, x), which are kept anyway."""
    report = io.StringIO()
    with contextlib.redirect_stdout(report):  # one line per array, e.g. "f64[4] output of tanh ..."
        print_saved_residuals(loss, *args)
    shapes = [line.split("[")[1].split("]")[0] for line in report.getvalue().splitlines()
              if "from the argument" not in line]
    return sum(int(np.prod([int(s) for s in shape.split(",") if s])) for shape in shapes)


stored = {"implicit": stored_numbers(loss_implicit, params, x)}
for k in (10, 20, 40):
    stored[f"unrolled, {k} iterations"] = stored_numbers(lambda params, x: loss_unrolled(params, x, k), params, x)
for name, count in stored.items():
    print(f"{name:>23}: {count:3d} numbers stored for the backward pass")
# --8<-- [end:memory]
