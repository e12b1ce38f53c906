import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)  # float64, to compare with NumPy


def round_ste(w):
    """round(w) on the way forward; on the way back, the derivative of the identity, 1."""
    return w + jax.lax.stop_gradient(jnp.round(w) - w)


def loss_true(w):  # a model whose weight is rounded to an integer before use
    return (3.0 * jnp.round(w) - 6.0) ** 2


def loss_ste(w):  # the same values, with the straight-through derivative of round
    return (3.0 * round_ste(w) - 6.0) ** 2


print("at w = 0.4: round(w) =", float(jnp.round(0.4)), " round_ste(w) =", float(round_ste(0.4)),
      "slope of round:", float(jax.grad(jnp.round)(0.4)), " straight-through:", float(jax.grad(round_ste)(0.4)))
for name, loss in [("true gradient", loss_true), ("straight-through", loss_ste)]:
    w, path = 0.0, []
    for step in range(6):  # gradient descent with learning rate 0.02
        w = w - 0.02 * jax.grad(loss)(w)
        path.append(round(float(w), 2))
    print(f"{name:>16}: w = {path}, round(w) = {float(jnp.round(w))}, loss {float(loss(w))}")
