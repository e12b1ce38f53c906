import numpy as np


def g(p):  # a scalar function: the first component of the running example
    return p[0] ** 2 * p[1]


p = np.array([1.0, 2.0])
grad = np.array([2 * p[0] * p[1], p[0] ** 2])  # the gradient (2xy, x^2) at p

h = 1e-6
angles = np.linspace(0, 2 * np.pi, 3600, endpoint=False)  # directions 0.1 degree apart
directions = np.stack([np.cos(angles), np.sin(angles)], axis=1)  # unit vectors
rates = np.array([(g(p + h * u) - g(p - h * u)) / (2 * h) for u in directions])

best = np.degrees(angles[np.argmax(rates)])
worst = np.degrees(angles[np.argmin(rates)])
print(f"fastest ascent found at angle {best:.1f} degrees")
gradient_angle = np.degrees(np.arctan2(grad[1], grad[0]))
difference = abs(rates.max() - np.linalg.norm(grad))
print(f"the gradient's angle:         {gradient_angle:.3f} degrees")
print(f"largest rate {rates.max():.6f} vs |gradient| {np.linalg.norm(grad):.6f}",
      f"(difference {difference:.0e})")
print(f"smallest rate {rates.min():.6f}, at angle {worst:.1f} (steepest descent)")
turn = worst - best
print(f"descent angle - ascent angle: {turn:.1f} degrees")
