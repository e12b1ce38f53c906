import numpy as np

g = lambda x, y: np.exp(-(x**2 + y**2))  # integrate g over the unit disk
exact = np.pi * (1 - np.exp(-1))

# Polar coordinates with the factor |det J| = r (midpoint rule, 400 x 400 cells)
n = 400
r = (np.arange(n) + 0.5) / n
theta = (np.arange(n) + 0.5) * 2 * np.pi / n
R, T = np.meshgrid(r, theta)
cell = (1 / n) * (2 * np.pi / n)
polar = np.sum(g(R * np.cos(T), R * np.sin(T)) * R) * cell
forgot_r = np.sum(g(R * np.cos(T), R * np.sin(T))) * cell

# Monte Carlo in Cartesian coordinates: uniform points in the square [-1, 1]^2
rng = np.random.default_rng(0)
pts = rng.uniform(-1, 1, size=(1_000_000, 2))
inside = np.sum(pts**2, axis=1) <= 1
values = np.where(inside, g(pts[:, 0], pts[:, 1]), 0.0)
monte_carlo = 4 * values.mean()  # the square has area 4
std_error = 4 * values.std() / np.sqrt(len(values))

print(f"exact pi (1 - 1/e):          {exact:.6f}")
print(f"polar, with the factor r:    {polar:.6f}")
print(f"polar, forgetting r:         {forgot_r:.6f}")
print(f"Monte Carlo (Cartesian):     {monte_carlo:.6f} +/- {std_error:.6f}")
