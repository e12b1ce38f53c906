import numpy as np

# The running example f(x, y) = (x^2 y, 5x + sin y) at (1, 2): its Jacobian.
J = np.array([[4.0, 1.0], [5.0, np.cos(2.0)]])
U, sigma, Vt = np.linalg.svd(J)  # J = U diag(sigma) V^T, sigma_1 >= sigma_2
print("stretch factors sigma_1, sigma_2:", sigma)

spectral = np.linalg.norm(J, 2)  # the largest stretch
frobenius = np.linalg.norm(J)  # sqrt of the sum of squared entries
print("spectral norm ||J||_2 =", spectral)
# By hand: sigma_1^2 + sigma_2^2 = ||J||_F^2 = 42 + cos^2 2 and sigma_1 sigma_2 = |det J| = 5 - 4 cos 2.
total, product = 42 + np.cos(2.0) ** 2, 5 - 4 * np.cos(2.0)
by_hand = np.sqrt((total + np.array([1, -1]) * np.sqrt(total**2 - 4 * product**2)) / 2)
print("by hand:", by_hand)
root_sum = np.sqrt(np.sum(sigma**2))
print("Frobenius norm ||J||_F =", frobenius, " sqrt(sigma_1^2 + sigma_2^2) =", root_sum)

# No direction is stretched by more than sigma_1; the first right singular vector is.
rng = np.random.default_rng(0)
v = rng.standard_normal((1000, 2))
ratios = np.linalg.norm(v @ J.T, axis=1) / np.linalg.norm(v, axis=1)
largest, smallest = ratios.max(), ratios.min()
print("largest ||J v|| / ||v|| over 1000 random v:", largest)
print("smallest:", smallest)
top_stretch = np.linalg.norm(J @ Vt[0])
print("||J v_1|| for the top right singular vector v_1:", top_stretch)
