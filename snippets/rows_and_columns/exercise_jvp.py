import numpy as np


def f(p):
    x, y = p
    return np.array([x**2 * y, 5 * x + np.sin(y)])


p = np.array([1.0, 2.0])
v = np.array([1.0, 1.0])
J = np.array([[2 * p[0] * p[1], p[0] ** 2], [5.0, np.cos(p[1])]])
h = 1e-6
Jv = J @ v
central = (f(p + h * v) - f(p - h * v)) / (2 * h)
print("J v =", Jv)
print("(f(p + h v) - f(p - h v)) / 2h =", central)
