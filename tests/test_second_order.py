"""snippets/second_order.py: the Hessian as the Jacobian of the gradient (sympy, finite
differences), Newton, Gauss-Newton and Levenberg-Marquardt against gradient descent."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.shared.finite_differences import numerical_jacobian
from snippets.second_order import (
    GD_STEPS,
    STARTS,
    adam,
    best_gd,
    comparison,
    comparison_table_markdown,
    condition_number_at_fit,
    convergence_figure,
    curve_data,
    fit,
    fit_loss,
    newton,
    residual_jacobian,
    residuals,
    rosenbrock,
    rosenbrock_grad,
    rosenbrock_hessian,
)
from tests.conftest import ROOT
from tests.shown_code import shown_blocks

x, y = sp.symbols("x y")
F = (1 - x) ** 2 + 100 * (y - x**2) ** 2
coord = st.floats(min_value=-2, max_value=2, allow_nan=False, allow_infinity=False)


def test_hessian_is_the_jacobian_of_the_gradient_symbolically():
    grad = sp.Matrix([F]).jacobian([x, y]).T
    H = grad.jacobian([x, y])
    assert sp.simplify(H - sp.hessian(F, (x, y))) == sp.zeros(2, 2)
    assert H == H.T
    assert sp.expand(H) == sp.Matrix([[1200 * x**2 - 400 * y + 2, -400 * x], [-400 * x, 200]])
    assert H.subs({x: sp.Rational(-6, 5), y: 1}) == sp.Matrix([[1330, 480], [480, 200]])  # the hand values
    g_num = sp.lambdify((x, y), grad, "numpy")
    H_num = sp.lambdify((x, y), H, "numpy")
    for p in np.random.default_rng(0).uniform(-2, 2, size=(20, 2)):
        np.testing.assert_allclose(rosenbrock_grad(p), np.ravel(g_num(*p)), rtol=1e-13)
        np.testing.assert_allclose(rosenbrock_hessian(p), np.asarray(H_num(*p), float), rtol=1e-13)
        assert rosenbrock(p) == pytest.approx(float(F.subs({x: p[0], y: p[1]})), rel=1e-13)


@settings(max_examples=100, deadline=None)
@given(coord, coord)
def test_hessian_matches_finite_differences_of_the_gradient(px, py):
    p = np.array([px, py])
    H = rosenbrock_hessian(p)
    np.testing.assert_array_equal(H, H.T)
    # Central differences of the gradient: entries up to ~5000, third derivatives of f are
    # linear (<= 2400 |x|), so truncation ~ h^2 * 1e4 ~ 4e-7 and round-off ~ 1e-16 * 1e3 / h ~ 2e-8.
    np.testing.assert_allclose(numerical_jacobian(rosenbrock_grad, p), H, atol=1e-5)
    # and the gradient is the (transposed) Jacobian of f
    np.testing.assert_allclose(numerical_jacobian(rosenbrock, p)[0], rosenbrock_grad(p), rtol=1e-7, atol=1e-5)


def test_newton_converges_on_rosenbrock():
    path = newton(rosenbrock_grad, rosenbrock_hessian, [-1.2, 1.0])
    np.testing.assert_allclose(path[-1], [1.0, 1.0], atol=1e-12)
    assert len(path) < 12
    norms = [np.linalg.norm(rosenbrock_grad(p)) for p in path]
    assert any(b > a for a, b in zip(norms, norms[1:]))  # not monotone: the page says so
    assert all(b <= 1e-2 * a for a, b in zip(norms[-4:], norms[-3:]))  # "orders of magnitude per step"


def test_residual_jacobian_symbolically_and_numerically():
    a, b, t = sp.symbols("a b t")
    r = a * sp.exp(b * t)
    assert [sp.diff(r, v) for v in (a, b)] == [sp.exp(b * t), a * t * sp.exp(b * t)]
    tt, yy = curve_data()
    for theta in np.random.default_rng(1).uniform([-2, -2], [3, 1], size=(10, 2)):
        # complex step: exact to rounding for this analytic residual
        numeric = numerical_jacobian(lambda th: th[0] * np.exp(th[1] * tt) - yy, theta, method="complex")
        np.testing.assert_allclose(residual_jacobian(theta, tt), numeric, rtol=1e-13, atol=1e-14)
        np.testing.assert_allclose(residuals(theta, tt, yy), theta[0] * np.exp(theta[1] * tt) - yy)
        # the gradient of 1/2 |r|^2 is J^T r
        g = residual_jacobian(theta, tt).T @ residuals(theta, tt, yy)
        np.testing.assert_allclose(numerical_jacobian(lambda th: fit_loss(th, tt, yy), theta)[0], g, rtol=1e-6, atol=1e-6)


def test_gauss_newton_matrix_is_the_hessian_minus_the_residual_term():
    a, b = sp.symbols("a b")
    tt, yy = curve_data(n=5)
    r = [a * sp.exp(b * sp.Float(ti)) - sp.Float(yi) for ti, yi in zip(tt, yy)]
    L = sum(ri**2 for ri in r) / 2
    H = sp.hessian(L, (a, b))
    J = sp.Matrix(r).jacobian([a, b])
    rest = sum((ri * sp.hessian(ri, (a, b)) for ri in r), sp.zeros(2, 2))
    point = {a: 1.7, b: -0.9}
    np.testing.assert_allclose(np.array((H - J.T * J - rest).subs(point), dtype=float), 0, atol=1e-12)


def test_comparison_counts():
    good, bad = comparison(STARTS[0]), comparison(STARTS[1])
    optimum = good["levenberg-marquardt"]["theta"]
    for name in ("gauss-newton", "levenberg-marquardt"):
        assert good[name]["converged"]
        np.testing.assert_allclose(good[name]["theta"], optimum, atol=1e-8)
    assert good["levenberg-marquardt"]["rejected"] == 0  # "its damping only shrank"
    best = best_gd(good)
    assert best == "gd 0.25"  # the step hard-coded in the curve-fit block on the page
    assert good[best]["iterations"] > 5 * good["gauss-newton"]["iterations"]
    assert all(good[f"gd {lr}"]["converged"] for lr in GD_STEPS if lr < 0.35)
    assert not good["gd 0.4"]["converged"]
    # from the bad start: GN fails on a singular J^T J, LM finds the fit, GD stalls elsewhere
    assert not bad["gauss-newton"]["converged"] and bad["gauss-newton"]["reason"] == "singular"
    assert bad["levenberg-marquardt"]["converged"]
    np.testing.assert_allclose(bad["levenberg-marquardt"]["theta"], optimum, atol=1e-8)
    for lr in GD_STEPS:
        res = bad[f"gd {lr}"]
        assert res["converged"] and res["theta"][1] < -1e3  # a flat region, not the fit
        assert fit_loss(res["theta"], *curve_data()) > 10 * fit_loss(optimum, *curve_data())
    table = comparison_table_markdown()
    assert table.count("\n") == 2 + len(GD_STEPS) + 1
    assert f"| Levenberg–Marquardt | {good['levenberg-marquardt']['iterations']} | {bad['levenberg-marquardt']['iterations']} |" in table
    assert 1 < condition_number_at_fit() < 100


def test_adam_consumes_only_the_gradient():
    tt, yy = curve_data()
    calls = []

    def grad(theta):
        calls.append(theta.copy())
        return residual_jacobian(theta, tt).T @ residuals(theta, tt, yy)

    path = adam(grad, [1.0, 0.0], steps=2000)
    assert len(calls) == 2000 and path.shape == (2001, 2)
    optimum = fit("levenberg-marquardt", tt, yy)["theta"]
    np.testing.assert_allclose(path[-1], optimum, atol=1e-5)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: rosenbrock([1.0, 2.0, 3.0]), ValueError, r"shape \(2,\)"),
        (lambda: rosenbrock_grad([np.nan, 1.0]), ValueError, "finite"),
        (lambda: rosenbrock_hessian("ab"), TypeError, "str"),
        (lambda: newton(1, rosenbrock_hessian, [0.0, 0.0]), TypeError, "callables"),
        (lambda: fit("adam", *curve_data()), ValueError, "method must be"),
        (lambda: fit("gd", *curve_data(), lr=-1.0), ValueError, "positive"),
        (lambda: fit("gd", np.ones(3), np.ones(4)), ValueError, "equal length"),
        (lambda: fit("gd", *curve_data(), theta0=[1.0]), ValueError, r"shape \(2,\)"),
        (lambda: curve_data(n=1), ValueError, "n must be"),
        (lambda: adam(None, [1.0]), TypeError, "callable"),
        (lambda: residual_jacobian([np.inf, 0.0], np.ones(3)), ValueError, "finite"),
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_figure_builds():
    import matplotlib.pyplot as plt

    fig = convergence_figure()
    assert len(fig.axes) == 2 and len(fig.axes[1].lines) == 3
    plt.close(fig)


def test_shown_blocks_run_alone(tmp_path):
    assert len(shown_blocks(ROOT / "docs" / "second-order.md", tmp_path)) >= 8


def test_page_examples_run_and_agree():
    out = subprocess.run(
        [sys.executable, "-m", "snippets.second_order"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "equals sympy.hessian: True" in out and "symmetric: True" in out
    assert float(out.split("largest |difference|: ")[1].split()[0]) < 1e-5
    newton_steps = [line for line in out.splitlines() if line.startswith("step ")]
    assert len(newton_steps) == len(newton(rosenbrock_grad, rosenbrock_hessian, [-1.2, 1.0]))
    t, yy = curve_data()
    counts = {line.split()[0]: int(line.split("iterations")[0].split()[-1]) for line in out.splitlines() if " iterations " in line}
    assert counts["Gauss-Newton"] == fit("gauss-newton", t, yy)["iterations"]
    assert counts["Levenberg-Marquardt"] == fit("levenberg-marquardt", t, yy)["iterations"]
    assert counts["gradient"] == fit("gd", t, yy, lr=0.25)["iterations"]
    opt = fit("levenberg-marquardt", t, yy)["theta"]
    assert out.count(f"({opt[0]:.6f}, {opt[1]:.6f})") >= 5  # three fits, momentum and Adam
    assert "Matrix([[2*y, 2*x], [2*x, 0]])  symmetric: True" in out
    assert float(out.split("after one Newton step: ")[1].split()[0]) < 1e-10
    assert "one Gauss-Newton step == least squares: True" in out


def test_exercise_solutions():
    H = sp.hessian(x**2 * y, (x, y))
    assert H == sp.Matrix([[2 * y, 2 * x], [2 * x, 0]]) and H == H.T
    rng = np.random.default_rng(7)
    M = rng.normal(size=(4, 4))
    A, b = M @ M.T + np.eye(4), rng.normal(size=4)
    path = newton(lambda v: A @ v - b, lambda v: A, rng.normal(size=4), tol=1e-9)
    assert len(path) == 2  # one step
    np.testing.assert_allclose(path[-1], np.linalg.solve(A, b))
    # one Gauss-Newton step on a linear model is least squares (symbolic normal equations)
    A_s = sp.Matrix(3, 2, [1, 2, 0, 1, 1, -1])
    y_s = sp.Matrix([1, 0, 2])
    theta = (A_s.T * A_s).solve(A_s.T * y_s)
    assert sp.simplify(A_s.T * (A_s * theta - y_s)) == sp.zeros(2, 1)


# ---- added with the review fixes ---------------------------------------------------------------
def run_section(name: str, namespace: dict | None = None) -> tuple[dict, str]:
    """Run one shown section of snippets/second_order.py in a fresh namespace; (namespace, output)."""
    import contextlib
    import io

    from tests.test_chain_rule import section_text

    code = section_text(ROOT / "snippets" / "second_order.py", name)
    namespace = {"__name__": "__main__"} if namespace is None else namespace
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        exec(compile(code, f"<section {name}>", "exec"), namespace)
    return namespace, buffer.getvalue()


def test_newton_distance_to_the_minimum_squares_near_the_end():
    """The page: near the end |p - (1, 1)| roughly squares per step (quadratic convergence)."""
    _, out = run_section("newton")
    errors = [float(line.rsplit("= ", 1)[1]) for line in out.splitlines() if line.startswith("step ")]
    path = newton(rosenbrock_grad, rosenbrock_hessian, [-1.2, 1.0])
    np.testing.assert_allclose(errors, [np.linalg.norm(p - 1.0) for p in path], rtol=0.06)
    tail = [e for e in errors if 0 < e < 0.1]
    assert len(tail) >= 3
    # e_{k+1} <= e_k^2 (the exponent at least doubles); linear convergence would fail this
    assert all(b <= a**2 for a, b in zip(tail, tail[1:]))
    assert errors[-1] == 0.0


@settings(max_examples=60, deadline=None)
@given(st.lists(coord, min_size=2, max_size=2), st.lists(coord, min_size=2, max_size=2))
def test_hvp_is_the_jvp_of_the_gradient(p, v):
    from snippets.second_order import hvp, rosenbrock_grad_code

    p, v = np.array(p), np.array(v)
    expected = rosenbrock_hessian(p) @ v
    # dual numbers are exact up to rounding: relative 1e-12 of the largest term
    np.testing.assert_allclose(hvp(rosenbrock_grad_code, p, v), expected, rtol=1e-12, atol=1e-9 * (1 + np.abs(v).max()))
    # and numerically: central differences of the gradient in direction v, error ~ h^2 * 1e4
    h = 1e-5
    numeric = (rosenbrock_grad(p + h * v) - rosenbrock_grad(p - h * v)) / (2 * h)
    np.testing.assert_allclose(numeric, expected, atol=1e-4 * (1 + np.abs(v).max() ** 3))


def test_hvp_symbolically():
    from snippets.second_order import hvp, rosenbrock_grad_code

    v0, v1 = sp.symbols("v0 v1")
    Hv = sp.hessian(F, (x, y)) * sp.Matrix([v0, v1])
    for p in np.random.default_rng(11).uniform(-2, 2, size=(10, 4)):
        exact = np.array(Hv.subs({x: p[0], y: p[1], v0: p[2], v1: p[3]}), dtype=float).ravel()
        np.testing.assert_allclose(hvp(rosenbrock_grad_code, p[:2], p[2:]), exact, rtol=1e-12, atol=1e-10)


@settings(max_examples=40, deadline=None)
@given(st.floats(-2, 3), st.floats(-2, 1), st.lists(coord, min_size=2, max_size=2))
def test_gauss_newton_product_is_jvp_then_vjp(a, b, v):
    from snippets.second_order import gauss_newton_product

    tt, yy = curve_data()
    theta, v = np.array([a, b]), np.array(v)
    J = residual_jacobian(theta, tt)
    got = gauss_newton_product(lambda th: [th[0] * np.exp(th[1] * ti) - yi for ti, yi in zip(tt, yy)], theta, v)
    np.testing.assert_allclose(got, J.T @ J @ v, rtol=1e-10, atol=1e-9 * (1 + np.abs(J.T @ J).max()))


def test_gauss_newton_product_symbolically():
    a, b, v0, v1 = sp.symbols("a b v0 v1")
    tt, yy = curve_data(n=4)
    r = sp.Matrix([a * sp.exp(b * sp.Float(ti)) - sp.Float(yi) for ti, yi in zip(tt, yy)])
    J = r.jacobian([a, b])
    product = J.T * (J * sp.Matrix([v0, v1]))
    from snippets.second_order import gauss_newton_product

    at = {a: 1.3, b: -0.4, v0: 0.7, v1: -1.1}
    got = gauss_newton_product(lambda th: [th[0] * np.exp(th[1] * ti) - yi for ti, yi in zip(tt, yy)], [1.3, -0.4], [0.7, -1.1])
    np.testing.assert_allclose(got, np.array(product.subs(at), dtype=float).ravel(), rtol=1e-12)


def test_hvp_section_on_the_page_agrees_with_the_formed_matrices():
    ns, out = run_section("hvp")
    lines = out.splitlines()

    def values(prefix):
        line = next(line for line in lines if line.startswith(prefix))
        return np.array(line.split("[")[1].split("]")[0].split(), dtype=float)

    np.testing.assert_allclose(values("H v, one JVP"), values("H v, Hessian formed"), rtol=1e-13)
    np.testing.assert_allclose(values("H v, one JVP"), rosenbrock_hessian([-1.2, 1.0]) @ [1.0, 2.0], rtol=1e-13)
    np.testing.assert_allclose(values("J^T (J v)"), values("(J^T J) v"), rtol=1e-12)
    tt, _ = curve_data()
    J = residual_jacobian([1.0, 0.0], tt)
    np.testing.assert_allclose(values("J^T (J v)"), J.T @ J @ [1.0, 2.0], rtol=1e-7)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        ("hvp", TypeError, "callable"),
        ("hvp-shape", ValueError, r"v must have shape \(2,\)"),
        ("gn", TypeError, "callable"),
        ("gn-finite", ValueError, "finite"),
        ("rmsprop", TypeError, "callable"),
    ],
)
def test_new_functions_reject_bad_input(call, error, message):
    from snippets.second_order import gauss_newton_product, hvp, rmsprop, rosenbrock_grad_code

    calls = {
        "hvp": lambda: hvp(None, [1.0, 2.0], [1.0, 0.0]),
        "hvp-shape": lambda: hvp(rosenbrock_grad_code, [1.0, 2.0], [1.0]),
        "gn": lambda: gauss_newton_product("r", [1.0, 2.0], [1.0, 0.0]),
        "gn-finite": lambda: gauss_newton_product(lambda th: [th[0]], [1.0, 2.0], [np.nan, 0.0]),
        "rmsprop": lambda: rmsprop(3, [1.0]),
    }
    with pytest.raises(error, match=message):
        calls[call]()


def test_rmsprop_hovers_while_adam_converges():
    """The page: after 2000 steps RMSprop (rho = 0.9) still takes steps comparable to lr and has
    not reached the fit; Adam (beta2 = 0.999) has, its steps shrunk to round-off."""
    from snippets.second_order import rmsprop

    tt, yy = curve_data()

    def grad(theta):
        return residual_jacobian(theta, tt).T @ residuals(theta, tt, yy)

    optimum = fit("levenberg-marquardt", tt, yy)["theta"]
    r_path = rmsprop(grad, [1.0, 0.0], lr=0.01)
    a_path = adam(grad, [1.0, 0.0], lr=0.05)
    r_steps = np.linalg.norm(np.diff(r_path[-50:], axis=0), axis=1)
    a_steps = np.linalg.norm(np.diff(a_path[-50:], axis=0), axis=1)
    assert np.all(r_steps > 0.1 * 0.01)  # a size comparable to lr, step after step
    assert np.linalg.norm(grad(r_path[-1])) > 1e-3  # the residual the page shows
    assert np.linalg.norm(r_path[-1] - optimum) > 1e-3
    assert np.all(a_steps < 1e-10 * 0.05)
    assert np.linalg.norm(grad(a_path[-1])) < 1e-8
    # the page's own block prints the same behaviour
    _, out = run_section("optimizers")
    rms = next(line for line in out.splitlines() if line.startswith("RMSprop"))
    assert float(rms.split("|gradient| = ")[1].split(",")[0]) == pytest.approx(np.linalg.norm(grad(r_path[-1])), rel=0.01)  # printed to 2 digits
    assert float(rms.split("last step ")[1]) > 0.1 * 0.01
    ad = next(line for line in out.splitlines() if line.startswith("Adam"))
    assert float(ad.split("last step ")[1]) < 1e-10


def test_levenberg_marquardt_on_the_page_gives_up_instead_of_looping():
    ns, _ = run_section("curve-fit")
    ns["loss"] = lambda theta: 1.0  # no step can ever lower this loss
    with pytest.raises(RuntimeError, match="no step lowers the loss"):
        ns["levenberg_marquardt"](np.array([1.0, 0.0]), 1e-2)
    # an accepted step hands back a smaller damping, a rejected one is retried with more
    ns2, _ = run_section("curve-fit")
    theta, lam = ns2["levenberg_marquardt"](np.array([1.0, 0.0]), 1e-2)
    assert lam == pytest.approx(1e-3) and ns2["loss"](theta) < ns2["loss"](np.array([1.0, 0.0]))


def test_bad_start_facts_on_the_page():
    from snippets.second_order import bad_start_summary

    tt, yy = curve_data()
    gn = fit("gauss-newton", tt, yy, theta0=STARTS[1], max_iter=20_000)
    J = residual_jacobian(gn["theta"], tt)
    np.testing.assert_array_equal(J.T @ J, np.diag([1.0, 0.0]))  # only the b-column vanishes
    assert J[0, 0] == 1.0 and np.all(J[1:, 0] == 0.0)
    # J^T J + lam I is positive definite for every lam > 0, so LM's step exists
    for lam in (1e-12, 1e-6, 1.0):
        assert np.all(np.linalg.eigvalsh(J.T @ J + lam * np.eye(2)) > 0)
    gd = fit("gd", tt, yy, theta0=STARTS[1], lr=0.25, max_iter=20_000)
    # a = y_1: only the first residual is live, and its gradient a - y_1 is below the tolerance 1e-8
    assert gd["theta"][0] == pytest.approx(yy[0], abs=1e-8)
    text = bad_start_summary()
    assert f"$a = {gd['theta'][0]:.6f}$" in text and f"y_1 = {yy[0]:.6f}" in text
    assert "\\operatorname{diag}(1, 0)" in text and f"step {gn['iterations']}" in text


def test_convergence_figure_text_comes_from_the_runs():
    from snippets.second_order import convergence_alt_text, convergence_caption, convergence_results, gn_lm_loss_gap

    runs = convergence_results()
    alt = convergence_alt_text()
    for res in runs.values():
        assert str(res["iterations"]) in alt
    assert 0 < gn_lm_loss_gap() < 0.05 and f"{gn_lm_loss_gap():.0%}" in convergence_caption()
    fig = convergence_figure()
    for line in fig.axes[1].lines:
        assert line.get_ydata().min() >= np.finfo(float).eps * min(r["losses"].min() for r in runs.values()) * (1 - 1e-12)
        assert line.get_xdata()[0] == 1
    assert fig.axes[0].get_ylabel() == "y"
    import matplotlib.pyplot as plt

    plt.close(fig)
