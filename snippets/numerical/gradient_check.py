import numpy as np


def f(p):
    x, y = p
    return np.array([x**2 * y, 5 * x + np.sin(y)])


def J_correct(p):
    x, y = p
    return np.array([[2 * x * y, x**2], [5.0, np.cos(y)]])


def J_buggy(p):  # a typical slip: d/dy sin y written as sin y
    x, y = p
    return np.array([[2 * x * y, x**2], [5.0, np.sin(y)]])


def gradient_check(f, jacobian, p, h=6e-6, tol=1e-6):
    """Relative error between an analytic Jacobian and central differences."""
    cols = [(f(p + h * e) - f(p - h * e)) / (2 * h) for e in np.eye(p.size)]
    J_num = np.stack(cols, axis=1)
    J = jacobian(p)
    rel = np.max(np.abs(J - J_num)) / max(np.max(np.abs(J)), np.max(np.abs(J_num)))
    return rel <= tol, rel


rng = np.random.default_rng(0)
for name, jac in (("correct", J_correct), ("buggy", J_buggy)):
    results = [gradient_check(f, jac, p) for p in rng.uniform(-2, 2, size=(5, 2))]
    worst = max(rel for _, rel in results)
    print(f"{name:7}: passed {sum(ok for ok, _ in results)}/5, worst relative error {worst:.1e}")
