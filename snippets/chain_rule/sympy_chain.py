import sympy as sp

x, y, u, v = sp.symbols("x y u v")
f = sp.Matrix([x**2 * y, 5 * x + sp.sin(y)])  # f: R^2 -> R^2, the running example
g = sp.Matrix([u * v, u - v, v**2])  # g: R^2 -> R^3

J_f = f.jacobian([x, y])  # 2 x 2
J_g = g.jacobian([u, v])  # 3 x 2, still in the symbols u, v
J_g_at_f = J_g.subs({u: f[0], v: f[1]})  # evaluated at the point f(x, y)

composition = g.subs({u: f[0], v: f[1]})  # g(f(x, y)), written out
J_direct = composition.jacobian([x, y])  # differentiate the composition directly

product = J_g_at_f * J_f
equal = sp.simplify(product - J_direct) == sp.zeros(3, 2)
print("shapes: J_g", J_g.shape, "times J_f", J_f.shape, "gives", product.shape)
print("J_g(f(x)) J_f(x) == J_(g o f)(x):", equal)
print("at (x, y) = (1, 0):", J_direct.subs({x: 1, y: 0}))
