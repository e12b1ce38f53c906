import numpy as np


def f(p):
    x, y = p
    return np.array([x**2 * y, 5 * x + np.sin(y)])


p = np.array([1.0, 2.0])
J_exact = np.array([[2 * p[0] * p[1], p[0] ** 2], [5.0, np.cos(p[1])]])
E = np.eye(2)

h = 1e-8  # forward: f(p + h e_j) - f(p), divided by h
forward = np.stack([(f(p + h * E[j]) - f(p)) / h for j in range(2)], axis=1)
h = 6e-6  # central: f(p + h e_j) - f(p - h e_j), divided by 2h
central = np.stack([(f(p + h * E[j]) - f(p - h * E[j])) / (2 * h) for j in range(2)], axis=1)
h = 1e-20  # complex step: the imaginary part of f(p + i h e_j), divided by h
complex_step = np.stack([np.imag(f(p + 1j * h * E[j])) / h for j in range(2)], axis=1)

for name, J in (("forward", forward), ("central", central), ("complex step", complex_step)):
    print(f"{name:12}: largest error {np.max(np.abs(J - J_exact)):.1e}")
