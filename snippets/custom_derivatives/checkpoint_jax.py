import contextlib
import io
import math
import re

import jax
import jax.numpy as jnp
from jax.ad_checkpoint import print_saved_residuals

jax.config.update("jax_enable_x64", True)  # float64, to compare with NumPy

W, b = jnp.array([[0.9, -0.5], [0.5, 0.9]]), jnp.array([0.1, -0.1])
LAYERS, EVERY = 32, 4  # a chain of 32 layers, cut into segments of 4


def layer(x):
    return jnp.tanh(W @ x + b)


def segment(x):  # EVERY layers in a row
    for _ in range(EVERY):
        x = layer(x)
    return x


def loss(x):  # the plain chain, then a scalar
    for _ in range(LAYERS):
        x = layer(x)
    return jnp.sum(x)


def loss_checkpointed(x):  # the same chain; each segment keeps only its input for the way back
    for _ in range(LAYERS // EVERY):
        x = jax.checkpoint(segment)(x)
    return jnp.sum(x)


def saved_numbers(f, x):
    """Arrays and numbers reverse mode stores between the forward and the backward pass, besides
    the argument x and the constants W and b, which are kept anyway."""
    report = io.StringIO()
    with contextlib.redirect_stdout(report):  # one line per stored array, e.g. "f64[2] output of tanh ..."
        print_saved_residuals(f, x)
    lines = [line for line in report.getvalue().splitlines() if not re.search("from (the argument|a constant)", line)]
    shapes = [re.match(r"\w+\[([\d,]*)\]", line).group(1) for line in lines]
    return len(lines), sum(math.prod(int(d) for d in s.split(",") if d) for s in shapes)


x0 = jnp.array([0.5, -1.0])
for f in (loss, loss_checkpointed):
    arrays, numbers = saved_numbers(f, x0)
    print(f"{f.__name__:>17}: stores {arrays} arrays, {numbers} numbers; gradient {jax.grad(f)(x0)}")
same = bool(jnp.all(jax.grad(loss)(x0) == jax.grad(loss_checkpointed)(x0)))
print("the same gradient, to the last bit:", same)
