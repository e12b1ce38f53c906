import numpy as np


def grad(p):
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


def hessian(p):
    x, y = p
    return np.array([[2 - 400 * (y - x**2) + 800 * x**2, -400 * x], [-400 * x, 200.0]])


p, h = np.array([-1.2, 1.0]), 1e-6
# Column j of the Jacobian of the gradient, by central differences.
H_fd = np.stack([(grad(p + h * e) - grad(p - h * e)) / (2 * h) for e in np.eye(2)], axis=1)
difference = np.max(np.abs(H_fd - hessian(p)))
# Round-off: each gradient entry is off by about eps times its largest term, 400|x|^3, and
# the quotient divides that by h.
largest_term = 400 * abs(p[0]) ** 3
round_off = np.finfo(float).eps * largest_term / h
print("Jacobian of the gradient (central differences):\n", H_fd)
print("Hessian formula:\n", hessian(p))
print("largest |difference|:", f"{difference:.1e}")
print(f"round-off estimate eps * {largest_term:.0f} / h:", f"{round_off:.1e}")
