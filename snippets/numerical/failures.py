import numpy as np

h = 6e-6
relu = lambda x: np.maximum(x, 0.0)
# 1. At a kink there is no derivative; each method returns *something*.
forward_at_0, central_at_0 = (relu(h) - relu(0.0)) / h, (relu(h) - relu(-h)) / (2 * h)
print("ReLU at 0:   forward", forward_at_0, " central", central_at_0)
# 2. Near a kink, a step that crosses it gives a value that is neither slope.
x = 1e-6
central_near_0 = (relu(x + h) - relu(x - h)) / (2 * h)
print("ReLU at 1e-6: true derivative 1.0, central", round(central_near_0, 4))
# 3. Complex step needs complex-safe code: abs() throws the imaginary part away.
with_abs = np.imag(np.abs(2.0 + 1e-20j)) / 1e-20
print("d/dx |x| at x = 2 by complex step:", with_abs, "(true value 1)")
safe_abs = lambda z: np.where(np.real(z) < 0, -z, z)  # the same function, complex-safe
with_safe_abs = np.imag(safe_abs(2.0 + 1e-20j)) / 1e-20
print("with a complex-safe abs:          ", with_safe_abs)
