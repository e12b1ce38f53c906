import numpy as np

z = np.array([0.0, 0.0])
s = np.exp(z) / np.exp(z).sum()
J = np.diag(s) - np.outer(s, s)
print(J)
