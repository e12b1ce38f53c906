import numpy as np

# Jacobians of the three stages, in the order they are applied (zeros: only shapes matter).
J1 = np.zeros((256, 784))  # R^784 -> R^256
J2 = np.zeros((10, 256))  # R^256 -> R^10
J3 = np.zeros((1, 10))  # R^10 -> R (the loss)
print("J3 @ J2 @ J1 has shape", (J3 @ J2 @ J1).shape)
