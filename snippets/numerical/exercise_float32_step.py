import numpy as np

eps32 = np.finfo(np.float32).eps
print(f"float32 eps = {eps32:.2e}; predicted best steps: forward {eps32 ** 0.5:.1e}, central {eps32 ** (1 / 3):.1e}")
y, g = np.float32(2.0), lambda y: np.float32(5) + np.sin(y)
steps = np.float32([1e-1, 1e-2, 5e-3, 1e-3, 1e-4])
errors = []
for h in steps:
    d = (g(y + h) - g(y - h)) / (np.float32(2) * h)
    errors.append(abs(float(d) - np.cos(2.0)))
    print(f"central, h = {h:.0e}: error {errors[-1]:.1e}")
first, second = steps[np.argsort(errors)[:2]]
print(f"two smallest errors at h = {first:.0e} and h = {second:.0e}")
