import numpy as np

rng = np.random.default_rng(0)
n, m = 300, 200
W = rng.standard_normal((m, n)) / np.sqrt(n)
x = rng.standard_normal(n)
calls = 0  # evaluations of the layer so far


def layer(x):
    """A tanh layer R^300 -> R^200."""
    global calls
    calls += 1
    return np.tanh(W @ x)


def vjp_correct(x, u):  # a hand-written backward pass: u^T J = W^T (u * tanh'(W x))
    return W.T @ (u * (1 - np.tanh(W @ x) ** 2))


def vjp_buggy(x, u):  # the slip: tanh' written as 1 - tanh, not 1 - tanh^2
    return W.T @ (u * (1 - np.tanh(W @ x)))


def full_check(f, vjp, x, h=6e-6, rtol=1e-6, atol=1e-8):
    """Every entry: J from one backward pass per row, J_num from 2n evaluations of f."""
    J_num = np.stack([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(x.size)], axis=1)
    J = np.stack([vjp(x, e) for e in np.eye(J_num.shape[0])])
    return bool(np.all(np.abs(J - J_num) <= atol + rtol * np.abs(J_num)))


def directional_check(f, vjp, x, h=6e-6, rtol=1e-6, atol=1e-8, seed=0):
    """(u^T J) v from one backward pass against one central difference of u^T f along v."""
    rng = np.random.default_rng(seed)
    v = rng.standard_normal(x.size)
    v /= np.linalg.norm(v)  # a unit direction: h is the length of the step
    f_plus, f_minus = f(x + h * v), f(x - h * v)  # the only two evaluations of f
    u = rng.standard_normal(f_plus.size)
    by_differences = u @ (f_plus - f_minus) / (2 * h)  # d/dt u^T f(x + t v) at t = 0
    by_backward = vjp(x, u) @ v
    return bool(abs(by_backward - by_differences) <= atol + rtol * abs(by_differences))


evaluations, verdicts = {}, {}
for check in (full_check, directional_check):
    calls = 0
    correct_ok = check(layer, vjp_correct, x)
    evaluations[check.__name__] = calls  # the cost of one check
    buggy_ok = check(layer, vjp_buggy, x)
    verdicts[check.__name__] = (correct_ok, buggy_ok)
    print(f"{check.__name__:17}: {evaluations[check.__name__]:3} evaluations of f;"
          f" correct passes {correct_ok}, buggy passes {buggy_ok}")
