import numpy as np


def s(z1):  # log of the stretch of the second coordinate
    return 0.8 * np.tanh(z1)


def mu(z1):  # shift of the second coordinate
    return 0.7 * z1**2 - 0.7


def forward(z):  # x = T(z): an affine coupling layer
    z1, z2 = z[..., 0], z[..., 1]
    return np.stack([z1, z2 * np.exp(s(z1)) + mu(z1)], axis=-1)


def inverse(x):  # z = T^{-1}(x)
    x1, x2 = x[..., 0], x[..., 1]
    return np.stack([x1, (x2 - mu(x1)) * np.exp(-s(x1))], axis=-1)


def log_density(x):
    """log p_X(x) = log p_Z(z) - log|det J_T(z)| with z = T^{-1}(x); log|det J_T(z)| = s(z1)."""
    z = inverse(x)
    log_pz = -0.5 * np.sum(z**2, axis=-1) - np.log(2 * np.pi)  # standard normal on R^2
    return log_pz - s(z[..., 0])


# Check log|det J_T| against a finite-difference Jacobian at a random point
z0 = np.random.default_rng(1).normal(size=2)
h = 1e-6
J_fd = np.stack([(forward(z0 + h * e) - forward(z0 - h * e)) / (2 * h) for e in np.eye(2)], axis=1)
log_det_fd = np.log(abs(np.linalg.det(J_fd)))
print(f"log|det J| by finite differences: {log_det_fd:.8f}, formula s(z1): {s(z0[0]):.8f}")

# The density must integrate to 1: midpoint rule on a box that holds almost all the mass
# (x2 reaches far up because the shift mu(z1) = 0.7 z1^2 - 0.7 grows with |z1|)
x1 = np.linspace(-7, 7, 701)
x2 = np.linspace(-10, 40, 2501)
X1, X2 = np.meshgrid((x1[:-1] + x1[1:]) / 2, (x2[:-1] + x2[1:]) / 2)
cell = (x1[1] - x1[0]) * (x2[1] - x2[0])
total = np.sum(np.exp(log_density(np.stack([X1, X2], axis=-1)))) * cell
print(f"integral of p_X over the box: {total:.8f}")

# The same density seen through samples: push normal samples forward, count a box
x = forward(np.random.default_rng(2).normal(size=(400_000, 2)))
in_box = (np.abs(x[:, 0]) < 0.5) & (np.abs(x[:, 1] + 0.5) < 0.5)
box = (np.abs(X1) < 0.5) & (np.abs(X2 + 0.5) < 0.5)
std_error = np.sqrt(in_box.mean() * (1 - in_box.mean()) / len(x))
density_in_box = np.sum(np.exp(log_density(np.stack([X1, X2], -1)))[box]) * cell
print(f"P(x in the box [-0.5, 0.5] x [-1, 0]): samples {in_box.mean():.4f} +/- {std_error:.4f}, "
      f"density {density_in_box:.4f}")
