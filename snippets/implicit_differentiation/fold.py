import numpy as np


def newton(theta, z):  # a root of z^3 - z - theta near z
    for _ in range(100):
        z = z - (z**3 - z - theta) / (3 * z**2 - 1)
    return z


z_fold = 1 / np.sqrt(3)  # where dF/dz = 3 z^2 - 1 is zero
theta_fold = z_fold**3 - z_fold  # -2 / (3 sqrt 3), about -0.385
print(f"fold at z = {z_fold:.4f}, theta = {theta_fold:.4f}")
rows = []
for delta in (1e-2, 1e-4, 1e-6):
    upper, lower = newton(theta_fold + delta, 1.0), newton(theta_fold + delta, 0.0)
    slope = 1 / (3 * upper**2 - 1)  # dz*/dtheta on the upper branch
    scaled = slope * np.sqrt(delta)
    rows.append((delta, upper, lower, slope, scaled))
    print(f"fold + {delta:.0e}: roots {upper:.6f}, {lower:.6f}; dz*/dtheta {slope:6.2f}; x sqrt(delta) {scaled:.4f}")
