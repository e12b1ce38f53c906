import numpy as np

z = np.array([1.0, -0.5, 2.0])  # logits of one example
t = np.array([0.0, 1.0, 0.0])  # its one-hot target


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def gradient(z):  # of L(z) = -sum_i t_i log softmax(z)_i, from the layers page: s - t
    return softmax(z) - t


s, h = softmax(z), 1e-6
# The Hessian in the logits: the Jacobian of the gradient, column j by central differences.
hessian_fd = np.column_stack([(gradient(z + h * e) - gradient(z - h * e)) / (2 * h) for e in np.eye(3)])
softmax_jacobian = np.diag(s) - np.outer(s, s)
# The Fisher information of the model's own distribution: E over y ~ s of g g^T, g = s - e_y.
fisher = sum(s[y] * np.outer(s - np.eye(3)[y], s - np.eye(3)[y]) for y in range(3))
difference = np.max(np.abs(hessian_fd - softmax_jacobian))
fisher_difference = np.max(np.abs(fisher - softmax_jacobian))
print("Hessian of the cross-entropy in the logits (central differences):\n", hessian_fd.round(6))
print("softmax Jacobian diag(s) - s s^T:\n", softmax_jacobian.round(6))
print("largest |difference|:", f"{difference:.1e}")
print("largest |Fisher - softmax Jacobian|:", f"{fisher_difference:.1e}")
