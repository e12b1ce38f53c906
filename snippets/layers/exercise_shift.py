import numpy as np

rng = np.random.default_rng(3)
z = rng.normal(size=4)


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


change = np.max(np.abs(softmax(z + 7.0) - softmax(z)))  # shifting every logit by 7
print("softmax(z + 7)  - softmax(z):", change)
J = np.diag(softmax(z)) - np.outer(softmax(z), softmax(z))
with np.printoptions(suppress=True):  # print round-off of order 1e-17 as 0
    print("J @ (1, 1, 1, 1):", J @ np.ones(4))
