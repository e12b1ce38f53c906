import sympy as sp

x, y, z = sp.symbols("x y z")
g = sp.Matrix([x * y * z, x + y])  # g: R^3 -> R^2
Jg = g.jacobian([x, y, z])
print("shape:", Jg.shape)
print(Jg)
