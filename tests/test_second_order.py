"""docs/second-order.md: the Hessian as the Jacobian of the gradient; Newton, Gauss-Newton and
Levenberg-Marquardt against gradient descent; what first-order optimizers consume.

Every claim of the page is checked on the objects its examples make (snippets/second_order/):
the shown gradients, Hessians, Newton's method, the Hessian-vector and Gauss-Newton products
and the three curve-fit steps as functions on many inputs, against SymPy or finite
differences; the optimizers against their published update rules; the iteration counts the
prose and the table state, computed; and the table, the sentences and the figure of the page
(snippets/second_order/tables.py, figures.py) on the runs of curve_fits.py.
"""

from __future__ import annotations

import inspect
import types

import numpy as np
import pytest
import sympy as sp
from hypothesis import example as hypothesis_example
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from snippets.second_order.curve_fits import GD_STEPS, best_gd, curve_data, fit, table_runs
from snippets.second_order.figures import (
    convergence_alt_text,
    convergence_caption,
    convergence_figure,
    convergence_results,
    gn_lm_loss_gap,
)
from snippets.second_order.tables import bad_start_summary, comparison_table_markdown, condition_number_at_fit
from snippets.shared.finite_differences import numerical_jacobian

PAGE = "second_order"
coordinate = st.floats(min_value=-2, max_value=2, allow_nan=False, allow_infinity=False)
amplitude = st.floats(min_value=0.5, max_value=3, allow_nan=False, allow_infinity=False)
rate = st.floats(min_value=-2, max_value=3, allow_nan=False, allow_infinity=False)

# ---- independent references: SymPy ------------------------------------------------------------

X, Y = sp.symbols("x y")
ROSENBROCK = (1 - X) ** 2 + 100 * (Y - X**2) ** 2
_rosenbrock_grad = sp.lambdify((X, Y), [ROSENBROCK.diff(X), ROSENBROCK.diff(Y)], "numpy")
_rosenbrock_hessian = sp.lambdify((X, Y), sp.hessian(ROSENBROCK, (X, Y)), "numpy")


def rosenbrock_grad(p) -> np.ndarray:
    """The gradient of Rosenbrock's function, differentiated by SymPy."""
    return np.array(_rosenbrock_grad(*p), dtype=float)


def rosenbrock_hessian(p) -> np.ndarray:
    """sympy.hessian of Rosenbrock's function."""
    return np.array(_rosenbrock_hessian(*p), dtype=float)


A_, B_, T_ = sp.symbols("a b t")
_residual_row = sp.lambdify((A_, B_, T_), [sp.diff(A_ * sp.exp(B_ * T_), v) for v in (A_, B_)], "numpy")


def residuals(theta, t: np.ndarray, y: np.ndarray) -> np.ndarray:
    """r_i = a exp(b t_i) - y_i, the model the page states."""
    return theta[0] * np.exp(theta[1] * t) - y


def residual_jacobian(theta, t: np.ndarray) -> np.ndarray:
    """J_r, row i = the SymPy gradient of a exp(b t_i) in (a, b)."""
    da, db = _residual_row(theta[0], theta[1], t)
    return np.column_stack([np.broadcast_to(da, t.shape), db])


def loss(theta, t: np.ndarray, y: np.ndarray) -> float:
    r = residuals(theta, t, y)
    return 0.5 * float(r @ r)


def rebound(function: types.FunctionType, **names) -> types.FunctionType:
    """A copy of a shown function that sees ``names`` instead of its module's globals of the
    same name (the example's namespace is shared by the session: it is never modified)."""
    return types.FunctionType(function.__code__, {**function.__globals__, **names}, function.__name__,
                              function.__defaults__, function.__closure__)


def default(function, name: str):
    return inspect.signature(function).parameters[name].default


# ---- the Hessian, symbolically and numerically --------------------------------------------------


def test_sympy_hessian_is_the_jacobian_of_the_gradient(example):
    ns = example(PAGE, "hessian_sympy")
    x, y = ns["x"], ns["y"]
    f = (1 - x) ** 2 + 100 * (y - x**2) ** 2
    assert sp.expand(ns["f"] - f) == 0
    assert ns["grad"].shape == (2, 1) and sp.expand(ns["grad"] - sp.Matrix([f.diff(x), f.diff(y)])) == sp.zeros(2, 1)
    H = ns["H"]
    assert sp.expand(H - sp.hessian(f, (x, y))) == sp.zeros(2, 2)
    assert H == H.T  # symmetric: the two off-diagonal entries agree
    # the matrix worked by hand, and its value at the classic start (-1.2, 1)
    assert sp.expand(H) == sp.Matrix([[1200 * x**2 - 400 * y + 2, -400 * x], [-400 * x, 200]])
    assert H.subs({x: sp.Rational(-6, 5), y: 1}) == sp.Matrix([[1330, 480], [480, 200]])


