import numpy as np

x = 1.0
for h in (1e-1, 1e-2, 1e-3):
    error = (x + h) ** 3 - (x**3 + 3 * x**2 * h)  # f(x + h) - [f(x) + f'(x) h]
    print(f"h = {h:g}: error = {error:.3e}, error / h^2 = {error / h**2:.4f}")
print("f''(1) / 2 =", 6 * x / 2)
