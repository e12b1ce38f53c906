import numpy as np


def conv(x, k):  # the layer of the layers page: y_i = sum_p k_p x_(i+p), n - K + 1 outputs
    return np.correlate(x, k, mode="valid")


k = np.array([1.0, -2.0, 0.5])
n, K = 12, len(k)
m = n - K + 1
# Row i of J reads columns i, ..., i + K - 1. Columns j and j' share a row only if |j - j'| < K,
# so columns with the same j mod K never collide: K colours, K seed vectors.
colour = np.arange(n) % K
seeds = [(colour == c).astype(float) for c in range(K)]  # sum of e_j over the j with j mod K = c
# The layer is linear, so its JVP J s is the layer applied to s: one pass per seed.
compressed = np.column_stack([conv(s, k) for s in seeds])  # m x K: J times each seed
passes = len(seeds)

rows = np.repeat(np.arange(m), K)  # the band: (i, i), (i, i + 1), (i, i + 2) for each row i
cols = rows + np.tile(np.arange(K), m)
J = np.zeros((m, n))
J[rows, cols] = compressed[rows, colour[cols]]  # entry (i, j) sits in column colour[j], row i

J_full = np.column_stack([conv(e, k) for e in np.eye(n)])  # one JVP per column
passes_full = n
error = np.abs(J - J_full).max()
print(f"JVPs: {passes} with colouring, {passes_full} column by column")
print(f"largest |J_coloured - J_full| = {error}")
print("J times the seed of colour 0:", compressed[:, 0])
