import numpy as np

rng = np.random.default_rng(0)
U1, _ = np.linalg.qr(rng.standard_normal((3, 3)))  # random orthogonal matrices
V1, _ = np.linalg.qr(rng.standard_normal((3, 3)))
U2, _ = np.linalg.qr(rng.standard_normal((3, 3)))
W1 = U1 @ np.diag([3.0, 1.0, 0.5]) @ V1.T
W2 = U2 @ np.diag([2.0, 0.7, 0.2]) @ U1.T  # right singular vectors of W2 = left ones of W1

bound = np.linalg.norm(W2, 2) * np.linalg.norm(W1, 2)
aligned = np.linalg.norm(W2 @ W1, 2)
print("product of the norms:", bound, " ||W2 W1||_2 aligned:", aligned)

Q, _ = np.linalg.qr(rng.standard_normal((3, 3)))
W2_turned = U2 @ np.diag([2.0, 0.7, 0.2]) @ Q.T  # same singular values, other directions
turned = np.linalg.norm(W2_turned @ W1, 2)
print("||W2 W1||_2 with W2's input directions turned:", turned)
