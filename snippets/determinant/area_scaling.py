import numpy as np


def f(p):
    x, y = p
    return np.array([x**2 * y, 5 * x + np.sin(y)])


def signed_area(v):
    """Shoelace formula: positive when the vertices run counterclockwise."""
    x, y = v[:, 0], v[:, 1]
    return 0.5 * np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y)


c = np.array([1.0, 2.0])
det_J = 2 * c[0] * c[1] * np.cos(c[1]) - 5 * c[0] ** 2  # det [[2xy, x^2], [5, cos y]]
t = np.linspace(-0.5, 0.5, 200, endpoint=False)
half = np.full_like(t, 0.5)
# the unit square's boundary, counterclockwise: bottom, right, top, left
square = np.concatenate([np.stack([t, -half], 1), np.stack([half, t], 1),
                         np.stack([-t, half], 1), np.stack([-half, -t], 1)])
print(f"det J_f(1, 2) = {det_J:.6f}")
ratios = {}  # side -> signed area of the image / area of the square
for side in (0.1, 0.01, 0.001):
    image = np.array([f(c + side * q) for q in square])
    ratios[side] = signed_area(image) / side**2
    print(f"side {side:<5}: signed area of image / area of square = {ratios[side]:.6f}")
