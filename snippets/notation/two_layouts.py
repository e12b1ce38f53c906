import sympy as sp

x, y = sp.symbols("x y")
f = [x**2 * y, 5 * x + sp.sin(y)]

numerator = sp.Matrix(f).jacobian([x, y])  # entry (i, j) = d f_i / d x_j
denominator = sp.derive_by_array(f, [x, y])  # entry (j, i) = d f_i / d x_j

print("numerator layout (Matrix.jacobian):  ", numerator.tolist())
print("denominator layout (derive_by_array):", denominator.tolist())
print("denominator == numerator^T:", sp.Matrix(denominator) == numerator.T)
