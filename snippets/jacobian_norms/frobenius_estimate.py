import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)

# A contractive autoencoder's encoder h(x) = sigmoid(W x + b), from R^20 to R^8.
rng = np.random.default_rng(0)
W = jnp.asarray(rng.standard_normal((8, 20)) / np.sqrt(20))
b = jnp.asarray(0.1 * rng.standard_normal(8))
x = jnp.asarray(rng.standard_normal(20))


def encoder(x):
    return jax.nn.sigmoid(W @ x + b)


# Exact penalty ||J_h(x)||_F^2, closed form of Rifai et al.: sum_j (h_j (1 - h_j))^2 sum_i W_ji^2.
h = encoder(x)
exact = float(jnp.sum((h * (1 - h)) ** 2 * jnp.sum(W**2, axis=1)))
J = jax.jacfwd(encoder)(x)  # 20 JVPs: all of the 8 x 20 Jacobian, for the check
from_jacfwd = float(jnp.sum(J**2))
print("exact ||J||_F^2:", exact, " from jacfwd:", from_jacfwd)


def estimate(V):
    """Mean of ||J v||^2 over the rows v of V: one JVP per row, J never formed."""
    Jv = jax.vmap(lambda v: jax.jvp(encoder, (x,), (v,))[1])(V)
    return jnp.mean(jnp.sum(Jv**2, axis=1))


k, seeds = 4, 1000  # 4 JVPs per estimate (instead of 20), repeated with 1000 seeds
gaussian = np.random.default_rng(1).standard_normal((seeds, k, 20))
rademacher = np.random.default_rng(2).choice([-1.0, 1.0], size=(seeds, k, 20))
# Predicted spread, with A = J^T J: Gaussian v gives Var(v^T A v) = 2 ||A||_F^2, Rademacher v
# gives 2 (||A||_F^2 - sum_i A_ii^2): it drops the diagonal (Hutchinson 1989).
A = J.T @ J
predicted = {"Gaussian": float(jnp.sqrt(2 * jnp.sum(A**2) / k)),
             "Rademacher": float(jnp.sqrt(2 * (jnp.sum(A**2) - jnp.sum(jnp.diag(A) ** 2)) / k))}
results = {}
for name, V in (("Gaussian", gaussian), ("Rademacher", rademacher)):
    estimates = np.asarray(jax.vmap(estimate)(jnp.asarray(V)))  # one estimate per seed
    mean, spread = estimates.mean(), estimates.std(ddof=1)
    z = (mean - exact) / (spread / np.sqrt(seeds))  # distance from the exact value in standard errors
    results[name] = {"mean": mean, "spread": spread, "z": z}
    print(f"{name:10s} k = {k}: mean {mean:.5f}, spread (std over seeds) {spread:.5f}, "
          f"predicted {predicted[name]:.5f}")
    print(f"{'':10s} mean - exact = {z:+.2f} standard errors")
