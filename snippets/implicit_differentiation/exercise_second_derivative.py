import sympy as sp

z, theta = sp.symbols("z theta", real=True)
F = z**3 + z - theta
zf = sp.Function("z")(theta)  # z as an unknown function of theta

# Differentiate F(z(theta), theta) = 0 twice, solve for z'', then put in z' = 1 / (3 z^2 + 1)
identity = sp.diff(F.subs(z, zf), theta, 2)
second = sp.solve(identity, sp.Derivative(zf, theta, 2))[0]
second = sp.simplify(second.subs(sp.Derivative(zf, theta), 1 / (3 * zf**2 + 1)).subs(zf, z))
print("z'' =", second)
second_idiff = sp.idiff(F, z, theta, 2)
idiff_agrees = sp.simplify(second - second_idiff) == 0
print("idiff agrees:", idiff_agrees)
second_at_2 = second.subs(z, 1)  # theta = 2, z = 1
print("at theta = 2:", second_at_2)
