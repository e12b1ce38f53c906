import sympy as sp

x, y, t = sp.symbols("x y t")
X = sp.Matrix([x, y])
f = sp.Matrix([x**2 * y, 5 * x + sp.sin(y)])
m, n = f.shape[0], X.shape[0]
e = lambda k, size: sp.eye(size)[:, k]  # the k-th unit column vector

# Row i: the gradient of the scalar e_i^T f, transposed (a vector-Jacobian product).
rows = [(e(i, m).T * f).jacobian(X) for i in range(m)]
# Column j: d/dt f(x + t e_j) at t = 0, the derivative along e_j (a JVP).
columns = []
for j in range(n):
    moved = f.subs(dict(zip(X, X + t * e(j, n))), simultaneous=True)  # f(x + t e_j)
    columns.append(moved.diff(t).subs(t, 0))

J = f.jacobian(X)
print("rows:   ", [list(r) for r in rows])
print("columns:", [list(c) for c in columns])
print("stacked rows == jacobian:   ", sp.Matrix.vstack(*rows) == J)
print("stacked columns == jacobian:", sp.Matrix.hstack(*columns) == J)
