"""docs/second-order.md: the Hessian as the Jacobian of the gradient; Newton, Gauss-Newton and
Levenberg-Marquardt against gradient descent; what first-order optimizers consume.

Every claim of the page is checked on the objects its examples make (snippets/second_order/):
the shown gradients, Hessians, Newton's method, the Hessian-vector and Gauss-Newton products
and the three curve-fit steps as functions on many inputs, against SymPy or finite
differences; the optimizers against their published update rules, and the swap experiment; the
iteration counts, eigenvalues and step-size windows the prose and the table state, computed; the
cross-entropy Hessian against SymPy; the network's HVP, GGN product and power iteration against
JAX and finite differences; and the table, the sentences and the figure of the page
(snippets/second_order/tables.py, figures.py) on the runs of curve_fits.py.
"""

from __future__ import annotations

import inspect
import types

import jax
import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import example as hypothesis_example
from hypothesis import strategies as st

from snippets.second_order.curve_fits import GD_STEPS, STARTS, best_gd, curve_data, fit, loss_hessian, table_runs
from snippets.second_order.figures import (convergence_alt_text, convergence_caption, convergence_figure,
                                           convergence_results, gn_lm_loss_gap)
from snippets.second_order.tables import (bad_start_summary, comparison_table_markdown, condition_number_at_fit,
                                          curvature_numbers, curvature_summary)
from snippets.shared.finite_differences import numerical_jacobian
from snippets.shared.running_example import seed_f_sympy, seed_symbols

PAGE = "second_order"
coordinate = st.floats(min_value=-2, max_value=2, allow_nan=False, allow_infinity=False)
amplitude = st.floats(min_value=0.5, max_value=3, allow_nan=False, allow_infinity=False)
rate = st.floats(min_value=-2, max_value=3, allow_nan=False, allow_infinity=False)
T20, Y20 = curve_data()
# Independent references: SymPy's derivatives of Rosenbrock's function and of a exp(b t).
X, Y, A_, B_, T_ = sp.symbols("x y a b t")
ROSENBROCK = (1 - X) ** 2 + 100 * (Y - X**2) ** 2
rosenbrock_grad = sp.lambdify([(X, Y)], sp.Array([ROSENBROCK.diff(X), ROSENBROCK.diff(Y)]), "numpy")  # of a point
rosenbrock_hessian = sp.lambdify([(X, Y)], sp.hessian(ROSENBROCK, (X, Y)), "numpy")
_residual_row = sp.lambdify((A_, B_, T_), [sp.diff(A_ * sp.exp(B_ * T_), v) for v in (A_, B_)], "numpy")


def residuals(theta) -> np.ndarray:  # r_i = a exp(b t_i) - y_i, the model the page states
    return theta[0] * np.exp(theta[1] * T20) - Y20


def residual_jacobian(theta) -> np.ndarray:  # J_r, row i = the SymPy gradient of a exp(b t_i) in (a, b)
    return np.column_stack(_residual_row(theta[0], theta[1], T20))


def loss(theta) -> float:
    return 0.5 * float(residuals(theta) @ residuals(theta))


def rebound(function: types.FunctionType, **names) -> types.FunctionType:  # sees names, globals untouched
    return types.FunctionType(function.__code__, {**function.__globals__, **names}, function.__name__,
                              function.__defaults__, function.__closure__)


def sci(value: float) -> str:  # -2.9 \times 10^{4}: how the page writes a run's number
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa} \\times 10^{{{int(exponent)}}}"


def default(function, name: str):
    return inspect.signature(function).parameters[name].default


def test_hessian_symbolically_and_numerically_at_the_classic_start(example):
    ns, num = example(PAGE, "hessian_sympy"), example(PAGE, "hessian_numeric")
    x, y, H = ns["x"], ns["y"], ns["H"]
    f = (1 - x) ** 2 + 100 * (y - x**2) ** 2
    assert sp.expand(ns["f"] - f) == 0
    assert ns["grad"].shape == (2, 1) and sp.expand(ns["grad"] - sp.Matrix([f.diff(x), f.diff(y)])) == sp.zeros(2, 1)
    assert sp.expand(H - sp.hessian(f, (x, y))) == sp.zeros(2, 2) and H == H.T  # symmetric
    # the matrix worked by hand, and its value at the classic start (-1.2, 1)
    assert sp.expand(H) == sp.Matrix([[1200 * x**2 - 400 * y + 2, -400 * x], [-400 * x, 200]])
    assert H.subs({x: sp.Rational(-6, 5), y: 1}) == sp.Matrix([[1330, 480], [480, 200]])
    np.testing.assert_array_equal(num["p"], [-1.2, 1.0])
    # truncation h^2/6 max |d^3 grad_i / dx_j^3| = h^2/6 max |d^4 f / dx_i dx_j^3| = "about 4 x 10^-10"
    fourth = max(abs(ROSENBROCK.diff(v, w, w, w)) for v in (X, Y) for w in (X, Y))
    assert num["h"] == 1e-6 and f"{num['h'] ** 2 / 6 * float(fourth):.0e}" == "4e-10"
    # round-off eps M / h with M = 400|x|^3 ~ 691, the largest term of the expanded first entry
    eps, entry = np.finfo(float).eps, abs(float(ROSENBROCK.diff(X).subs({X: -1.2, Y: 1})))
    assert sp.expand(ROSENBROCK.diff(X)) == 2 * X - 2 - 400 * X * Y + 400 * X**3 and f"{eps:.1e}" == "2.2e-16"
    assert num["largest_term"] == 400 * 1.2**3 and round(num["largest_term"]) == 691
    assert round(entry) == 216 and round(num["largest_term"] / entry) == 3  # "three times the entry"
    assert num["round_off"] == eps * num["largest_term"] / num["h"]
    assert num["difference"] == np.max(np.abs(num["H_fd"] - rosenbrock_hessian(num["p"])))
    assert num["round_off"] / 3 < num["difference"] < 3 * num["round_off"]  # "the difference matches it"


