import numpy as np


def naive_loss(z, t):
    return -(t @ np.log(np.exp(z) / np.exp(z).sum()))  # exp(1000) overflows


def stable_loss(z, t):
    shifted = z - z.max()
    return -(t @ (shifted - np.log(np.exp(shifted).sum())))


z = np.array([1000.0, 0.0, -1000.0])  # large logits happen, e.g. early in training with a bad init
t = np.array([0.0, 1.0, 0.0])
with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
    naive = naive_loss(z, t)
stable = stable_loss(z, t)
print("naive  log(softmax(z)):", naive)
print("stable log-sum-exp    :", stable)
