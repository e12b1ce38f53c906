import sympy as sp

x, y = sp.symbols("x y")
f = sp.Matrix([x**2 * y, 5 * x + sp.sin(y)])  # the components f1, f2 as a column
J = f.jacobian([x, y])  # the 2x2 matrix of first-order partial derivatives
print(J)
