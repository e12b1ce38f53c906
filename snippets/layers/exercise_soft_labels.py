import numpy as np


def log_softmax(z):
    shifted = z - z.max()
    return shifted - np.log(np.exp(shifted).sum())


z = np.array([0.2, -0.4, 1.1])
t = np.array([0.5, 0.5, 1.0])  # does not sum to 1
loss = lambda z: -(t @ log_softmax(z))  # noqa: E731
h = 1e-6
numeric = np.array([(loss(z + h * e) - loss(z - h * e)) / (2 * h) for e in np.eye(3)])
s = np.exp(log_softmax(z))
grad = s * t.sum() - t  # (sum t) y_hat - t
print("central diff.  :", numeric)
print("s - t          :", s - t)
print("s * sum(t) - t :", grad)
