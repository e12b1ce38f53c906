import numpy as np


def log_softmax(z):
    shifted = z - z.max()
    return shifted - np.log(np.exp(shifted).sum())


def loss(z, t):
    return -(t @ log_softmax(z))


def loss_grad(z, t):
    return np.exp(log_softmax(z)) - t  # y_hat - t


z = np.array([1.0, 2.0, 0.5])
t = np.array([0.0, 0.0, 1.0])  # one-hot: the true class is 2
grad = loss_grad(z, t)

h = 1e-6
numeric = np.array([(loss(z + h * e, t) - loss(z - h * e, t)) / (2 * h) for e in np.eye(3)])
print("y_hat - t       :", grad)
print("central diff.   :", numeric)
print("sum of gradient :", f"{grad.sum():+.1e}")
