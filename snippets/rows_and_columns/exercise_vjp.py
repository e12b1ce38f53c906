import numpy as np

p = np.array([1.0, 2.0])
J = np.array([[2 * p[0] * p[1], p[0] ** 2], [5.0, np.cos(p[1])]])
u = np.array([1.0, -1.0])
uJ = u @ J
by_hand = np.array([4 - 5, 1 - np.cos(2)])
print("u^T J = row 1 - row 2 =", uJ)
print("check (4 - 5, 1 - cos 2) =", by_hand)
