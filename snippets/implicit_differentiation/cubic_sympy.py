import sympy as sp

z, theta = sp.symbols("z theta", real=True)
F = z**3 + z - theta  # F(z, theta) = 0 defines z*(theta)

# The implicit function theorem: dz*/dtheta = -(dF/dz)^(-1) dF/dtheta
slope = sp.simplify(-sp.diff(F, theta) / sp.diff(F, z))
print("dz*/dtheta =", slope)

# The same from SymPy's own implicit differentiation (idiff solves F = 0 for z as a function of theta)
slope_idiff = sp.idiff(F, z, theta)
idiff_agrees = sp.simplify(slope - slope_idiff) == 0
print("idiff agrees:", idiff_agrees)

# At theta = 2 the root is z = 1, and the slope is 1/4
root = sp.nsolve(F.subs(theta, 2), z, 0.5)
slope_at_2 = slope.subs(z, 1)
print("root at theta = 2:", root, " slope there:", slope_at_2)

# theta = z^3 + z can be solved for theta, so the slope is also 1 / (dtheta/dz)
slope_inverse = 1 / sp.diff(z**3 + z, z)
inverse_agrees = sp.simplify(slope - slope_inverse) == 0
print("1 / (dtheta/dz) =", slope_inverse, " same:", inverse_agrees)
