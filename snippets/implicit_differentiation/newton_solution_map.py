import numpy as np


def F(z, theta):  # two coupled copies of z^3 + z - theta = 0
    return np.array([
        z[0] ** 3 + z[0] + theta[2] * z[1] - theta[0],
        z[1] ** 3 + z[1] - theta[2] * z[0] - theta[1],
    ])


def dF_dz(z, theta):  # 2 x 2, invertible: its determinant is (3 z1^2 + 1)(3 z2^2 + 1) + theta3^2 > 0
    return np.array([[3 * z[0] ** 2 + 1, theta[2]], [-theta[2], 3 * z[1] ** 2 + 1]])


def dF_dtheta(z, theta):  # 2 x 3
    return np.array([[-1.0, 0.0, z[1]], [0.0, -1.0, -z[0]]])


def solve(theta, tol=1e-14):
    """z*(theta) by Newton's method: z <- z - (dF/dz)^(-1) F(z, theta)."""
    z = np.zeros(2)
    for steps in range(1, 100):
        step = np.linalg.solve(dF_dz(z, theta), F(z, theta))
        z = z - step
        if np.linalg.norm(step) < tol:
            return z, steps
    raise RuntimeError("Newton did not converge")


theta0 = np.array([2.0, -1.0, 0.5])
z_star, steps = solve(theta0)
residual = np.linalg.norm(F(z_star, theta0))
print(f"z* = {z_star}  after {steps} Newton steps, |F(z*, theta)| = {residual:.1e}")

# The implicit function theorem: one linear solve with the 2 x 2 matrix dF/dz, for all 3 columns
J_implicit = -np.linalg.solve(dF_dz(z_star, theta0), dF_dtheta(z_star, theta0))

# Central differences of the whole solver, one column per parameter
h = 1e-6
J_fd = np.column_stack([(solve(theta0 + h * e)[0] - solve(theta0 - h * e)[0]) / (2 * h) for e in np.eye(3)])
max_difference = np.abs(J_implicit - J_fd).max()
with np.printoptions(precision=6, suppress=True):
    print("J from one linear solve:\n", J_implicit)
    print("J from differences of the solver:\n", J_fd)
print(f"largest difference: {max_difference:.1e}")