@settings(max_examples=30, deadline=None)
@given(st.tuples(coordinate, coordinate), st.tuples(coordinate, coordinate), st.integers(min_value=2, max_value=4))
def test_shown_gradients_hessians_hvp_and_dual_numbers_are_sympys(example, point, direction, k):
    (p, v), H, ns = np.array([point, direction]), rosenbrock_hessian(point), example(PAGE, "hvp")
    for name in ("hessian_numeric", "newton", "hvp"):  # same formulas, rounding of terms up to ~5e3
        shown = example(PAGE, name)
        np.testing.assert_allclose(np.array(shown["grad"](p), float), rosenbrock_grad(p), rtol=1e-12, atol=1e-9)
        if name != "hvp":
            np.testing.assert_allclose(shown["hessian"](p), H, rtol=1e-12, atol=1e-9)
    # dual numbers are exact up to rounding of terms of size <= ~1e4 |v|
    np.testing.assert_allclose(ns["hvp"](p, v), H @ v, rtol=1e-12, atol=1e-9 * (1 + np.abs(v).max()))
    # H v is the JVP of the gradient: h = 1e-5 gives truncation ~ h^2 2400 |v|^3 / 6 ~ 3e-7, round-off ~1e-7
    along = (rosenbrock_grad(p + 1e-5 * v) - rosenbrock_grad(p - 1e-5 * v)) / 2e-5
    np.testing.assert_allclose(ns["hvp"](p, v), along, atol=1e-5)
    # Dual beyond Rosenbrock (any constant power, exp, both operand orders), seeded with tangent v_0
    s, a = sp.Symbol("s"), 1.25 + abs(p[0])
    D, expression = ns["Dual"](a, v[0]), (3 - s) * s**k + np.e * (s - 2) * sp.exp(s) - 4 * s + 1
    value = (3 - D) * D**k + (D - 2) * np.exp(D) * np.e - 4 * D + 1
    assert value.value == pytest.approx(float(expression.subs(s, a)), rel=1e-12, abs=1e-12)
    assert value.tangent == pytest.approx(v[0] * float(expression.diff(s).subs(s, a)), rel=1e-12, abs=1e-11)


@settings(max_examples=30, deadline=None)
@given(coordinate, coordinate)
def test_shown_newton_solves_the_newton_system_at_every_step(example, px, py):
    assume(abs(80000 * (px**2 - py) + 400) > 10)  # det of the Rosenbrock Hessian: not (near) singular
    path = example(PAGE, "newton")["newton"](rosenbrock_grad, rosenbrock_hessian, np.array([px, py]), max_steps=3)
    assert 1 <= len(path) <= 4  # a start at the minimum (1, 1) takes no step
    for p, q in zip(path, path[1:]):
        H, g = rosenbrock_hessian(p), rosenbrock_grad(p)
        # d = q - p solves H d = -g up to solve()'s backward error ~ eps |H| |d| and the rounding of q = p + d
        scale = np.abs(H).max() * (np.abs(q - p).max() + np.abs(p).max()) + np.abs(g).max()
        np.testing.assert_allclose(H @ (q - p), -g, rtol=0, atol=1e-12 * scale)
        assert np.linalg.norm(g) >= 1e-10  # it steps only while the gradient is not yet small
        assert np.linalg.eigvalsh(H).min() <= 0 or g @ (q - p) < 0  # positive definite: downhill
    assert len(path) == 4 or np.linalg.norm(rosenbrock_grad(path[-1])) < 1e-10  # stopped early: gradient < tol


def test_newton_from_the_classic_start_converges_quadratically(example):
    ns = example(PAGE, "newton")
    path = np.array(ns["path"])
    np.testing.assert_array_equal(path[0], [-1.2, 1.0])
    # the printed run is Newton's method: the same iterates with SymPy's gradient and Hessian
    reference = np.array(ns["newton"](rosenbrock_grad, rosenbrock_hessian, np.array([-1.2, 1.0])))
    assert reference.shape == path.shape and len(path) < 12
    np.testing.assert_allclose(path, reference, atol=1e-9)
    errors = np.linalg.norm(path - 1.0, axis=1)
    tail = [e for e in errors if 0 < e < 0.1]
    assert errors[-1] == 0.0  # "until it is zero in floating point"
    # "the distance roughly squares at each step": e_{k+1} <= e_k^2; linear convergence fails this
    assert len(tail) >= 3 and all(b <= a**2 for a, b in zip(tail, tail[1:]))
    grads = [np.linalg.norm(rosenbrock_grad(p)) for p in path]
    assert any(b > a for a, b in zip(grads, grads[1:]))  # "the gradient norm goes up at some steps"
    assert grads[-1] < 1e-10 <= min(grads[:-1])
    assert all(b <= 1e-2 * a for a, b in zip(grads[-4:], grads[-3:]))  # then orders of magnitude per step
    # "the step can point uphill" where the Hessian is indefinite: at (0, 0.01), eigenvalues -2 and 200
    p = np.array([0.0, 0.01])
    step = ns["newton"](rosenbrock_grad, rosenbrock_hessian, p, max_steps=1)[1] - p
    assert np.linalg.eigvalsh(rosenbrock_hessian(p))[0] < 0 < rosenbrock_grad(p) @ step


