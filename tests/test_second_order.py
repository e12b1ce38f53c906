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

from snippets.numerical import numerical_jacobian
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
from tests.test_chain_rule import shown_blocks

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
