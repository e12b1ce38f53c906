import numpy as np


def f(p):
    x, y = p
    return np.array([x**2 * y, 5 * x + np.sin(y)])


def J_f(p):
    x, y = p
    return np.array([[2 * x * y, x**2], [5.0, np.cos(y)]])


def g(q):
    u, v = q
    return np.array([u * v, u - v, v**2])


def J_g(q):
    u, v = q
    return np.array([[v, u], [1.0, -1.0], [0.0, 2 * v]])


def central_difference(func, p, h=1e-6):
    cols = [(func(p + h * e) - func(p - h * e)) / (2 * h) for e in np.eye(p.size)]
    return np.stack(cols, axis=1)


rng = np.random.default_rng(0)
worst = 0.0
for p in rng.uniform(-2, 2, size=(100, 2)):
    chain = J_g(f(p)) @ J_f(p)  # outer Jacobian at the inner output, times inner Jacobian
    numeric = central_difference(lambda q: g(f(q)), p)
    # mixed relative error: relative for large entries, absolute for entries near zero
    worst = max(worst, np.max(np.abs(chain - numeric) / (1 + np.abs(chain))))
print("J_g(f(p)) @ J_f(p) at p = (1, 0):")
print(J_g(f(np.array([1.0, 0.0]))) @ J_f(np.array([1.0, 0.0])))
print(f"largest |difference| / (1 + |entry|) from central differences over 100 points: {worst:.1e}")