@pytest.mark.parametrize("name", ["hessian_numeric", "newton"])
@settings(max_examples=25, deadline=None)
@given(point=st.tuples(coordinate, coordinate))
def test_shown_gradient_and_hessian_are_sympys(example, name, point):
    ns = example(PAGE, name)
    p = np.array(point)
    # Same formulas, different order of operations: rounding of terms up to ~5e3.
    np.testing.assert_allclose(ns["grad"](p), rosenbrock_grad(p), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(ns["hessian"](p), rosenbrock_hessian(p), rtol=1e-12, atol=1e-9)


def test_central_differences_of_the_gradient_give_the_hessian(example):
    ns = example(PAGE, "hessian_numeric")
    p = np.array([-1.2, 1.0])
    np.testing.assert_array_equal(ns["p"], p)
    H = rosenbrock_hessian(p)
    np.testing.assert_array_equal(H, [[1330, 480], [480, 200]])
    # "The gradient's entries are in the hundreds."
    assert 100 <= np.abs(ns["grad"](p)).max() < 1000
    # Central differences of the gradient with h = 1e-6: truncation h^2/6 |d^3 grad| < 1e-12/6 * 2400
    # ~ 4e-10; round-off ~ eps * (terms of size ~1e3) / h ~ 2e-7. So the error is below 1e-6, ...
    error = np.max(np.abs(ns["H_fd"] - H))
    assert error < 1e-6
    # ... and, as the page says, far above machine precision (eps * |H| ~ 3e-13).
    assert error > 100 * np.finfo(float).eps * np.abs(H).max()
    np.testing.assert_allclose(numerical_jacobian(ns["grad"], p), H, atol=1e-5)


# ---- Newton's method ---------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(coordinate, coordinate)
def test_shown_newton_solves_the_newton_system_at_every_step(example, px, py):
    newton = example(PAGE, "newton")["newton"]
    assume(abs(80000 * (px**2 - py) + 400) > 10)  # det of the Rosenbrock Hessian: not (near) singular
    path = newton(rosenbrock_grad, rosenbrock_hessian, np.array([px, py]), max_steps=3)
    assert 1 <= len(path) <= 4  # a start at the minimum (1, 1) takes no step
    for p, q in zip(path, path[1:]):
        H, g = rosenbrock_hessian(p), rosenbrock_grad(p)
        # The step d = q - p solves H d = -g, up to solve()'s backward error ~ eps |H| |d| and
        # the rounding of q = p + d, ~ eps |p| (times |H| when we multiply back).
        scale = np.abs(H).max() * (np.abs(q - p).max() + np.abs(p).max()) + np.abs(g).max()
        np.testing.assert_allclose(H @ (q - p), -g, rtol=0, atol=1e-12 * scale)
        assert np.linalg.norm(g) >= 1e-10  # it steps only while the gradient is not yet small
    if len(path) < 4:  # it stopped early: because the gradient is below tol
        assert np.linalg.norm(rosenbrock_grad(path[-1])) < 1e-10


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_shown_newton_minimizes_a_quadratic_in_one_step(example, seed):
    """Exercise 2 with the shown function: f = 1/2 x^T A x - b^T x, from any start."""
    newton = example(PAGE, "newton")["newton"]
    rng = np.random.default_rng(seed)
    M = rng.normal(size=(3, 3))
    A, b = M @ M.T + 3 * np.eye(3), rng.normal(size=3)
    path = newton(lambda x: A @ x - b, lambda x: A, 3 * rng.normal(size=3))
    assert len(path) == 2  # one step, then the gradient is below tol
    np.testing.assert_allclose(path[1], np.linalg.solve(A, b), rtol=1e-10, atol=1e-12)


def test_newton_from_the_classic_start_converges_quadratically(example):
    ns = example(PAGE, "newton")
    path = np.array(ns["path"])
    np.testing.assert_array_equal(path[0], [-1.2, 1.0])
    # The printed run is Newton's method: the same iterates with SymPy's gradient and Hessian.
    reference = np.array(ns["newton"](rosenbrock_grad, rosenbrock_hessian, np.array([-1.2, 1.0])))
    assert reference.shape == path.shape
    np.testing.assert_allclose(path, reference, atol=1e-9)
    errors = np.linalg.norm(path - 1.0, axis=1)
    assert errors[-1] == 0.0  # "until it is zero in floating point"
    tail = [e for e in errors if 0 < e < 0.1]
    assert len(tail) >= 3
    # "the distance roughly squares at each step": e_{k+1} <= e_k^2; linear convergence fails this
    assert all(b <= a**2 for a, b in zip(tail, tail[1:]))
    grads = [np.linalg.norm(rosenbrock_grad(p)) for p in path]
    assert any(b > a for a, b in zip(grads, grads[1:]))  # "the gradient norm goes up at some steps"
    assert grads[-1] < 1e-10 <= min(grads[:-1])
    assert all(b <= 1e-2 * a for a, b in zip(grads[-4:], grads[-3:]))  # then orders of magnitude per step
    assert len(path) < 12


# ---- Hessian-vector and Gauss-Newton products -------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(st.tuples(coordinate, coordinate), st.tuples(coordinate, coordinate))
def test_shown_hvp_is_the_hessian_times_v(example, point, direction):
    ns = example(PAGE, "hvp")
    p, v = np.array(point), np.array(direction)
    expected = rosenbrock_hessian(p) @ v
    # Dual numbers are exact up to rounding of terms of size <= ~1e4 |v|.
    np.testing.assert_allclose(ns["hvp"](p, v), expected, rtol=1e-12, atol=1e-9 * (1 + np.abs(v).max()))
    np.testing.assert_allclose(np.array(ns["grad"](p), float), rosenbrock_grad(p), rtol=1e-12, atol=1e-9)
    # H v is the JVP of the gradient: a central difference of the gradient along v, h = 1e-5.
    # Truncation h^2/6 |d^3 grad| |v|^3 < 1e-10/6 * 2400 * 8 ~ 3e-7, round-off ~ eps 5e3 / h ~ 1e-7.
    h = 1e-5
    along = (rosenbrock_grad(p + h * v) - rosenbrock_grad(p - h * v)) / (2 * h)
    np.testing.assert_allclose(ns["hvp"](p, v), along, atol=1e-5)


@settings(max_examples=20, deadline=None)
@given(amplitude, coordinate, st.integers(min_value=2, max_value=4))
def test_shown_dual_numbers_carry_exact_derivatives(example, a, b, k):
    """The Dual class of the hvp block on expressions beyond Rosenbrock's (any constant power,
    exp, both operand orders), against SymPy's derivative at the same point."""
    Dual = example(PAGE, "hvp")["Dual"]
    s = sp.Symbol("s")
    expression = (3 - s) * s**k + np.e * (s - 2) * sp.exp(s) - 4 * s + 1
    value = (3 - Dual(a, 1.0)) * Dual(a, 1.0) ** k + (Dual(a, 1.0) - 2) * np.exp(Dual(a, 1.0)) * np.e - 4 * Dual(a, 1.0) + 1
    assert value.value == pytest.approx(float(expression.subs(s, a)), rel=1e-12, abs=1e-12)
    assert value.tangent == pytest.approx(float(expression.diff(s).subs(s, a)), rel=1e-12, abs=1e-12)
    # tangents scale linearly: the seed b gives b times the derivative
    assert (Dual(a, b) ** k).tangent == pytest.approx(k * a ** (k - 1) * b, rel=1e-12, abs=1e-12)


def test_hvp_block_products_agree_with_the_formed_matrices(example):
    ns = example(PAGE, "hvp")
    np.testing.assert_array_equal(ns["p"], [-1.2, 1.0])  # the classic start, as in the Newton block
    np.testing.assert_array_equal(ns["H"], rosenbrock_hessian(ns["p"]))
    np.testing.assert_allclose(ns["hvp"](ns["p"], ns["v"]), ns["H"] @ ns["v"], rtol=1e-13)
    t, y = curve_data()
    np.testing.assert_array_equal(ns["t"], t)  # the curve fit of the next section
    np.testing.assert_array_equal(ns["y"], y)
    np.testing.assert_allclose(ns["J"], residual_jacobian(ns["theta"], t), rtol=1e-15)
    J = ns["J"]
    np.testing.assert_allclose(ns["gauss_newton_product"](ns["theta"], ns["v"]), J.T @ J @ ns["v"], rtol=1e-12)


@settings(max_examples=30, deadline=None)
@given(amplitude, rate, st.tuples(coordinate, coordinate))
def test_shown_gauss_newton_product_is_jt_j_v(example, a, b, direction):
    ns = example(PAGE, "hvp")
    t, y = ns["t"], ns["y"]
    theta, v = np.array([a, b]), np.array(direction)
    np.testing.assert_allclose(ns["r"](theta), residuals(theta, t, y), rtol=1e-13, atol=1e-13)
    J = residual_jacobian(theta, t)
    # One JVP then one VJP, exact up to rounding of sums of 20 terms of size |J|^2 |v|.
    np.testing.assert_allclose(ns["gauss_newton_product"](theta, v), J.T @ (J @ v),
                               rtol=1e-11, atol=1e-11 * (1 + np.abs(J.T @ J).max()))


def test_gauss_newton_matrix_is_the_hessian_minus_the_residual_term():
    """Hessian of 1/2 |r|^2 = J^T J + sum_i r_i Hess(r_i), on five of the page's samples."""
    a, b = sp.symbols("a b")
    t, y = curve_data()
    r = [a * sp.exp(b * sp.Float(ti)) - sp.Float(yi) for ti, yi in zip(t[:5], y[:5])]
    L = sum(ri**2 for ri in r) / 2
    J = sp.Matrix(r).jacobian([a, b])
    rest = sum((ri * sp.hessian(ri, (a, b)) for ri in r), sp.zeros(2, 2))
    difference = (sp.hessian(L, (a, b)) - J.T * J - rest).subs({a: 1.7, b: -0.9})
    np.testing.assert_allclose(np.array(difference, dtype=float), 0, atol=1e-12)


# ---- the curve fit: gradient descent, Gauss-Newton, Levenberg-Marquardt ---------------------


def levenberg_marquardt_reference(theta, lam, t, y):
    """One accepted LM step: d minimizes |J d + r|^2 + lam |d|^2 (a least-squares problem with
    sqrt(lam) I stacked under J), lam x 10 until the loss goes down, then lam / 10."""
    J, r = residual_jacobian(theta, t), residuals(theta, t, y)
    while True:
        d = np.linalg.lstsq(np.vstack([J, np.sqrt(lam) * np.eye(2)]), np.concatenate([-r, np.zeros(2)]), rcond=None)[0]
        if loss(theta + d, t, y) < loss(theta, t, y):
            return theta + d, lam / 10
        lam *= 10


@settings(max_examples=30, deadline=None)
@given(amplitude, rate, st.sampled_from([1e-4, 1e-2, 1.0, 1e2]))
@hypothesis_example(1.0, 0.0, 1e-2)  # the good start
@hypothesis_example(1.0, 3.0, 1e-2)  # the bad start
@hypothesis_example(0.5, -2.0, 1e-2)  # a point where the first trial step is rejected
def test_shown_curve_fit_functions_and_steps(example, a, b, lam):
    ns = example(PAGE, "curve_fit")
    t, y = ns["t"], ns["y"]
    theta = np.array([a, b])
    r, J = residuals(theta, t, y), residual_jacobian(theta, t)
    np.testing.assert_allclose(ns["r"](theta), r, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(ns["J"](theta), J, rtol=1e-13)
    assert ns["loss"](theta) == pytest.approx(0.5 * r @ r, rel=1e-13)
    # J^T r is the gradient of the loss: central differences (h = 6e-6) of a loss below ~1e5
    # err by ~ eps 1e5 / h + h^2 |L'''| ~ 4e-6 relative to the largest entry at most.
    g = J.T @ r
    np.testing.assert_allclose(numerical_jacobian(lambda th: loss(th, t, y), theta)[0], g,
                               rtol=1e-6, atol=1e-5 * (1 + np.abs(g).max()))
    lr = default(ns["gradient_descent"], "lr")
    new, same = ns["gradient_descent"](theta, lam)
    np.testing.assert_allclose(new, theta - lr * g, rtol=1e-12, atol=1e-12)
    assert same == lam
    # Gauss-Newton: the least-squares solution of J d = -r (J has full column rank here). The
    # normal equations lose accuracy like cond(J)^2 <= ~1e6: relative 1e-8 leaves margin.
    new, same = ns["gauss_newton"](theta, lam)
    np.testing.assert_allclose(new, theta + np.linalg.lstsq(J, -r, rcond=None)[0], rtol=1e-8, atol=1e-8)
    assert same == lam
    new, new_lam = ns["levenberg_marquardt"](theta, lam)
    expected, expected_lam = levenberg_marquardt_reference(theta, lam, t, y)
    np.testing.assert_allclose(new, expected, rtol=1e-8, atol=1e-8)
    assert new_lam == expected_lam
    assert ns["loss"](new) < ns["loss"](theta)  # Levenberg-Marquardt keeps only improvements


def test_shown_levenberg_marquardt_shrinks_the_damping_when_accepted_and_gives_up_at_the_cap(example):
    ns = example(PAGE, "curve_fit")
    theta, lam = ns["levenberg_marquardt"](np.array([1.0, 0.0]), 1e-2)
    assert lam == pytest.approx(1e-3)  # accepted at once: the damping shrinks tenfold
    stuck = rebound(ns["levenberg_marquardt"], loss=lambda theta: 1.0)  # no step lowers this loss
    with pytest.raises(RuntimeError, match="no step lowers the loss"):
        stuck(np.array([1.0, 0.0]), 1e-2)


def test_curve_fit_counts_are_the_tables_and_the_prose(example):
    ns = example(PAGE, "curve_fit")
    t, y = curve_data()
    np.testing.assert_array_equal(ns["t"], t)  # the block and the table fit the same data
    np.testing.assert_array_equal(ns["y"], y)
    good = table_runs()[0]
    # The loop printed gradient descent, Gauss-Newton, then Levenberg-Marquardt: theta and k
    # are still bound to the last; the other two are run again.
    lm_theta, lm_k = ns["theta"], ns["k"]
    gd_theta, gd_k = ns["solve"](ns["gradient_descent"])
    gn_theta, gn_k = ns["solve"](ns["gauss_newton"])
    assert gd_k == good["gd 0.25"]["iterations"]
    assert gn_k == good["gauss-newton"]["iterations"]
    assert lm_k == good["levenberg-marquardt"]["iterations"]
    # "the fastest step on the grid in the table below"
    assert f"gd {default(ns['gradient_descent'], 'lr')}" == best_gd(good) == "gd 0.25"
    # "a handful of iterations" for Gauss-Newton and Levenberg-Marquardt, "tens to hundreds" for
    # gradient descent
    assert gn_k <= 10 and lm_k <= 10
    assert 10 <= gd_k < 1000
    for theta in (gd_theta, gn_theta, lm_theta):
        assert np.linalg.norm(residual_jacobian(theta, t).T @ residuals(theta, t, y)) < 1e-8  # the criterion
        np.testing.assert_allclose(theta, good["levenberg-marquardt"]["theta"], atol=1e-8)


# ---- first-order optimizers -------------------------------------------------------------------


@settings(max_examples=20, deadline=None)
@given(amplitude, rate)
def test_shown_optimizer_gradient_is_jt_r(example, a, b):
    ns = example(PAGE, "optimizers")
    t, y = ns["t"], ns["y"]
    theta = np.array([a, b])
    g = residual_jacobian(theta, t).T @ residuals(theta, t, y)
    np.testing.assert_allclose(ns["gradient"](theta), g, rtol=1e-12, atol=1e-12)
    # and it is the gradient of the loss: central differences, tolerance as for the curve fit
    np.testing.assert_allclose(numerical_jacobian(lambda th: loss(th, t, y), theta)[0], ns["gradient"](theta),
                               rtol=1e-6, atol=1e-5 * (1 + np.abs(g).max()))


@pytest.mark.parametrize("steps", [1, 2, 5])
def test_shown_momentum_is_pytorch_sgd_with_momentum(example, steps):
    """PyTorch: b <- mu b + grad, theta <- theta - lr b; the page's velocity is -lr b."""
    ns = example(PAGE, "optimizers")
    lr, mu, start = 0.03, 0.8, np.array([1.5, -0.5])
    theta, b = start.copy(), np.zeros(2)
    for _ in range(steps):
        b = mu * b + ns["gradient"](theta)
        theta = theta - lr * b
    got, velocity = ns["momentum"](start, lr=lr, mu=mu, steps=steps)
    np.testing.assert_allclose(got, theta, rtol=1e-12)
    np.testing.assert_allclose(velocity, -lr * b, rtol=1e-12)


@pytest.mark.parametrize(("steps", "eps"), [(1, 1e-8), (3, 1e-8), (3, 0.5)])
def test_shown_rmsprop_follows_its_update_rule(example, steps, eps):
    """Tieleman and Hinton: v <- rho v + (1 - rho) g^2, step = -lr g / (sqrt(v) + eps)."""
    ns = example(PAGE, "optimizers")
    lr, rho, start = 0.02, 0.7, np.array([1.5, -0.5])
    theta, v = start.copy(), np.zeros(2)
    for _ in range(steps):
        g = ns["gradient"](theta)
        v = rho * v + (1 - rho) * g * g
        step = -lr * g / (np.sqrt(v) + eps)
        theta = theta + step
    got, last = ns["rmsprop"](start, lr=lr, rho=rho, eps=eps, steps=steps)
    np.testing.assert_allclose(got, theta, rtol=1e-12)
    np.testing.assert_allclose(last, step, rtol=1e-12)


@pytest.mark.parametrize(("steps", "eps"), [(1, 0.0), (4, 0.0), (4, 0.5)])
def test_shown_adam_follows_kingma_and_ba(example, steps, eps):
    """Kingma and Ba, Algorithm 1 with bias-corrected moments, and for eps = 0 the paper's
    cheaper equivalent form (section 2): lr_t = lr sqrt(1 - beta2^t) / (1 - beta1^t)."""
    ns = example(PAGE, "optimizers")
    lr, beta1, beta2, start = 0.05, 0.8, 0.95, np.array([1.5, -0.5])
    theta, efficient, m, v = start.copy(), start.copy(), np.zeros(2), np.zeros(2)
    for k in range(1, steps + 1):
        g = ns["gradient"](theta)
        m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
        step = -lr * (m / (1 - beta1**k)) / (np.sqrt(v / (1 - beta2**k)) + eps)
        efficient = efficient - lr * np.sqrt(1 - beta2**k) / (1 - beta1**k) * m / np.sqrt(v)
        theta = theta + step
    got, last = ns["adam"](start, lr=lr, beta1=beta1, beta2=beta2, eps=eps, steps=steps)
    np.testing.assert_allclose(got, theta, rtol=1e-12)
    np.testing.assert_allclose(last, step, rtol=1e-12)
    if eps == 0.0:
        np.testing.assert_allclose(got, efficient, rtol=1e-12)


@pytest.mark.parametrize("name", ["momentum", "rmsprop", "adam"])
def test_shown_optimizers_read_only_the_gradient_once_per_step(example, name):
    ns = example(PAGE, "optimizers")
    calls = []

    def gradient(theta):
        calls.append(np.array(theta))
        return ns["gradient"](theta)

    rebound(ns[name], gradient=gradient)(np.array([1.0, 0.0]), steps=7)
    assert len(calls) == 7


def test_after_2000_steps_momentum_and_adam_reach_the_fit_and_rmsprop_hovers(example):
    ns = example(PAGE, "optimizers")
    optimum = table_runs()[0]["levenberg-marquardt"]["theta"]
    assert all(default(ns[name], "steps") == 2000 for name in ("momentum", "rmsprop", "adam"))
    start = np.array([1.0, 0.0])
    adam_theta, adam_last = ns["theta"], ns["last"]  # the loop ends with Adam
    momentum_theta, _ = ns["momentum"](start)
    rms_theta, rms_last = ns["rmsprop"](start)
    # "momentum and Adam reach the fit (to the digits printed)": six decimals
    np.testing.assert_array_equal(np.round(momentum_theta, 6), np.round(optimum, 6))
    np.testing.assert_array_equal(np.round(adam_theta, 6), np.round(optimum, 6))
    adam_lr, rms_lr = default(ns["adam"], "lr"), default(ns["rmsprop"], "lr")
    assert np.linalg.norm(adam_last) < 1e-10 * adam_lr and np.linalg.norm(ns["gradient"](adam_theta)) < 1e-8
    # "RMSprop still hovers near it, with steps of a size comparable to its learning rate"
    assert 1e-3 < np.linalg.norm(rms_theta - optimum) < 0.1
    assert 0.1 * rms_lr < np.linalg.norm(rms_last) < 10 * rms_lr
    assert np.linalg.norm(ns["gradient"](rms_theta)) > 1e-3
    # "about ten steps" and "about a thousand steps" of memory: 1 / (1 - decay)
    assert 1 / (1 - default(ns["rmsprop"], "rho")) == pytest.approx(10)
    assert 1 / (1 - default(ns["adam"], "beta2")) == pytest.approx(1000)


# ---- the table, the sentences and the figure ----------------------------------------------------


def test_comparison_table_counts():
    good, bad = table_runs()
    t, y = curve_data()
    optimum = good["levenberg-marquardt"]["theta"]
    assert np.linalg.norm(residual_jacobian(optimum, t).T @ residuals(optimum, t, y)) < 1e-8
    for name in ("gauss-newton", "levenberg-marquardt"):
        assert good[name]["converged"] and good[name]["iterations"] <= 10  # "a handful"
        np.testing.assert_allclose(good[name]["theta"], optimum, atol=1e-8)
    assert good["levenberg-marquardt"]["rejected"] == 0  # "its damping started small and only shrank"
    assert np.all(np.diff(good["levenberg-marquardt"]["losses"]) < 0)
    best = best_gd(good)
    assert best == "gd 0.25"
    assert good[best]["iterations"] > 5 * good["gauss-newton"]["iterations"]
    converged = [lr for lr in GD_STEPS if good[f"gd {lr}"]["converged"]]
    assert converged == [lr for lr in GD_STEPS if lr < 0.35]
    assert all(10 <= good[f"gd {lr}"]["iterations"] < 1000 for lr in converged)  # "tens to hundreds"
    # "with too large a step it oscillates without converging": a two-cycle of the loss
    losses = good["gd 0.4"]["losses"]
    assert losses[-1] == pytest.approx(losses[-3], rel=1e-9) and abs(losses[-1] - losses[-2]) > 0.1
    # from the bad start: GN fails on a singular J^T J, LM finds the fit, GD stalls elsewhere
    assert not bad["gauss-newton"]["converged"] and bad["gauss-newton"]["reason"] == "singular"
    assert bad["gauss-newton"]["theta"][1] < -1e3  # "overshoots to a huge negative b"
    assert bad["levenberg-marquardt"]["converged"] and bad["levenberg-marquardt"]["rejected"] > 0
    np.testing.assert_allclose(bad["levenberg-marquardt"]["theta"], optimum, atol=1e-8)
    assert np.all(np.diff(bad["levenberg-marquardt"]["losses"]) < 0)
    for lr in GD_STEPS:
        res = bad[f"gd {lr}"]
        assert res["converged"] and res["theta"][1] < -1e3  # a flat region, not the fit
        assert loss(res["theta"], t, y) > 10 * loss(optimum, t, y)
    for runs in (good, bad):
        for res in runs.values():
            if res["converged"]:
                assert res["losses"].size == res["iterations"] + 1  # the start, then one per step
    table = comparison_table_markdown()
    lines = table.splitlines()
    assert len(lines) == 2 + 2 + len(GD_STEPS)
    assert f"| Levenberg–Marquardt | {good['levenberg-marquardt']['iterations']} | {bad['levenberg-marquardt']['iterations']} |" in lines
    assert lines[2].startswith("| Gauss–Newton | 6 | fails at step 10: $b \\approx -2.9 \\times 10^{4}$")
    assert "| gradient descent, step 0.25 (fastest from the first start) | 55 | stalls at $b \\approx -1.6 \\times 10^{5}$ |" in lines
    assert lines[-1] == "| gradient descent, step 0.4 | does not converge in 20,000 | stalls at $b \\approx -2.6 \\times 10^{5}$ |"


def test_condition_number_at_the_fit_is_small():
    t, _ = curve_data()
    J = residual_jacobian(table_runs()[0]["gauss-newton"]["theta"], t)
    assert condition_number_at_fit() == pytest.approx(np.linalg.cond(J.T @ J), rel=1e-9)
    assert 1 < condition_number_at_fit() < 100  # "this problem is well conditioned"


def test_bad_start_facts_on_the_page():
    t, y = curve_data()
    _, bad = table_runs()
    gn, gd = bad["gauss-newton"], bad["gd 0.25"]
    J = residual_jacobian(gn["theta"], t)
    np.testing.assert_array_equal(gn["jacobian"], J)
    np.testing.assert_array_equal(J.T @ J, np.diag([1.0, 0.0]))  # only the b-column vanishes
    assert J[0, 0] == 1.0 and np.all(J[1:, 0] == 0.0)
    # J^T J + lam I is positive definite for every lam > 0, so LM's step exists
    for lam in (1e-12, 1e-6, 1.0):
        assert np.all(np.linalg.eigvalsh(J.T @ J + lam * np.eye(2)) > 0)
    # a = y_1: only the first residual is live, and its gradient a - y_1 is below the tolerance 1e-8
    assert gd["theta"][0] == pytest.approx(y[0], abs=1e-8)
    assert np.linalg.norm(residual_jacobian(gd["theta"], t).T @ residuals(gd["theta"], t, y)) < 1e-8
    text = bad_start_summary()
    assert f"$a = {gd['theta'][0]:.6f}$" in text and f"y_1 = {y[0]:.6f}" in text
    assert "\\operatorname{diag}(1, 0)" in text and f"step {gn['iterations']} at" in text
    assert "(8.3 \\times 10^{-5},\\; -2.9 \\times 10^{4})" in text and f"after {gd['iterations']} iterations" in text
    assert "b \\approx -1.6 \\times 10^{5}" in text and "(step 0.25)" in text


def test_convergence_figure_shows_the_runs():
    import matplotlib.pyplot as plt

    runs = convergence_results()
    assert list(runs) == ["gd 0.25", "gauss-newton", "levenberg-marquardt"]
    alt = convergence_alt_text()
    t, y = curve_data()
    assert f"Left: 20 data points decaying from {y[0]:.1f} to {y[-1]:.2f}," in alt
    assert "in 6 and 6 iterations" in alt and "step 0.25 needs 55" in alt and "1%" in alt
    lm, gn = runs["levenberg-marquardt"]["losses"], runs["gauss-newton"]["losses"]
    gap = np.max(np.abs(gn - lm) / gn)
    assert gn_lm_loss_gap() == pytest.approx(gap, rel=1e-12) and 0 < gap < 0.05
    assert f"within {gap:.0%} of Gauss–Newton's" in convergence_caption()
    fig = convergence_figure()
    data, curve = fig.axes[0].lines
    np.testing.assert_array_equal(data.get_xdata(), t)
    np.testing.assert_array_equal(data.get_ydata(), y)
    a, b = runs["levenberg-marquardt"]["theta"]
    np.testing.assert_allclose(curve.get_ydata(), a * np.exp(b * np.linspace(0, 2, 100)), rtol=1e-12)
    best = min(res["losses"].min() for res in runs.values())
    floor = np.finfo(float).eps * best
    for line, res in zip(fig.axes[1].lines, runs.values()):
        np.testing.assert_array_equal(line.get_xdata(), np.arange(1, res["losses"].size + 1))
        np.testing.assert_allclose(line.get_ydata(), np.maximum(res["losses"] - best, floor), rtol=1e-12)
    assert fig.axes[0].get_ylabel() == "y"
    plt.close(fig)


# ---- fit: the checked entry point of the table's runs ------------------------------------------


def test_fit_gives_up_when_gradient_descent_blows_up_or_no_step_helps():
    t, y = curve_data()
    blown = fit("gd", t, y, lr=10.0)
    assert not blown["converged"] and not np.all(np.isfinite(blown["theta"]))
    assert blown["losses"].size == blown["iterations"]  # the non-finite point has no loss
    stuck = fit("levenberg-marquardt", t, y, tol=1e-300)  # at the fit no step lowers the loss
    assert not stuck["converged"] and stuck["rejected"] > 0
    np.testing.assert_allclose(stuck["theta"], table_runs()[0]["levenberg-marquardt"]["theta"], atol=1e-8)


def test_fit_takes_lists_like_arrays():
    t, y = curve_data()
    as_lists = fit("gauss-newton", list(t), list(y), theta0=[1.0, 0.0])
    as_arrays = fit("gauss-newton", t, y, theta0=np.array([1.0, 0.0]))
    np.testing.assert_array_equal(as_lists["theta"], as_arrays["theta"])
    assert as_lists["iterations"] == as_arrays["iterations"]


T20, Y20 = curve_data()


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"method": "adam"}, ValueError, "method must be one of"),
        ({"t": np.where(np.arange(20) == 3, np.nan, T20)}, ValueError, "t must be finite"),
        ({"t": T20.reshape(4, 5), "y": Y20.reshape(4, 5)}, ValueError, "t must be a non-empty 1-D array"),
        ({"t": "abc"}, TypeError, "t must be an array of numbers"),
        ({"y": Y20[:3]}, ValueError, r"y must have shape \(20,\)"),
        ({"y": np.where(np.arange(20) == 0, np.inf, Y20)}, ValueError, "y must be finite"),
        ({"theta0": [1.0]}, ValueError, r"theta0 must have shape \(2,\)"),
        ({"theta0": [np.nan, 0.0]}, ValueError, "theta0 must be finite"),
        ({"tol": 0.0}, ValueError, "tol must be a positive"),
        ({"lr": -1.0}, ValueError, "lr must be a positive"),
        ({"lam": np.nan}, ValueError, "lam must be a positive"),
        ({"max_iter": 0}, ValueError, "max_iter must be an integer >= 1"),
        ({"max_iter": 2.5}, TypeError, "max_iter must be an integer"),
    ],
)
def test_fit_rejects_bad_input_naming_the_argument(kwargs, error, message):
    args = {"method": "gd", "t": T20, "y": Y20, **kwargs}
    with pytest.raises(error, match=message):
        fit(**args)


