import numpy as np


def f(x):
    return x**3 - 3 * x  # f'(x) = 3x^2 - 3 is exactly 0 at x = 1


x, h = 1.0, 6e-6
exact = 3 * x**2 - 3
estimate = (f(x + h) - f(x - h)) / (2 * h)
print(f"exact derivative {exact}, central difference {estimate:.1e}")
verdicts = {atol: bool(abs(exact - estimate) <= atol + 1e-6 * abs(estimate)) for atol in (0.0, 1e-8)}
for atol, passes in verdicts.items():
    print(f"atol = {atol:.0e}: the correct derivative passes: {passes}")
