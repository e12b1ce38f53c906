import sympy as sp

x, y = sp.symbols("x y")
f1 = x**2 * y
f2 = 5 * x + sp.sin(y)

# The gradient of a scalar function is the column of its partial derivatives.
grad_f1 = sp.Matrix([f1.diff(x), f1.diff(y)])
grad_f2 = sp.Matrix([f2.diff(x), f2.diff(y)])

# Stack the transposed gradients, one row per output component.
J = sp.Matrix.vstack(grad_f1.T, grad_f2.T)
print("row 1 = (grad f1)^T:", grad_f1.T)
print("row 2 = (grad f2)^T:", grad_f2.T)
print("equals f.jacobian([x, y]):", J == sp.Matrix([f1, f2]).jacobian([x, y]))
