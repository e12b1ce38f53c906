import numpy as np

x, y = 1.0, 2.0
h = np.array([-0.1, 0.1])  # step to (0.9, 2.1)
f_p = np.array([x**2 * y, 5 * x + np.sin(y)])
J = np.array([[2 * x * y, x**2], [5.0, np.cos(y)]])
predicted = f_p + J @ h
exact = np.array([0.9**2 * 2.1, 5 * 0.9 + np.sin(2.1)])
print("predicted f(0.9, 2.1):", predicted.round(6))
print("exact     f(0.9, 2.1):", exact.round(6))
print("error:", np.abs(exact - predicted).round(6))
