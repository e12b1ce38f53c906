import sympy as sp

x, y = sp.symbols("x y", real=True)
J = sp.Matrix([x**2 * y, 5 * x + sp.sin(y)]).jacobian([x, y])
det = sp.factor(J.det())
print("det J =", det)
print("det J = 0 exactly when x is one of", sp.solve(det, x))
