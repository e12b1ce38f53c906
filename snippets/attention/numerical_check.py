import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)  # float64, to compare with NumPy's differences


def attention(Q, K, V):
    """One head, no mask: softmax(Q K^T / sqrt(d)) V."""
    return jax.nn.softmax(Q @ K.T / jnp.sqrt(Q.shape[1]), axis=1) @ V


def central_differences(f, X, h=1e-6):
    """The Jacobian of f at the matrix X, both flattened row by row, one column per entry of X."""
    columns = []
    for E in np.eye(X.size).reshape(X.size, *X.shape):
        columns.append((np.asarray(f(X + h * E)) - np.asarray(f(X - h * E))).ravel() / (2 * h))
    return np.stack(columns, axis=1)


rng = np.random.default_rng(0)
Q, K, V = rng.standard_normal((3, 3, 2))  # three random 3 x 2 matrices
errors = {}
for k, name in enumerate("QKV"):
    def f(X, k=k):  # attention as a function of one argument, the other two held fixed
        args = [Q, K, V]
        args[k] = X
        return attention(*args)

    J_jax = np.asarray(jax.jacrev(attention, argnums=k)(Q, K, V)).reshape(6, 6)
    errors[name] = float(np.max(np.abs(J_jax - central_differences(f, [Q, K, V][k]))))
print("jax.jacrev against central differences, largest difference:",
      {name: f"{e:.0e}" for name, e in errors.items()})
