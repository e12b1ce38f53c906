import numpy as np

x, y = 1.0, 0.0
J = np.array([[2 * x * y, x**2], [5.0, np.cos(y)]])
print(J)
