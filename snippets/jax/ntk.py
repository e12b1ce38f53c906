import jax
import jax.numpy as jnp
from jax.flatten_util import ravel_pytree

jax.config.update("jax_enable_x64", True)  # float64, to compare with NumPy (see the first block)


def model(params, x):
    """A network R^2 -> R with one hidden layer of 3 units: v . tanh(W x + b)."""
    return params["v"] @ jnp.tanh(params["W"] @ x + params["b"])


params = {"W": jnp.array([[0.8, -0.4], [0.3, 0.9], [-0.6, 0.5]]), "b": jnp.array([0.1, 0.0, -0.2]),
          "v": jnp.array([1.0, -0.7, 0.5])}
X = jnp.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.5]])  # a batch of 4 inputs
targets = jnp.array([0.5, -0.5, 0.0, 1.0])

theta, unravel = ravel_pytree(params)  # the 6 + 3 + 3 = 12 parameters as one vector


def outputs(theta):
    """R^12 -> R^4: the network's output on each input of the batch, as a function of theta."""
    return jax.vmap(model, in_axes=(None, 0))(unravel(theta), X)


J = jax.jacrev(outputs)(theta)  # 4 x 12: row b is the gradient of output b in the parameters
K = J @ J.T  # the empirical neural tangent kernel, 4 x 4
print("J has shape", J.shape, "; K = J J^T =\n", K)
print("eigenvalues of K (symmetric, >= 0):", jnp.linalg.eigvalsh(K))

# One gradient-descent step on the squared loss moves every output by about -eta K (f - t).
sq_loss = lambda theta: 0.5 * jnp.sum((outputs(theta) - targets) ** 2)
eta = 1e-3
change = outputs(theta - eta * jax.grad(sq_loss)(theta)) - outputs(theta)
predicted = -eta * K @ (outputs(theta) - targets)
print("change of the outputs after one step:", change)
print("predicted by -eta K (f - t):         ", predicted)
