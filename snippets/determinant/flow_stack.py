import numpy as np

# Two affine coupling layers; each returns its output and the log|det J|
# of its own step. Layer 1 keeps the first coordinate, layer 2 the second.


def layer1(z):
    s = 0.8 * np.tanh(z[0])
    return np.array([z[0], z[1] * np.exp(s) + 0.7 * z[0] ** 2 - 0.7]), s


def layer2(y):
    s = 0.5 * np.tanh(y[1])
    return np.array([y[0] * np.exp(s) + 0.6 * np.sin(y[1]), y[1]]), s


def layer1_inverse(y):
    s = 0.8 * np.tanh(y[0])
    return np.array([y[0], (y[1] - 0.7 * y[0] ** 2 + 0.7) * np.exp(-s)]), -s


def layer2_inverse(x):
    s = 0.5 * np.tanh(x[1])
    return np.array([(x[0] - 0.6 * np.sin(x[1])) * np.exp(-s), x[1]]), -s


def T(z):  # layer 1, then layer 2: det(AB) = det A det B, so log-dets add
    y, log_det1 = layer1(z)
    x, log_det2 = layer2(y)
    return x, log_det1 + log_det2


def T_inverse(x):  # undone in reverse order; returns log|det J_{T^-1}(x)|
    y, log_det2 = layer2_inverse(x)
    z, log_det1 = layer1_inverse(y)
    return z, log_det2 + log_det1


def jacobian_fd(g, v, h=1e-6):  # central differences, one column per input
    columns = [(g(v + h * e)[0] - g(v - h * e)[0]) / (2 * h) for e in np.eye(2)]
    return np.stack(columns, axis=1)


z = np.random.default_rng(1).normal(size=2)
x, log_det_T = T(z)
log_det_T_fd = np.log(abs(np.linalg.det(jacobian_fd(T, z))))
print(f"log|det J_T(z)|: sum over layers {log_det_T:.8f}, "
      f"finite differences {log_det_T_fd:.8f}")
z_back, log_det_inverse = T_inverse(x)
J_inverse_fd = jacobian_fd(T_inverse, x)
gap = np.abs(J_inverse_fd - np.linalg.inv(jacobian_fd(T, z))).max()
print(f"J_T^-1(x) minus the inverse of J_T(z): largest entry {gap:.1e}")
log_det_sum = log_det_inverse + log_det_T  # minus the forward log-det
print(f"log|det J_T^-1(x)| = {log_det_inverse:.8f}, "
      f"plus log|det J_T(z)| = {log_det_sum:.1e}")


def log_p_Z(z):  # standard normal on R^2
    return -0.5 * (z[0] ** 2 + z[1] ** 2) - np.log(2 * np.pi)


def log_p_X(x):  # right: z = T^-1(x), PLUS the inverse's log-det
    z, log_det_inverse = T_inverse(x)
    return log_p_Z(z) + log_det_inverse


def log_p_X_sign_bug(x):  # wrong: the inverse's log-det subtracted
    z, log_det_inverse = T_inverse(x)
    return log_p_Z(z) - log_det_inverse


# Midpoint rule on a box that holds almost all the mass
x1, x2 = np.linspace(-10, 10, 801), np.linspace(-10, 40, 2001)
grid = np.array(np.meshgrid((x1[:-1] + x1[1:]) / 2, (x2[:-1] + x2[1:]) / 2))
cell = (x1[1] - x1[0]) * (x2[1] - x2[0])
total = np.exp(log_p_X(grid)).sum() * cell
total_sign_bug = np.exp(log_p_X_sign_bug(grid)).sum() * cell
print(f"integral of p_X: {total:.6f}; with the sign bug: {total_sign_bug:.6f}")
