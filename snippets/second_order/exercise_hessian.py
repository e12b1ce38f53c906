import sympy as sp

x, y = sp.symbols("x y")
f1 = x**2 * y  # the first output of the seed example
grad = sp.Matrix([f1.diff(x), f1.diff(y)])
H = grad.jacobian([x, y])
print("grad f1 =", list(grad), " H =", H, " symmetric:", H == H.T)
