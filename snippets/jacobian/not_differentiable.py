import sympy as sp

x, y, t = sp.symbols("x y t", real=True)
f = x * y / (x**2 + y**2)  # for (x, y) != (0, 0); we set f(0, 0) = 0

# The partial derivatives at the origin, from their definition (f(0, 0) = 0):
# f(t, 0) = f(0, t) = 0 for every t != 0, so both difference quotients are 0.
df_dx = sp.limit(f.subs({x: t, y: 0}) / t, t, 0)
df_dy = sp.limit(f.subs({x: 0, y: t}) / t, t, 0)
print("partial derivatives at (0, 0):", df_dx, df_dy)

# Along the diagonal the value is 1/2, however close to the origin.
on_diagonal = sp.simplify(f.subs({x: t, y: t}))
print("f(t, t) =", on_diagonal, "for every t != 0, while f(0, 0) = 0")
