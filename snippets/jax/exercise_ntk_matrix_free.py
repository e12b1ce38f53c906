import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)  # float64, to compare with the exact values


def outputs(theta):  # a small model R^3 -> R^4 (4 outputs, 3 parameters)
    X = jnp.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.5]])
    return jnp.tanh(X @ theta[:2] + theta[2])


theta = jnp.array([0.5, -0.3, 0.2])
u = jnp.array([1.0, -1.0, 0.5, 2.0])

_, pullback = jax.vjp(outputs, theta)
(Jt_u,) = pullback(u)  # one VJP: J^T u, a vector of 3 parameters
_, K_u = jax.jvp(outputs, (theta,), (Jt_u,))  # one JVP: J (J^T u) = K u
J = jax.jacrev(outputs)(theta)
print("K u without forming J or K:", K_u)
print("(J J^T) u with the matrices:", (J @ J.T) @ u)
