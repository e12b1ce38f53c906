import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)

rng = np.random.default_rng(3)  # the same layers and point as the NumPy tab
n, L = 5, 3
lower = np.tril(np.ones((n, n)), -1)
params = [(lower * rng.normal(size=(n, n)), rng.normal(size=n), lower * rng.normal(size=(n, n)))
          for _ in range(L)]


def flow(x):  # returns the output and the sum of the layers' log|det|
    log_det = 0.0
    for A, b, B in params:
        s = jnp.tanh(A @ x + b)
        x = (x * jnp.exp(s) + B @ x)[::-1]
        log_det += jnp.sum(s)  # triangular Jacobian: O(n) per layer
    return x, log_det


x0 = rng.normal(size=n)
x, log_det = flow(x0)
J = jax.jacfwd(lambda x: flow(x)[0])(x0)  # the whole n x n Jacobian of the composition
sign, log_det_full = jnp.linalg.slogdet(J)  # O(n^3)
print(f"sum of the layers' sum(s):         {log_det:.12f}")
print(f"slogdet of jax.jacfwd of the flow: {log_det_full:.12f}")
