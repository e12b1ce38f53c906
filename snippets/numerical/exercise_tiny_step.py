import numpy as np

for h in (1e-20, 1e-100, 1e-300):
    complex_step = np.imag(np.sin(1.0 + 1j * h)) / h
    print(f"h = {h:.0e}: complex step error {abs(complex_step - np.cos(1.0)):.1e}")
central = (np.sin(1.0 + 1e-20) - np.sin(1.0 - 1e-20)) / 2e-20
print(f"central difference with h = 1e-20: {central} (1 + 1e-20 == 1 in float64)")
