import sympy as sp

x, y = sp.symbols("x y")
J = sp.Matrix([x**2 * y, 5 * x + sp.sin(y)]).jacobian([x, y])
d = J.det().subs({x: 1, y: 2})
print("det J_f(1, 2) =", d, "=", sp.N(d, 6))
