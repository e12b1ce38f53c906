import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)


def tridiagonal(x):  # f_i reads x_(i-1), x_i, x_(i+1) (zero beyond the ends)
    p = jnp.pad(x, 1)
    return jnp.sin(x) * (p[:-2] + 2 * p[2:])


def pentadiagonal(x):  # f_i reads x_(i-2), ..., x_(i+2)
    p = jnp.pad(x, 2)
    return jnp.sin(x) * (p[1:-3] + 2 * p[3:-1]) + p[:-4] * p[4:]


def coloured_jacobian(f, x, w, colours):  # band: row i reads columns i - w, ..., i + w
    n = len(x)
    colour = np.arange(n) % colours
    compressed = jnp.stack([jax.jvp(f, (x,), (jnp.asarray(colour == c, dtype=float),))[1]
                            for c in range(colours)], axis=1)  # one JVP per colour
    J = np.zeros((n, n))
    for i in range(n):
        for j in range(max(0, i - w), min(n, i + w + 1)):
            J[i, j] = compressed[i, colour[j]]
    return J


x = np.random.default_rng(6).normal(size=10)
errors = {}
for f, w in ((tridiagonal, 1), (pentadiagonal, 2)):
    for colours in (3, 5):
        err = np.abs(coloured_jacobian(f, x, w, colours) - jax.jacfwd(f)(x)).max()
        errors[f.__name__, colours] = err
        print(f"{f.__name__:>13}, {colours} colours: largest error {err:.2e}")