# ---- exercises -------------------------------------------------------------------------------


def test_exercise_hessian_of_x2y(example):
    ns = example(PAGE, "exercise_hessian")
    x, y = ns["x"], ns["y"]
    assert ns["grad"] == sp.Matrix([2 * x * y, x**2])
    assert ns["H"] == sp.hessian(x**2 * y, (x, y)) == sp.Matrix([[2 * y, 2 * x], [2 * x, 0]])
    assert ns["H"] == ns["H"].T


def test_exercise_quadratic_one_newton_step(example):
    ns = example(PAGE, "exercise_quadratic")
    A, b = ns["A"], ns["b"]
    np.testing.assert_array_equal(A, A.T)
    assert np.all(np.linalg.eigvalsh(A) > 0)  # symmetric positive definite, as the comment says
    # M M^T is a Gram matrix (positive semidefinite); the 3 I on top makes A definite
    assert np.all(np.linalg.eigvalsh(A - 3 * np.eye(3)) > -1e-12)
    np.testing.assert_allclose(ns["x1"], np.linalg.solve(A, b), rtol=1e-12)
    assert np.linalg.norm(A @ ns["x1"] - b) < 1e-12  # the printed gradient norm: zero up to rounding
    # and from any start, symbolically: x0 - A^{-1}(A x0 - b) = A^{-1} b
    a11, a12, a22, b1, b2, u1, u2 = sp.symbols("a11 a12 a22 b1 b2 u1 u2")
    S, c, x0 = sp.Matrix([[a11, a12], [a12, a22]]), sp.Matrix([b1, b2]), sp.Matrix([u1, u2])
    assert sp.simplify(x0 + S.inv() * (-(S * x0 - c)) - S.inv() * c) == sp.zeros(2, 1)


def test_exercise_linear_gauss_newton_is_least_squares(example):
    ns = example(PAGE, "exercise_linear_gn")
    A, y = ns["A"], ns["y"]
    assert np.linalg.matrix_rank(A) == 3  # full column rank: the step is defined
    np.testing.assert_allclose(ns["theta1"], np.linalg.lstsq(A, y, rcond=None)[0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(A.T @ (A @ ns["theta1"] - y), 0, atol=1e-12)  # the normal equations
    # symbolically: the normal-equation solution makes the gradient A^T (A theta - y) vanish
    A_s, y_s = sp.Matrix(3, 2, [1, 2, 0, 1, 1, -1]), sp.Matrix([1, 0, 2])
    theta = (A_s.T * A_s).solve(A_s.T * y_s)
    assert sp.simplify(A_s.T * (A_s * theta - y_s)) == sp.zeros(2, 1)
