import numpy as np

z = np.array([1.0, 2.0, 0.5])
s = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
u = np.array([0.3, -1.0, 2.0])

right = s * (u - u @ s)  # u^T (diag(s) - s s^T)
wrong = u * s * (1 - s)  # only the diagonal of J, as if softmax were elementwise
print("correct VJP  :", right, " sum", f"{right.sum():+.1e}")
print("diagonal only:", wrong, " sum", f"{wrong.sum():+.1e}")
