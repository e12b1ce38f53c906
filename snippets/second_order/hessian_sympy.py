import sympy as sp

x, y = sp.symbols("x y")
f = (1 - x) ** 2 + 100 * (y - x**2) ** 2  # Rosenbrock's function
grad = sp.Matrix([f]).jacobian([x, y]).T  # the gradient: a column, 2 x 1
H = grad.jacobian([x, y])  # the Jacobian of the gradient: 2 x 2

print("gradient:", list(sp.expand(grad)))
print("J(grad f) =", sp.expand(H))
print("equals sympy.hessian:", sp.simplify(H - sp.hessian(f, (x, y))) == sp.zeros(2, 2))
print("symmetric:", H == H.T)
