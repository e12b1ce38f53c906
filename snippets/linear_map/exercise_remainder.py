import sympy as sp

x, y, a, b = sp.symbols("x y a b")
f1 = x**2 * y
linear = f1 + sp.diff(f1, x) * a + sp.diff(f1, y) * b  # f1(x, y) + grad f1 . (a, b)
remainder = sp.expand(f1.subs({x: x + a, y: y + b}, simultaneous=True) - linear)
print("f1(x + a, y + b) - [f1 + grad f1 . h] =", remainder)