def test_hvp_block_products_agree_with_the_formed_matrices(example):
    ns = example(PAGE, "hvp")
    p, v, J = ns["p"], ns["v"], ns["J"]
    np.testing.assert_array_equal(p, [-1.2, 1.0])  # the classic start, as in the Newton block
    np.testing.assert_array_equal(ns["H"], rosenbrock_hessian(p))
    np.testing.assert_allclose(ns["hvp"](p, v), ns["H"] @ v, rtol=1e-13)
    np.testing.assert_array_equal(np.array([ns["t"], ns["y"]]), [T20, Y20])  # the curve fit of the next section
    np.testing.assert_allclose(J, residual_jacobian(ns["theta"]), rtol=1e-15)
    np.testing.assert_allclose(ns["gauss_newton_product"](ns["theta"], v), J.T @ J @ v, rtol=1e-12)


def lm_reference(theta, lam):
    """One accepted LM step: d minimizes |J d + r|^2 + lam |d|^2; lam x 10 until the loss drops, then / 10."""
    J, r = residual_jacobian(theta), residuals(theta)
    while True:
        d = np.linalg.lstsq(np.vstack([J, np.sqrt(lam) * np.eye(2)]), np.concatenate([-r, np.zeros(2)]), rcond=None)[0]
        if loss(theta + d) < loss(theta):
            return theta + d, lam / 10
        lam *= 10


