import sympy as sp

phi, theta = sp.symbols("phi theta", positive=True)  # phi: from the z axis
sphere = sp.Matrix([sp.sin(phi) * sp.cos(theta),
                    sp.sin(phi) * sp.sin(theta),
                    sp.cos(phi)])
J = sphere.jacobian([phi, theta])  # 3 x 2: it has no determinant
gram = sp.simplify(J.T * J)
print("J^T J =", gram)
factor = sp.sqrt(gram.det())
print("area factor sqrt(det(J^T J)) =", factor)
area = sp.integrate(factor, (phi, 0, sp.pi), (theta, 0, 2 * sp.pi))
print("area of the unit sphere:", area)
