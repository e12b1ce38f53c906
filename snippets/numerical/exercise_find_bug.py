import numpy as np


def f(p):
    x, y = p
    return np.array([x**2 * y, 5 * x + np.sin(y)])


def J_buggy(p):
    x, y = p
    return np.array([[2 * x * y, x**2], [5.0, np.sin(y)]])


p, h = np.array([0.7, -1.3]), 6e-6
J_num = np.stack([(f(p + h * e) - f(p - h * e)) / (2 * h) for e in np.eye(2)], axis=1)
entrywise = np.abs(J_buggy(p) - J_num) / np.maximum(np.abs(J_num), 1e-12)
print("entrywise relative error:\n", entrywise.round(8))
i, j = np.unravel_index(np.argmax(entrywise), entrywise.shape)
print(f"wrong entry: row {i + 1}, column {j + 1} (d f{i + 1} / d {'xy'[j]})")
