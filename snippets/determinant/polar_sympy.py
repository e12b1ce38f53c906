import sympy as sp

r, theta = sp.symbols("r theta", positive=True)
cartesian = sp.Matrix([r * sp.cos(theta), r * sp.sin(theta)])  # (x, y) as a function of (r, theta)
J = cartesian.jacobian([r, theta])
print("J =", J)
det = sp.simplify(J.det())
print("det J =", det)
