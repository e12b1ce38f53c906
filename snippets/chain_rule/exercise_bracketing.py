import numpy as np


def cost(a, b, c):
    """Multiply-adds of an (a x b) @ (b x c) product: a * c entries, b each."""
    return a * b * c


# J1: 256 x 784, J2: 10 x 256, J3: 1 x 10, in the order the stages are applied
from_the_output = cost(1, 10, 256) + cost(1, 256, 784)  # (J3 J2) J1: a single row at every step
from_the_input = cost(10, 256, 784) + cost(1, 10, 784)  # J3 (J2 J1): a 10 x 784 matrix first
ratio = from_the_input / from_the_output
print(f"(J3 J2) J1: {from_the_output:,} multiply-adds")
print(f"J3 (J2 J1): {from_the_input:,} multiply-adds, {ratio:.1f} times as many")

rng = np.random.default_rng(0)
J1, J2, J3 = rng.normal(size=(256, 784)), rng.normal(size=(10, 256)), rng.normal(size=(1, 10))
same = np.allclose((J3 @ J2) @ J1, J3 @ (J2 @ J1))
print("same product either way:", same)
