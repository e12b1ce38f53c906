import numpy as np

rng = np.random.default_rng(0)
# Three stages R^4 -> R^5 -> R^3 -> R^1, each represented by its Jacobian at some point.
J1 = rng.normal(size=(5, 4))  # first stage:  R^4 -> R^5
J2 = rng.normal(size=(3, 5))  # second stage: R^5 -> R^3
J3 = rng.normal(size=(1, 3))  # last stage:   R^3 -> R^1 (a scalar loss)

product = J3 @ J2 @ J1
print("J3 @ J2 @ J1 has shape", product.shape)  # 1 x 4: one row, a transposed gradient
try:
    J1 @ J2 @ J3  # the order of application, written left to right: wrong
except ValueError as err:
    print("J1 @ J2 @ J3 fails:", err)