@settings(max_examples=30, deadline=None)
@given(amplitude, rate, st.sampled_from([1e-4, 1e-2, 1.0, 1e2]), st.tuples(coordinate, coordinate))
@hypothesis_example(1.0, 0.0, 1e-2, (1.0, 2.0))  # the good start
@hypothesis_example(1.0, 3.0, 1e-2, (1.0, 2.0))  # the bad start
@hypothesis_example(0.5, -2.0, 1e-2, (1.0, 2.0))  # a point where the first trial step is rejected
def test_shown_residuals_gradients_and_steps(example, a, b, lam, direction):
    ns, hvp, opt = example(PAGE, "curve_fit"), example(PAGE, "hvp"), example(PAGE, "optimizers")
    theta, v, r, J = np.array([a, b]), np.array(direction), residuals([a, b]), residual_jacobian([a, b])
    g = J.T @ r
    for shown in (ns["r"], hvp["r"]):
        np.testing.assert_allclose(shown(theta), r, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(ns["J"](theta), J, rtol=1e-13)
    assert ns["loss"](theta) == pytest.approx(0.5 * r @ r, rel=1e-13)
    np.testing.assert_allclose(opt["gradient"](theta), g, rtol=1e-12, atol=1e-12)
    # one JVP then one VJP, exact up to rounding of sums of 20 terms of size |J|^2 |v|
    np.testing.assert_allclose(hvp["gauss_newton_product"](theta, v), J.T @ (J @ v),
                               rtol=1e-11, atol=1e-11 * (1 + np.abs(J.T @ J).max()))
    # J^T r is the loss's gradient: central differences (h = 6e-6) of a loss < 1e5 err by ~ eps 1e5 / h ~ 4e-6
    np.testing.assert_allclose(numerical_jacobian(loss, theta)[0], g, rtol=1e-6, atol=1e-5 * (1 + np.abs(g).max()))
    (gd, gd_lam), (gn, gn_lam) = ns["gradient_descent"](theta, lam), ns["gauss_newton"](theta, lam)
    np.testing.assert_allclose(gd, theta - default(ns["gradient_descent"], "lr") * g, rtol=1e-12, atol=1e-12)
    # GN is the least-squares solution of J d = -r; the normal equations lose ~cond(J)^2 <= 1e6, so 1e-8
    np.testing.assert_allclose(gn, theta + np.linalg.lstsq(J, -r, rcond=None)[0], rtol=1e-8, atol=1e-8)
    (lm, lm_lam), (expected, expected_lam) = ns["levenberg_marquardt"](theta, lam), lm_reference(theta, lam)
    np.testing.assert_allclose(lm, expected, rtol=1e-8, atol=1e-8)
    assert gd_lam == gn_lam == lam and lm_lam == expected_lam
    assert ns["loss"](lm) < ns["loss"](theta)  # Levenberg-Marquardt keeps only improvements


def test_curve_fit_counts_are_the_tables_and_the_prose(example):
    ns, good = example(PAGE, "curve_fit"), table_runs()[0]
    np.testing.assert_array_equal(np.array([ns["t"], ns["y"]]), [T20, Y20])  # the block and the table: same data
    # the loop ends with Levenberg-Marquardt, so theta and k are its; the other two are run again
    (gd_theta, gd_k), (gn_theta, gn_k) = ns["solve"](ns["gradient_descent"]), ns["solve"](ns["gauss_newton"])
    assert [gd_k, gn_k, ns["k"]] == [good[m]["iterations"] for m in ("gd 0.25", "gauss-newton", "levenberg-marquardt")]
    # "the fastest step on the grid in the table below"
    assert f"gd {default(ns['gradient_descent'], 'lr')}" == best_gd(good) == "gd 0.25"
    assert gn_k <= 10 and ns["k"] <= 10 and 10 <= gd_k < 1000  # "a handful"; "tens to hundreds"
    for theta in (gd_theta, gn_theta, ns["theta"]):
        assert np.linalg.norm(residual_jacobian(theta).T @ residuals(theta)) < 1e-8  # the criterion
        np.testing.assert_allclose(theta, good["levenberg-marquardt"]["theta"], atol=1e-8)
    with pytest.raises(RuntimeError, match="no step lowers the loss"):  # the cap, on a loss no step lowers
        rebound(ns["levenberg_marquardt"], loss=lambda theta: 1.0)(np.array([1.0, 0.0]), 1e-2)


def optimizer_reference(name, gradient, theta, steps, lr, mu=0.0, rho=0.0, beta1=0.0, beta2=0.0, eps=0.0):
    """PyTorch's SGD momentum (velocity = -lr b), Tieleman and Hinton's RMSprop, Kingma and Ba's Adam."""
    b, m, v = np.zeros(2), np.zeros(2), np.zeros(2)
    for k in range(1, steps + 1):
        g, decay = gradient(theta), rho or beta2
        b, m, v = mu * b + g, beta1 * m + (1 - beta1) * g, decay * v + (1 - decay) * g * g
        theta = theta + (step := -lr * b if name == "momentum" else -lr * g / (np.sqrt(v) + eps) if name == "rmsprop"
                         else -lr * (m / (1 - beta1**k)) / (np.sqrt(v / (1 - beta2**k)) + eps))
    return theta, step


@pytest.mark.parametrize(("name", "steps", "kwargs"), [
    ("momentum", 1, {"lr": 0.03, "mu": 0.8}), ("momentum", 5, {"lr": 0.03, "mu": 0.8}),
    ("rmsprop", 1, {"lr": 0.02, "rho": 0.7, "eps": 1e-8}), ("rmsprop", 3, {"lr": 0.02, "rho": 0.7, "eps": 0.5}),
    ("adam", 1, {"lr": 0.05, "beta1": 0.8, "beta2": 0.95, "eps": 0.0}),
    ("adam", 4, {"lr": 0.05, "beta1": 0.8, "beta2": 0.95, "eps": 0.5}),
])
def test_shown_optimizers_follow_their_update_rules_reading_only_the_gradient(example, name, steps, kwargs):
    ns, calls = example(PAGE, "optimizers"), []
    counted = rebound(ns[name], gradient=lambda theta: calls.append(1) or ns["gradient"](theta))
    got, last = counted(np.array([1.5, -0.5]), steps=steps, **kwargs)
    assert len(calls) == steps  # one gradient per step, and nothing else
    theta, step = optimizer_reference(name, ns["gradient"], np.array([1.5, -0.5]), steps, **kwargs)
    np.testing.assert_allclose(got, theta, rtol=1e-12)
    np.testing.assert_allclose(last, step, rtol=1e-12)


def test_after_2000_steps_momentum_and_adam_reach_the_fit_and_rmsprop_hovers(example):
    ns, optimum = example(PAGE, "optimizers"), table_runs()[0]["levenberg-marquardt"]["theta"]
    assert all(default(ns[name], "steps") == 2000 for name in ("momentum", "rmsprop", "adam"))
    (adam_theta, adam_last), (momentum_theta, _), (rms_theta, rms_last) = (
        ns[name](np.array([1.0, 0])) for name in ("adam", "momentum", "rmsprop"))
    # "momentum and Adam reach the fit (to the digits printed)": six decimals
    np.testing.assert_array_equal(np.round([momentum_theta, adam_theta], 6), np.round([optimum, optimum], 6))
    assert np.linalg.norm(adam_last) < 1e-10 * default(ns["adam"], "lr")
    assert np.linalg.norm(ns["gradient"](adam_theta)) < 1e-8
    # "RMSprop still hovers near it, with steps of a size comparable to its learning rate"
    assert 1e-3 < np.linalg.norm(rms_theta - optimum) < 0.1 and np.linalg.norm(ns["gradient"](rms_theta)) > 1e-3
    assert 0.1 < np.linalg.norm(rms_last) / default(ns["rmsprop"], "lr") < 10
    # "about ten steps" and "about a thousand steps" of memory: 1 / (1 - decay)
    assert 1 / (1 - default(ns["rmsprop"], "rho")) == pytest.approx(10)
    assert 1 / (1 - default(ns["adam"], "beta2")) == pytest.approx(1000)
    # the swap: RMSprop with Adam's memory converges, Adam with RMSprop's hovers, Adam without momentum converges
    (_, rms, rms_set), (_, adam, adam_set), (_, adam_b1, b1_set) = ns["swaps"]
    assert rms is ns["rmsprop"] and adam is adam_b1 is ns["adam"] and b1_set == {"beta1": 0.0}
    assert rms_set == {"rho": default(adam, "beta2")} and adam_set == {"beta2": default(rms, "rho")}
    grad_norms = [np.linalg.norm(ns["gradient"](opt(np.array([1.0, 0]), **kw)[0])) for _, opt, kw in ns["swaps"]]
    assert grad_norms[0] < 1e-8 and grad_norms[1] > 1e-3 and grad_norms[2] < 1e-8


def test_comparison_table_and_bad_start_sentences():
    good, bad = table_runs()
    optimum = good["levenberg-marquardt"]["theta"]
    assert np.linalg.norm(residual_jacobian(optimum).T @ residuals(optimum)) < 1e-8
    assert all(good[m]["converged"] and good[m]["iterations"] <= 10 for m in ("gauss-newton", "levenberg-marquardt"))
    np.testing.assert_allclose(good["gauss-newton"]["theta"], optimum, atol=1e-8)  # "a handful", both at the fit
    assert good["levenberg-marquardt"]["rejected"] == 0  # "its damping started small and only shrank"
    converged = [lr for lr in GD_STEPS if good[f"gd {lr}"]["converged"]]
    assert all(10 <= good[f"gd {lr}"]["iterations"] < 1000 for lr in converged)  # "tens to hundreds"
    losses = good["gd 0.4"]["losses"]  # outside the window it oscillates without converging: a two-cycle
    assert losses[-1] == pytest.approx(losses[-3], rel=1e-9) and abs(losses[-1] - losses[-2]) > 0.1
    # from the bad start: GN fails on a singular J^T J, LM finds the fit, GD stalls elsewhere
    gn, lm, gd = bad["gauss-newton"], bad["levenberg-marquardt"], bad["gd 0.25"]
    assert not gn["converged"] and gn["reason"] == "singular" and gn["theta"][1] < -1e3  # "a huge negative b"
    assert lm["converged"] and lm["rejected"] > 0
    np.testing.assert_allclose(lm["theta"], optimum, atol=1e-8)
    assert all(np.all(np.diff(res["losses"]) < 0) for res in (lm, good["levenberg-marquardt"]))
    for res in (bad[f"gd {lr}"] for lr in GD_STEPS):  # a flat region, not the fit
        assert res["converged"] and res["theta"][1] < -1e3 and loss(res["theta"]) > 10 * loss(optimum)
    for res in [*good.values(), *bad.values()]:  # the start, then one loss per step
        assert not res["converged"] or res["losses"].size == res["iterations"] + 1
    lines = comparison_table_markdown().splitlines()
    assert len(lines) == 2 + 2 + len(GD_STEPS)
    assert f"| Levenberg–Marquardt | {good['levenberg-marquardt']['iterations']} | {lm['iterations']} |" in lines
    # where GN fails is rounding noise: on the way it solves systems with cond(J^T J) > 1 / eps, so compute it
    theta, conds = np.array(STARTS[1]), []
    for _ in range(gn["iterations"]):
        J = residual_jacobian(theta)
        conds.append(np.linalg.cond(J.T @ J))
        theta = theta + np.linalg.solve(J.T @ J, -J.T @ residuals(theta))
    np.testing.assert_array_equal(theta, gn["theta"])
    assert max(conds) > 1 / np.finfo(float).eps
    gn_b, gd_b, gd4_b = (sci(res["theta"][1]) for res in (gn, gd, bad["gd 0.4"]))
    assert lines[2].startswith(f"| Gauss–Newton | 6 | fails at step {gn['iterations']}: $b \\approx {gn_b}$")
    assert (f"| gradient descent, step 0.25 (fastest from the first start) | 55 | stalls at $b \\approx {gd_b}$ |"
            in lines)
    assert lines[-1] == (f"| gradient descent, step 0.4 | does not converge in 20,000 | "
                         f"stalls at $b \\approx {gd4_b}$ |")
    J, kappa = residual_jacobian(good["gauss-newton"]["theta"]), condition_number_at_fit()
    assert 1 < kappa < 100 and kappa == pytest.approx(np.linalg.cond(J.T @ J), rel=1e-9)  # "well conditioned"
    J = residual_jacobian(gn["theta"])
    np.testing.assert_array_equal(gn["jacobian"], J)
    np.testing.assert_array_equal(J.T @ J, np.diag([1.0, 0.0]))  # only the b-column vanishes
    assert J[0, 0] == 1.0 and np.all(J[1:, 0] == 0.0)
    # J^T J + lam I is positive definite for every lam > 0, so LM's step exists
    assert all(np.all(np.linalg.eigvalsh(J.T @ J + lam * np.eye(2)) > 0) for lam in (1e-12, 1e-6, 1.0))
    # a = y_1: only the first residual is live, and its gradient a - y_1 is below the tolerance 1e-8
    assert gd["theta"][0] == pytest.approx(Y20[0], abs=1e-8)
    assert np.linalg.norm(residual_jacobian(gd["theta"]).T @ residuals(gd["theta"])) < 1e-8
    text = bad_start_summary()
    assert f"$a = {gd['theta'][0]:.6f}$" in text and f"y_1 = {Y20[0]:.6f}" in text
    assert "\\operatorname{diag}(1, 0)" in text and f"step {gn['iterations']} at" in text
    assert f"({sci(gn['theta'][0])},\\; {gn_b})" in text and f"after {gd['iterations']} iterations" in text
    assert f"b \\approx {gd_b}" in text and "(step 0.25)" in text


def test_convergence_figure_shows_the_runs():
    import matplotlib.pyplot as plt

    runs, alt = convergence_results(), convergence_alt_text()
    assert list(runs) == ["gd 0.25", "gauss-newton", "levenberg-marquardt"]
    assert f"Left: 20 data points decaying from {Y20[0]:.1f} to {Y20[-1]:.2f}," in alt
    assert "in 6 iterations each" in alt and "1%" in alt
    assert "step 0.25 needs 55; its loss first rises, from 3.76 to 10.47, then falls." in alt
    lm, gn = runs["levenberg-marquardt"]["losses"], runs["gauss-newton"]["losses"]
    gap = np.max(np.abs(gn - lm) / gn)
    assert gn_lm_loss_gap() == pytest.approx(gap, rel=1e-12) and 0 < gap < 0.05
    assert f"within {gap:.0%} of Gauss–Newton's" in convergence_caption()
    fig = convergence_figure()
    (data, curve), (a, b) = fig.axes[0].lines, runs["levenberg-marquardt"]["theta"]
    np.testing.assert_array_equal(np.array([data.get_xdata(), data.get_ydata()]), [T20, Y20])
    np.testing.assert_allclose(curve.get_ydata(), a * np.exp(b * np.linspace(0, 2, 100)), rtol=1e-12)
    best = min(res["losses"].min() for res in runs.values())
    for line, res in zip(fig.axes[1].lines, runs.values()):  # loss above its minimum, floored at eps * minimum
        np.testing.assert_array_equal(line.get_xdata(), np.arange(1, res["losses"].size + 1))
        np.testing.assert_allclose(line.get_ydata(), np.maximum(res["losses"] - best, 2.0**-52 * best), rtol=1e-12)
    assert fig.axes[0].get_ylabel() == "y"
    plt.close(fig)


def test_fit_gives_up_when_stuck_and_takes_lists():
    blown = fit("gd", T20, Y20, lr=10.0)  # gradient descent blows up; the non-finite point has no loss
    assert not blown["converged"] and not np.all(np.isfinite(blown["theta"]))
    assert blown["losses"].size == blown["iterations"]
    stuck = fit("levenberg-marquardt", T20, Y20, tol=1e-300)  # at the fit no step lowers the loss
    assert not stuck["converged"] and stuck["rejected"] > 0
    np.testing.assert_allclose(stuck["theta"], table_runs()[0]["levenberg-marquardt"]["theta"], atol=1e-8)
    lists, arrays = fit("gauss-newton", list(T20), list(Y20), theta0=[1.0, 0.0]), fit("gauss-newton", T20, Y20)
    assert np.array_equal(lists["theta"], arrays["theta"]) and lists["iterations"] == arrays["iterations"]


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"method": "adam"}, ValueError, "method must be one of"), ({"t": "abc"}, TypeError, "t must be an array of"),
    ({"t": np.where(np.arange(20) == 3, np.nan, T20)}, ValueError, "t must be finite"),
    ({"t": T20.reshape(4, 5), "y": Y20.reshape(4, 5)}, ValueError, "t must be a non-empty 1-D array"),
    ({"y": Y20[:3]}, ValueError, r"y must have shape \(20,\)"), ({"theta0": [np.nan, 0]}, ValueError, "theta0 must"),
    ({"y": np.where(np.arange(20) == 0, np.inf, Y20)}, ValueError, "y must be finite"),
    ({"theta0": [1.0]}, ValueError, r"theta0 must have shape \(2,\)"), ({"lam": np.nan}, ValueError, "lam must be a"),
    ({"tol": 0.0}, ValueError, "tol must be a positive"), ({"lr": -1.0}, ValueError, "lr must be a positive"),
    ({"max_iter": 0}, ValueError, "max_iter must be an integer >= 1"), ({"max_iter": 2.5}, TypeError, "max_iter must"),
])
def test_fit_rejects_bad_input_naming_the_argument(kwargs, error, message):
    with pytest.raises(error, match=message):
        fit(**{"method": "gd", "t": T20, "y": Y20, **kwargs})


