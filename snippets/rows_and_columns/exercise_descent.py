import numpy as np

p = np.array([1.0, 2.0])
grad = np.array([2 * p[0] * p[1], p[0] ** 2])  # gradient of g = x^2 y at (1, 2)
down = -grad / np.linalg.norm(grad)
print("steepest-descent direction:", down)
rate = -np.linalg.norm(grad)
by_hand = -np.sqrt(17)
print("rate of change along it: -|grad| =", rate, "= -sqrt(17) =", by_hand)
