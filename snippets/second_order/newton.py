import numpy as np


def grad(p):
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


def hessian(p):
    x, y = p
    return np.array([[2 - 400 * (y - x**2) + 800 * x**2, -400 * x], [-400 * x, 200.0]])


def newton(grad, hessian, p, tol=1e-10, max_steps=19):
    """Newton's method: step to p + d where H(p) d = -grad(p), until |grad(p)| < tol.
    Returns every point visited, the start first."""
    path = [p]
    for _ in range(max_steps):
        g = grad(p)
        if np.linalg.norm(g) < tol:
            break
        p = p + np.linalg.solve(hessian(p), -g)  # the Newton step: H d = -grad
        path.append(p)
    return path


path = newton(grad, hessian, np.array([-1.2, 1.0]))  # from the classic starting point
for k, p in enumerate(path):
    error = np.linalg.norm(p - np.array([1.0, 1.0]))  # distance to the minimum (1, 1)
    print(f"step {k}: p = ({p[0]: .8f}, {p[1]: .8f}), |grad| = {np.linalg.norm(grad(p)):.1e}, |p - (1, 1)| = {error:.1e}")
