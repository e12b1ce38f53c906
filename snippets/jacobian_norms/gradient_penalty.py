import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)

# A critic D(theta, x): R^3 -> R, one tanh layer of width 8; theta holds all 40 parameters.
n, width = 3, 8


def critic(theta, x):
    W1 = theta[: width * n].reshape(width, n)
    b1 = theta[width * n : width * n + width]
    w2 = theta[width * n + width :]
    return w2 @ jnp.tanh(W1 @ x + b1)


def penalty(theta, x_hat):
    """WGAN-GP: (||grad_x D(x_hat)|| - 1)^2. grad_x D is the 1 x n Jacobian of D, as a column."""
    g = jax.grad(critic, argnums=1)(theta, x_hat)
    return (jnp.linalg.norm(g) - 1) ** 2


rng = np.random.default_rng(0)
theta = jnp.asarray(rng.standard_normal(width * n + 2 * width))
x_real, x_fake = jnp.asarray(rng.standard_normal(n)), jnp.asarray(rng.standard_normal(n))
eps = 0.3  # x_hat is a random point on the segment between a real and a generated sample
x_hat = eps * x_real + (1 - eps) * x_fake
grad_norm = jnp.linalg.norm(jax.grad(critic, argnums=1)(theta, x_hat))
value = penalty(theta, x_hat)
print("||grad_x D(x_hat)|| =", float(grad_norm))
print("penalty =", float(value))

# Training the critic needs the gradient of the penalty in theta: a gradient of a gradient.
grad_theta = jax.grad(penalty)(theta, x_hat)

# The same as a mixed second-derivative-vector product: pull c = 2 (||g|| - 1) g / ||g||
# back through theta -> grad_x D(theta, x_hat).
g, pullback = jax.vjp(lambda t: jax.grad(critic, argnums=1)(t, x_hat), theta)
c = 2 * (jnp.linalg.norm(g) - 1) * g / jnp.linalg.norm(g)
(mixed,) = pullback(c)
gap_theta = float(jnp.max(jnp.abs(grad_theta - mixed)))
print("largest |jax.grad(penalty) - VJP of grad_x D|:", gap_theta)

# In x_hat it is a Hessian-vector product, H c, with H the Hessian of D in x (forward over reverse).
grad_x = jax.grad(penalty, argnums=1)(theta, x_hat)
_, Hc = jax.jvp(lambda y: jax.grad(critic, argnums=1)(theta, y), (x_hat,), (c,))
gap_x = float(jnp.max(jnp.abs(grad_x - Hc)))
print("largest |grad_x penalty - H c|:", gap_x)

# Central differences along a random direction d of the 40 parameters: slope = grad_theta . d.
d = jnp.asarray(rng.standard_normal(theta.size))
h = 1e-5
slope = (penalty(theta + h * d, x_hat) - penalty(theta - h * d, x_hat)) / (2 * h)
directional = grad_theta @ d
print("grad_theta . d =", float(directional), " central difference:", float(slope))
