# --8<-- [start:recipe]
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


def central_jacobian(f, p):
    """Central differences, one column per input (2n evaluations of f)."""
    h = np.finfo(np.float64).eps ** (1 / 3) * np.maximum(1.0, np.abs(p))  # a step relative to |p_j|
    cols = [(f(p + h[j] * e) - f(p - h[j] * e)) / (2 * h[j]) for j, e in enumerate(np.eye(p.size))]
    return np.stack(cols, axis=1)


def gradient_check(f, jacobian, p, rtol=1e-6, atol=1e-8):
    """Per-entry check: (passed, bad), bad[i, j] True where |J - J_num| > atol + rtol |J_num|."""
    J_num = central_jacobian(f, p)
    bad = np.abs(jacobian(p) - J_num) > atol + rtol * np.abs(J_num)
    return not bad.any(), bad


points = np.random.default_rng(0).uniform(-2, 2, size=(5, 2))
for name, jac in (("correct", J_correct), ("buggy", J_buggy)):
    results = [gradient_check(f, jac, p) for p in points]
    passed = sum(ok for ok, _ in results)
    flagged = sum(bad.astype(int) for _, bad in results)  # how often each entry failed
    print(f"{name:7}: passed {passed}/5; times each entry was flagged:\n{flagged}")
# --8<-- [end:recipe]


# --8<-- [start:diluted]
def f_scaled(p):  # two outputs of very different size, as a weight block and a bias block can be
    x, y = p
    return np.array([1000 * np.sin(x), 1e-4 * np.cos(y)])


def J_scaled_buggy(p):  # a sign slip in the small entry: d/dy cos y written as +sin y
    x, y = p
    return np.array([[1000 * np.cos(x), 0.0], [0.0, 1e-4 * np.sin(y)]])


p = np.array([0.5, 0.6])
J, J_num = J_scaled_buggy(p), central_jacobian(f_scaled, p)
whole_matrix = np.max(np.abs(J - J_num)) / max(np.max(np.abs(J)), np.max(np.abs(J_num)))
print(f"whole-matrix score {whole_matrix:.1e}, at most 1e-6: {whole_matrix <= 1e-6}")
ok, bad = gradient_check(f_scaled, J_scaled_buggy, p)
print(f"per-entry test passes: {ok}; flagged entries:\n{bad}")
# --8<-- [end:diluted]
