import numpy as np

# The tiny network of the worked example: 1 input, 1 hidden unit, 2 classes, true class 0.
x, t = np.array([1.0]), np.array([1.0, 0.0])
W1, b1 = np.array([[0.0]]), np.array([0.0])
W2, b2 = np.array([[1.0], [-1.0]]), np.array([0.0, 0.0])

a = W1 @ x + b1  # forward, storing what the backward pass needs
h = np.tanh(a)
z = W2 @ h + b2
y_hat = np.exp(z) / np.exp(z).sum()
L = -t @ np.log(y_hat)

u_z = y_hat - t  # 1. softmax + cross-entropy
grad_W2, grad_b2, u_h = np.outer(u_z, h), u_z, W2.T @ u_z  # 2. second linear layer
u_a = u_h * (1 - h**2)  # 3. tanh
grad_W1, grad_b1 = np.outer(u_a, x), u_a  # 4. first linear layer
print("L =", L, " log 2 =", np.log(2))
print("u_z =", u_z, " grad W2 =", grad_W2.ravel() + 0.0, " u_h =", u_h, " u_a =", u_a)  # + 0.0: no "-0."
print("grad W1 =", grad_W1.ravel(), " grad b1 =", grad_b1)
