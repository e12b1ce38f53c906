import sympy as sp

x, y = sp.symbols("x y")
g = x**2 * y  # a scalar function of (x, y): the first component of the running example

grad_g = sp.Matrix([g.diff(x), g.diff(y)])  # the gradient: a column, 2 x 1
J_g = sp.Matrix([g]).jacobian([x, y])  # the Jacobian of a scalar function: a row, 1 x 2

print("gradient:", grad_g, "shape", grad_g.shape)
print("Jacobian:", J_g, "shape", J_g.shape)
print("Jacobian == gradient^T:", J_g == grad_g.T)
