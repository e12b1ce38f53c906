import sympy as sp

r, theta, phi = sp.symbols("r theta phi", positive=True)  # phi: angle from the z axis
xyz = sp.Matrix([r * sp.sin(phi) * sp.cos(theta),
                 r * sp.sin(phi) * sp.sin(theta),
                 r * sp.cos(phi)])
det = sp.simplify(xyz.jacobian([r, phi, theta]).det())  # variables in the order (r, phi, theta)
print("det J =", det)
volume = sp.integrate(sp.Abs(det), (r, 0, 1), (theta, 0, 2 * sp.pi), (phi, 0, sp.pi))
print("volume of the unit ball:", volume)
