import numpy as np


def f(p):
    x, y = p
    return np.array([x**2 * y, 5 * x + np.sin(y)])


def J(p):
    x, y = p
    return np.array([[2 * x * y, x**2], [5.0, np.cos(y)]])


p = np.array([1.0, 2.0])
u = np.random.default_rng(0).normal(size=2)
u /= np.linalg.norm(u)  # a random unit direction
lengths = np.logspace(-4, -1, 13)  # |h| from 1e-4 to 1e-1

for name, A in (("J", J(p)), ("J^T", J(p).T)):
    errors = [np.linalg.norm(f(p + t * u) - f(p) - A @ (t * u)) for t in lengths]
    slope = np.polyfit(np.log(lengths), np.log(errors), 1)[0]
    print(f"A = {name:3}: error at |h| = 1e-1: {errors[-1]:.2e}, at 1e-4: {errors[0]:.2e}, "
          f"log-log slope {slope:.3f}")
