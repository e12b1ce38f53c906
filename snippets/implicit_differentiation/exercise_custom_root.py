import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)  # float64, to compare with the exact values


def newton(F, z0):  # a solver JAX never differentiates
    dF = jax.grad(F)
    return jax.lax.fori_loop(0, 30, lambda i, z: z - F(z) / dF(z), z0)


def tangent_solve(g, v):  # solve the linear equation g(t) = v; here g(t) = (dF/dz) t, a scalar
    return v / g(1.0)


def root(theta):
    return jax.lax.custom_root(lambda z: z**3 + z - theta, 0.0, newton, tangent_solve)


roots = {theta: float(root(theta)) for theta in (2.0, 10.0)}
slopes = {theta: float(jax.grad(root)(theta)) for theta in (2.0, 10.0)}
by_hand = {2.0: 1 / 4, 10.0: 1 / 13}  # 1 / (3 z^2 + 1) at z = 1 and z = 2
for theta, slope in slopes.items():
    print(f"theta = {theta:4}: z* = {roots[theta]:.6f}, dz*/dtheta = {slope:.6f}, by hand {by_hand[theta]:.6f}")
