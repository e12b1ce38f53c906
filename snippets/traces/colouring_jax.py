import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)

k = jnp.array([1.0, -2.0, 0.5])
n, K = 12, len(k)
m = n - K + 1


def conv(x):  # the layer of the layers page
    return jnp.correlate(x, k, mode="valid")


def conv_tanh(x):  # the same layer with an activation: same band, J now depends on x
    return jnp.tanh(conv(x))


x = np.random.default_rng(4).normal(size=n)
colour = np.arange(n) % K
seeds = [jnp.asarray(colour == c, dtype=float) for c in range(K)]
rows = np.repeat(np.arange(m), K)
cols = rows + np.tile(np.arange(K), m)

errors, recovered = {}, {}
for f in (conv, conv_tanh):
    compressed = jnp.stack([jax.jvp(f, (x,), (s,))[1] for s in seeds], axis=1)  # K JVPs
    J = jnp.zeros((m, n)).at[rows, cols].set(compressed[rows, colour[cols]])
    recovered[f.__name__] = J
    errors[f.__name__] = float(jnp.abs(J - jax.jacfwd(f)(x)).max())  # jacfwd: n JVPs
    print(f"{f.__name__:>9}: {len(seeds)} JVPs; largest |J - jax.jacfwd| = {errors[f.__name__]}")
