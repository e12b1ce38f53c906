import numpy as np


def softmax(z):
    e = np.exp(z - z.max())  # the same value as exp(z) / sum(exp(z)), without overflow
    return e / e.sum()


def softmax_jacobian(z):
    s = softmax(z)
    return np.diag(s) - np.outer(s, s)


def softmax_vjp(z, u):
    s = softmax(z)
    return s * (u - u @ s)  # u^T J without J: one dot product


z = np.array([1.0, 2.0, 0.5])
s = softmax(z)
J = softmax_jacobian(z)

with np.printoptions(precision=4, suppress=True):  # 4 decimals, no 1e-17 noise
    print("s =", s)
    print("J =\n", J)
    print("symmetric:", np.allclose(J, J.T))
    print("row sums:", J.sum(axis=1))
    print("rank:", np.linalg.matrix_rank(J), "of", len(z), "-> singular, J @ ones =", J @ np.ones(3))

    u = np.array([0.3, -1.0, 2.0])
    print("u^T J          :", u @ J)
    print("s * (u - u.s)  :", softmax_vjp(z, u))
