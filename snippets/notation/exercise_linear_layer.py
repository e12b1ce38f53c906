import sympy as sp

W = sp.Matrix(4, 3, lambda i, j: sp.Symbol(f"w{i + 1}{j + 1}"))  # weights, 4 x 3
b = sp.Matrix(4, 1, lambda i, j: sp.Symbol(f"b{i + 1}"))  # bias, 4 x 1
xs = sp.symbols("x1:4")  # the input (x1, x2, x3)
layer = W * sp.Matrix(xs) + b  # R^3 -> R^4

numerator = layer.jacobian(xs)
denominator = sp.Matrix(sp.derive_by_array(list(layer), xs))
print("numerator layout:  ", numerator.shape, " equals W:  ", numerator == W)
print("denominator layout:", denominator.shape, " equals W^T:", denominator == W.T)
