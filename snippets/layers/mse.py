import numpy as np


def loss(y, t):
    return np.mean((y - t) ** 2)


def loss_grad(y, t):
    return 2 * (y - t) / y.size  # (2 / k) (y - t)


y = np.array([0.5, -1.0, 2.0, 0.0])  # predictions
t = np.array([1.0, -1.0, 1.0, 0.5])  # targets
k = y.size

grad = loss_grad(y, t)
h = 1e-6
numeric = np.array([(loss(y + h * e, t) - loss(y - h * e, t)) / (2 * h) for e in np.eye(k)])
print("2 (y - t) / k :", grad)
print("central diff. :", numeric)
print("max difference:", f"{np.max(np.abs(grad - numeric)):.1e}")
