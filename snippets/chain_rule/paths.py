import sympy as sp

x, y = sp.symbols("x y")
# The graph of f1 = x^2 y: x -> a = x^2 -> f1 = a * y, and y -> f1.
a = sp.Symbol("a")
da_dx = sp.diff(x**2, x)  # edge x -> a
df1_da = sp.diff(a * y, a)  # edge a -> f1
df1_dy = sp.diff(a * y, y).subs(a, x**2)  # edge y -> f1
# One path from x to f1, one from y: multiply along each path, add over paths.
df1_dx = (df1_da * da_dx).subs(a, x**2)
agrees = sp.Matrix([x**2 * y]).jacobian([x, y]) == sp.Matrix([[df1_dx, df1_dy]])
print("df1/dx along x -> a -> f1:", df1_dx)
print("df1/dy along y -> f1:     ", df1_dy)
print("agrees with diff:", agrees)
