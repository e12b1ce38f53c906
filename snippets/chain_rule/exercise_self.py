import numpy as np


def f(p):
    x, y = p
    return np.array([x**2 * y, 5 * x + np.sin(y)])


def J_f(p):
    x, y = p
    return np.array([[2 * x * y, x**2], [5.0, np.cos(y)]])


p = np.array([1.0, 0.0])
print("f(p) =", f(p))
J_ff = J_f(f(p)) @ J_f(p)
print("J_(f o f)(p) = J_f(f(p)) @ J_f(p) =")
print(J_ff)