def test_gradient_descent_window_from_the_hessian_eigenvalues():
    c, good, (a, b) = curvature_numbers(), table_runs()[0], sp.symbols("a b")
    # loss_hessian against SymPy's Hessian of 1/2 sum r_i^2 on all 20 samples, at three points
    half_sum = sum((a * sp.exp(b * sp.Float(ti)) - sp.Float(yi)) ** 2 for ti, yi in zip(T20, Y20)) / 2
    hessian = sp.lambdify((a, b), sp.hessian(half_sum, (a, b)), "numpy")
    optimum = good["gauss-newton"]["theta"]
    for theta in (STARTS[0], optimum, (1.7, -0.9)):
        np.testing.assert_allclose(loss_hessian(theta, T20, Y20), hessian(*theta), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(c["fit"], np.linalg.eigvalsh(hessian(*optimum)), rtol=1e-12)
    lo, hi = c["fit"]
    assert c["window"] == 2 / hi and c["best"] == 2 / (lo + hi) and c["start"][0] < 0 < c["start"][1]
    # converges exactly for the steps inside the window; iterations rank as the factors |1 - lr lam| do
    inside = [lr for lr in GD_STEPS if lr < c["window"]]
    assert [lr for lr in GD_STEPS if good[f"gd {lr}"]["converged"]] == inside and max(GD_STEPS) > c["window"]
    assert all(c["factor"][lr] == max(abs(1 - lr * lo), abs(1 - lr * hi)) for lr in GD_STEPS)
    by_count = sorted(inside, key=lambda lr: good[f"gd {lr}"]["iterations"])
    assert by_count == sorted(inside, key=c["factor"].get) and by_count[0] == 0.25  # nearest to c["best"]
    assert c["rises"] == [lr for lr in GD_STEPS if lr >= 0.1]  # "every step from 0.1 up raises the loss"
    np.testing.assert_array_equal(c["first"], good["gd 0.25"]["losses"][:2])
    text = curvature_summary()
    for part in ("$\\lambda_{\\min} = 1.31$", "$\\lambda_{\\max} = 6.62$", "= 0.302$", "= 0.252$", "from 0.1 up",
                 "factor 0.674 with step 0.25 (55 iterations)", "only 0.987 with step 0.3 (745 iterations)",
                 "step 0.4 lies outside", "are $-1.23$ and $67.5$", "10 times the fit's largest", "3.76 to 10.47"):
        assert part in text, part


def test_cross_entropy_hessian_is_the_softmax_jacobian_and_the_fisher(example):
    ns, z, t = example(PAGE, "cross_entropy_hessian"), sp.symbols("z1:4"), sp.symbols("t1:4")
    s = sp.Matrix([sp.exp(zi) / sum(sp.exp(zk) for zk in z) for zi in z])
    ell = -sum(ti * sp.log(si) for ti, si in zip(t, s))
    softmax_jacobian = sp.diag(*s) - s * s.T
    # the Hessian in the logits is diag(s) - s s^T whenever sum t = 1: the target drops out
    difference = (sp.hessian(ell, z) - softmax_jacobian).subs(t[2], 1 - t[0] - t[1])
    assert sp.simplify(difference) == sp.zeros(3, 3)
    # Fisher: sum_y s_y (s - e_y)(s - e_y)^T = diag(s) - s s^T, for any probabilities (s3 = 1 - s1 - s2)
    p = sp.Matrix(sp.symbols("p1 p2") + (1 - sum(sp.symbols("p1 p2")),))
    fisher = sum((p[y] * (p - sp.eye(3)[:, y]) * (p - sp.eye(3)[:, y]).T for y in range(3)), sp.zeros(3, 3))
    assert sp.expand(fisher - sp.diag(*p) + p * p.T) == sp.zeros(3, 3)
    at = {**dict(zip(z, ns["z"])), **dict(zip(t, ns["t"]))}
    np.testing.assert_allclose(ns["softmax_jacobian"], np.array(softmax_jacobian.subs(at), float), rtol=1e-14)
    np.testing.assert_allclose(ns["gradient"](ns["z"]), np.array(sp.Matrix([ell]).jacobian(z).subs(at), float)[0],
                               rtol=1e-14, atol=1e-15)
    # h = 1e-6 on a gradient of size <= 1: round-off ~ eps / h ~ 2e-10, truncation ~ h^2 ~ 1e-12
    assert ns["difference"] == np.max(np.abs(ns["hessian_fd"] - ns["softmax_jacobian"])) < 1e-9
    assert ns["fisher_difference"] < 1e-15
    # positive semidefinite: u^T J u is the variance of u under the probabilities s
    u = np.random.default_rng(0).normal(size=3)
    assert u @ ns["softmax_jacobian"] @ u == pytest.approx(ns["s"] @ u**2 - (ns["s"] @ u) ** 2, rel=1e-12)


def test_network_hvp_ggn_and_power_iteration_against_jax_and_finite_differences(example):
    ns, bp = example(PAGE, "mlp_hessian"), example("backprop", "model")
    X, labels, theta, grad_and_hvp, B = ns["X"], ns["labels"], ns["theta"], ns["grad_and_hvp"], ns["B"]
    # the backprop page's network, data and initialization; the same gradient as its backward pass
    params, flat = bp["init_params"](), lambda d: np.concatenate([d[k].ravel() for k in ("W1", "b1", "W2", "b2")])
    assert all(np.array_equal(a, b) for a, b in zip((X, labels, theta), (*bp["make_spirals"](), flat(params))))
    np.testing.assert_allclose(grad_and_hvp(theta, 0 * theta)[0], flat(bp["backward"](
        params, bp["forward"](params, X, labels)[1])), rtol=1e-12, atol=1e-16)

    def logits(th):
        W1, b1, W2, b2 = th[:32].reshape(16, 2), th[32:48], th[48:96].reshape(3, 16), th[96:]
        return jax.numpy.tanh(X @ W1.T + b1) @ W2.T + b2

    def loss(th):
        return -jax.nn.log_softmax(logits(th))[np.arange(B), labels].mean()

    rng = np.random.default_rng(5)
    with jax.enable_x64(True):
        H = np.asarray(jax.jit(jax.hessian(loss))(theta))
        points = [(theta, rng.normal(size=99)), *((rng.normal(size=99), rng.normal(size=99)) for _ in range(2))]
        for k, (th, v) in enumerate(points):
            g, Hv = jax.jvp(jax.grad(loss), (th,), (v,))
            Jz, S = np.asarray(jax.jacfwd(logits)(th)), np.asarray(jax.nn.softmax(logits(th)))
            # GGN = sum_b J_b^T (diag(s_b) - s_b s_b^T) J_b / B, from JAX's logit Jacobian
            H_L = (S[:, :, None] * np.eye(3) - S[:, :, None] * S[:, None, :]) / B
            GGN = np.einsum("bip,bij,bjq->pq", Jz, H_L, Jz)
            ours, (_, ggn_v) = grad_and_hvp(th, v), grad_and_hvp(th, v, gauss_newton=True)
            for got, want in [(ours[0], g), (ours[1], Hv), (ggn_v, GGN @ v)]:  # sums of 300 terms of size ~1
                np.testing.assert_allclose(got, np.asarray(want), rtol=1e-10, atol=1e-12)
            if k == 0:  # the matrices the block formed, one product per column
                np.testing.assert_allclose(ns["GGN"], GGN, rtol=0, atol=1e-13)
    np.testing.assert_allclose(ns["H"], H, rtol=0, atol=1e-13)
    # the Hessian as the Jacobian of the gradient, central differences: h^2 truncation, eps/h round-off ~ 1e-9
    H_fd = numerical_jacobian(lambda th: grad_and_hvp(th, 0 * th)[0], theta)
    np.testing.assert_allclose(ns["H"], H_fd, rtol=0, atol=1e-8)
    eigs = np.linalg.eigvalsh(H)
    assert ns["lam_max"] == pytest.approx(eigs[-1], rel=1e-10) and abs(eigs[0]) < eigs[-1]  # top = largest |.|
    assert ns["negative_H"] == np.sum(eigs < 0) and 0.4 < ns["negative_H"] / 99 < 0.6  # "about half"
    assert ns["negative_GGN"] == 0 and np.linalg.eigvalsh(ns["GGN"]).min() > -1e-12


@pytest.mark.parametrize("eigenvalues", [(5.0, 2.0, -1.0, 0.5), (-6.0, 2.0, 1.0, 0.1)])
def test_power_iteration_finds_the_eigenvalue_of_largest_magnitude(example, eigenvalues):
    Q = np.linalg.qr(np.random.default_rng(1).normal(size=(4, 4)))[0]
    A = Q @ np.diag(eigenvalues) @ Q.T
    got = example(PAGE, "mlp_hessian")["top_eigenvalue"](lambda v: A @ v, 4)
    assert got == pytest.approx(max(eigenvalues, key=abs), rel=1e-9)


def test_exercise_hessian_of_x2y(example):
    ns, (x, y) = example(PAGE, "exercise_hessian"), seed_symbols()
    assert ns["f1"] == seed_f_sympy()[0] and ns["grad"] == sp.Matrix([2 * x * y, x**2])
    assert ns["H"] == sp.hessian(x**2 * y, (x, y)) == sp.Matrix([[2 * y, 2 * x], [2 * x, 0]]) == ns["H"].T


def test_exercise_quadratic_one_newton_step(example):
    ns = example(PAGE, "exercise_quadratic")
    A, b = ns["A"], ns["b"]
    # symmetric positive definite, as the comment says: M M^T is semidefinite, the 3 I makes A definite
    assert np.array_equal(A, A.T) and np.all(np.linalg.eigvalsh(A - 3 * np.eye(3)) > -1e-12)
    np.testing.assert_allclose(ns["x1"], np.linalg.solve(A, b), rtol=1e-12)
    assert np.linalg.norm(A @ ns["x1"] - b) < 1e-12  # the printed gradient norm: zero up to rounding
    # and from any start, symbolically: x0 - A^{-1}(A x0 - b) = A^{-1} b
    S, c, x0 = (sp.Matrix(2, 2, sp.symbols("a11 a12 a12 a22")), sp.Matrix(sp.symbols("b1 b2")),
                sp.Matrix(sp.symbols("u1 u2")))
    assert sp.simplify(x0 + S.inv() * (-(S * x0 - c)) - S.inv() * c) == sp.zeros(2, 1)


def test_exercise_linear_gauss_newton_is_least_squares(example):
    ns = example(PAGE, "exercise_linear_gn")
    A, y = ns["A"], ns["y"]
    assert np.linalg.matrix_rank(A) == 3  # full column rank: the step is defined
    np.testing.assert_allclose(ns["theta1"], np.linalg.lstsq(A, y, rcond=None)[0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(A.T @ (A @ ns["theta1"] - y), 0, atol=1e-12)  # the normal equations
    # symbolically: the normal-equation solution makes the gradient A^T (A theta - y) vanish
    A_s, y_s = sp.Matrix(3, 2, [1, 2, 0, 1, 1, -1]), sp.Matrix([1, 0, 2])
    assert sp.simplify(A_s.T * (A_s * (A_s.T * A_s).solve(A_s.T * y_s) - y_s)) == sp.zeros(2, 1)
