import numpy as np


def softmax_rows(S):
    """Softmax of every row of S (subtracting the row maximum avoids overflow)."""
    E = np.exp(S - S.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def attention(Q, K, V):
    """One head, no mask: softmax(Q K^T / sqrt(d)) V."""
    return softmax_rows(Q @ K.T / np.sqrt(Q.shape[1])) @ V


def attention_vjp(Q, K, V, G):
    """Gradients of a loss L with respect to Q, K and V, given G = dL/dO (the shape of O)."""
    d = Q.shape[1]
    P = softmax_rows(Q @ K.T / np.sqrt(d))
    dV = P.T @ G
    dP = G @ V.T
    # Row i: (diag(p_i) - p_i p_i^T) dP_i, the softmax VJP of the layers page, all rows at once.
    dS = P * (dP - np.sum(dP * P, axis=1, keepdims=True))
    dQ = dS @ K / np.sqrt(d)
    dK = dS.T @ Q / np.sqrt(d)
    return dQ, dK, dV


Q = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])  # T = 3 tokens, d = 2
K = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
V = np.array([[1.0, 0.0], [0.0, 2.0], [2.0, 1.0]])  # d_v = 2
G = np.array([[1.0, -1.0], [0.5, 0.0], [0.0, 2.0]])  # the cotangent dL/dO

S = Q @ K.T / np.sqrt(2)
P = softmax_rows(S)
O = attention(Q, K, V)
dQ, dK, dV = attention_vjp(Q, K, V, G)
print("shapes: Q", Q.shape, "K", K.shape, "V", V.shape, "S", S.shape, "P", P.shape, "O", O.shape)
with np.printoptions(precision=4, suppress=True):
    print("O =\n", O)
    print("dL/dQ =\n", dQ)
    print("dL/dK =\n", dK)
    print("dL/dV =\n", dV)
