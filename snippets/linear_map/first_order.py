import numpy as np


def f(p):
    x, y = p
    return np.array([x**2 * y, 5 * x + np.sin(y)])


def J(p):
    x, y = p
    return np.array([[2 * x * y, x**2], [5.0, np.cos(y)]])


p = np.array([1.0, 2.0])
for h in (np.array([0.1, 0.0]), np.array([0.05, 0.0]), np.array([0.1, -0.05])):
    exact = f(p + h)
    predicted = f(p) + J(p) @ h
    print(f"h = {h}:")
    print(f"  f(p + h)   = {exact.round(6)}")
    print(f"  f(p) + J h = {predicted.round(6)}")
    print(f"  error = {np.abs(exact - predicted).round(6)}")
