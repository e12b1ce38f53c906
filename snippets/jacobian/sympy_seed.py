import sympy as sp

x, y = sp.symbols("x y")
f1 = x**2 * y
f2 = 5 * x + sp.sin(y)

# Jacobian matrix: row i holds the partial derivatives of f_i
J = sp.Matrix([[f1.diff(x), f1.diff(y)],
               [f2.diff(x), f2.diff(y)]])
print(J)
