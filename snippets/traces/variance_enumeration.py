import itertools
from fractions import Fraction

import numpy as np

A = np.array([[2, -1, 0, 3], [4, 1, -2, 0], [1, 0, -3, 2], [-2, 5, 1, 1]])  # integers, not symmetric
n = len(A)
signs = [np.array(v) for v in itertools.product([-1, 1], repeat=n)]  # all 2^n Rademacher vectors
values = [int(v @ A @ v) for v in signs]  # each is equally likely: exact expectations below

mean = Fraction(sum(values), 2**n)
variance = Fraction(sum(q * q for q in values), 2**n) - mean**2

off_diagonal = ~np.eye(n, dtype=bool)
S = Fraction(1, 2) * (A + A.T).astype(object)  # the symmetric part, in exact fractions
formula_S = 2 * sum(S[off_diagonal] ** 2)  # 2 sum_{i != j} S_ij^2
formula_A = 2 * sum(A[off_diagonal].astype(object) ** 2)  # the same with A itself: wrong

print(f"{len(signs)} sign vectors; mean of v^T A v = {mean}, trace of A = {np.trace(A)}")
print(f"variance by enumeration:                 {variance}")
print(f"2 sum_(i != j) S_ij^2, S = (A + A^T)/2:  {formula_S}")
print(f"2 sum_(i != j) A_ij^2 (A itself, wrong): {formula_A}")
