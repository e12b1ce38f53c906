import numpy as np
import sympy as sp

x, y = sp.symbols("x y")
f = sp.Matrix([x**2 * y, 5 * x + sp.sin(y)])
J_numeric = sp.lambdify((x, y), f.jacobian([x, y]), modules="numpy")

p = np.array([1.0, 2.0])  # the point (x, y) = (1, 2)
print(np.asarray(J_numeric(*p), dtype=float))
