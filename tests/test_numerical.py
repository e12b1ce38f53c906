"""snippets/numerical.py: finite-difference Jacobians, their input validation, and the page
"Computing Jacobians numerically" (step sizes, float32 vs float64, gradient check, failures)."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.numerical import (
    GRADCHECK_TOL,
    derivative_errors,
    gradient_check,
    numerical_jacobian,
    relative_error,
    step_error_figure,
)
from snippets.shared.running_example import seed_f_sympy, seed_jacobian, seed_symbols
from tests.conftest import ROOT


def f_seed(p):
    x, y = p[0], p[1]
    return np.array([x**2 * y, 5 * x + np.sin(y)])


# Tolerances: forward differences are accurate to about sqrt(eps) ~ 1e-8 times the scale of
# f'', central to about eps^(2/3) ~ 4e-11, complex step to machine precision.
TOL = {"forward": 1e-5, "central": 1e-7, "complex": 1e-12}

coordinate = st.floats(min_value=-3, max_value=3, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize("method", sorted(TOL))
@settings(max_examples=100, deadline=None)
@given(px=coordinate, py=coordinate)
def test_matches_the_seed_jacobian(method, px, py):
    p = np.array([px, py])
    np.testing.assert_allclose(numerical_jacobian(f_seed, p, method), seed_jacobian(p), atol=TOL[method], rtol=0)


def test_scalar_function_gives_a_row():
    J = numerical_jacobian(lambda v: np.sum(v**2), np.array([1.0, 2.0, 3.0]))
    assert J.shape == (1, 3)
    np.testing.assert_allclose(J, [[2.0, 4.0, 6.0]], atol=1e-8)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"f": 3}, TypeError, "f must be callable, got int"),
        ({"x": np.ones((2, 2))}, ValueError, r"1-D array .* shape \(2, 2\)"),
        ({"x": np.array([])}, ValueError, "non-empty"),
        ({"x": np.array([np.nan, 1.0])}, ValueError, "finite"),
        ({"method": "backward"}, ValueError, "method must be one of"),
        ({"h": 0.0}, ValueError, "positive finite step"),
        ({"f": lambda v: np.ones((2, 2))}, ValueError, "scalar or a 1-D array"),
        ({"f": lambda v: 1 / (v - v)}, ValueError, "non-finite"),
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(kwargs, error, message):
    args = {"f": f_seed, "x": np.array([1.0, 2.0])} | kwargs
    with np.errstate(all="ignore"), pytest.raises(error, match=message):
        numerical_jacobian(**args)


# ---- the page "Computing Jacobians numerically": step sizes, gradient check, failures ----

STEPS = np.logspace(-20, 0, 81)


def g_entry(y):
    """f2(1, y) = 5 + sin y: its derivative at y = 2 is the entry cos 2 of J_f(1, 2)."""
    return 5 + np.sin(y)


def test_the_page_entry_is_cos_2_symbolically_and_numerically():
    x, y = seed_symbols()
    assert seed_f_sympy().jacobian([x, y])[1, 1].subs({x: 1, y: 2}) == sp.cos(2)
    for method in TOL:
        np.testing.assert_allclose(numerical_jacobian(f_seed, [1.0, 2.0], method)[1, 1], np.cos(2), atol=TOL[method])


def test_worked_example_truncation_of_the_central_quotient():
    h = sp.Symbol("h", positive=True)
    quotient = (sp.sin(2 + h) - sp.sin(2 - h)) / (2 * h)
    assert sp.simplify(sp.expand_trig(quotient) - sp.cos(2) * sp.sin(h) / h) == 0
    series = sp.series(quotient - sp.cos(2), h, 0, 4).removeO()
    assert sp.simplify(series + sp.cos(2) * h**2 / 6) == 0
    assert 6e-12 < abs(np.cos(2)) * 1e-10 / 6 < 8e-12  # the page's "near 7e-12 at h = 1e-5"
    forward = (sp.sin(2 + h) - sp.sin(2)) / h - sp.cos(2)
    assert sp.simplify(sp.series(forward, h, 0, 2).removeO() + sp.sin(2) * h / 2) == 0


@pytest.mark.parametrize(("method", "slope"), [("forward", 1), ("central", 2), ("complex", 2)])
def test_truncation_slopes_right_of_the_minimum(method, slope):
    # Steps 1e-3 .. 1e-1 in float64: truncation dominates round-off by >= 1e3 for every method.
    steps = np.logspace(-3, -1, 9)
    errors = derivative_errors(g_entry, np.cos(2.0), 2.0, steps, method, "float64")
    fitted = np.polyfit(np.log(steps), np.log(errors), 1)[0]
    assert abs(fitted - slope) < 0.05


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_best_steps_are_near_the_predicted_orders(dtype):
    eps = np.finfo(np.float64 if dtype == "float64" else np.float32).eps
    for method, predicted in (("forward", eps**0.5), ("central", eps ** (1 / 3))):
        errors = derivative_errors(g_entry, np.cos(2.0), 2.0, STEPS, method, dtype)
        best = STEPS[np.argmin(errors)]
        assert predicted / 10 <= best <= predicted * 10  # "within an order of magnitude"
    forward = derivative_errors(g_entry, np.cos(2.0), 2.0, STEPS, "forward", dtype).min()
    central = derivative_errors(g_entry, np.cos(2.0), 2.0, STEPS, "central", dtype).min()
    complex_ = derivative_errors(g_entry, np.cos(2.0), 2.0, STEPS, "complex", dtype).min()
    assert complex_ < central < forward


def test_float32_is_far_worse_and_tiny_steps_give_zero():
    best64 = derivative_errors(g_entry, np.cos(2.0), 2.0, STEPS, "central", "float64").min()
    best32 = derivative_errors(g_entry, np.cos(2.0), 2.0, STEPS, "central", "float32").min()
    assert best32 > 1e5 * best64
    assert 1e-6 < best32 / abs(np.cos(2)) < 1e-4  # "about four or five correct digits"
    tiny = derivative_errors(g_entry, np.cos(2.0), 2.0, [1e-20], "central", "float64")
    assert tiny[0] == pytest.approx(abs(np.cos(2.0)))  # x + h == x: the estimate is 0
    assert derivative_errors(g_entry, np.cos(2.0), 2.0, [1e-300], "complex", "float64")[0] < 1e-15


def test_float32_really_runs_in_float32():
    seen = []

    def spy(y):
        seen.append(np.asarray(y).dtype)
        return 5 + np.sin(y)

    derivative_errors(spy, np.cos(2.0), 2.0, [1e-3], "central", "float32")
    derivative_errors(spy, np.cos(2.0), 2.0, [1e-3], "complex", "float32")
    assert seen == [np.float32, np.float32, np.complex64]


def test_relative_error_and_gradient_check():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error([0.0], [0.0]) == 0.0
    assert relative_error([100.0, 1.0], [100.0, 2.0]) == pytest.approx(0.01)
    rng = np.random.default_rng(12)
    for p in rng.uniform(-2, 2, size=(20, 2)):
        ok, err = gradient_check(f_seed, seed_jacobian, p)
        assert ok and err <= GRADCHECK_TOL
        buggy = lambda q: seed_jacobian(q) * np.array([[1, 1], [1, -1]])  # sign slip in cos y
        ok, err = gradient_check(f_seed, buggy, p)
        if abs(np.cos(p[1])) > 1e-3:  # the slip only shows where cos y is not ~0
            assert not ok and err > 1e-4
    # a gradient given as a 1-D array
    assert gradient_check(lambda v: np.sum(v**2), lambda v: 2 * v, np.array([1.0, -2.0, 0.5]))[0]


def test_exercise_find_bug_points_at_row_2_column_2():
    p = np.array([0.7, -1.3])
    J_num = numerical_jacobian(f_seed, p)
    buggy = seed_jacobian(p).copy()
    buggy[1, 1] = np.sin(p[1])
    entrywise = np.abs(buggy - J_num) / np.abs(J_num)
    assert np.unravel_index(np.argmax(entrywise), (2, 2)) == (1, 1)
    assert np.sort(entrywise.ravel())[-2] < 1e-8


def test_failure_modes():
    h = 6e-6
    relu = lambda x: np.maximum(x, 0.0)
    assert (relu(h) - relu(0.0)) / h == 1.0 and (relu(h) - relu(-h)) / (2 * h) == 0.5
    assert (relu(1e-6 + h) - relu(1e-6 - h)) / (2 * h) == pytest.approx(7 / 12)
    assert numerical_jacobian(np.abs, [2.0], "complex")[0, 0] == 0.0  # complex-unsafe: wrong
    safe_abs = lambda z: np.where(np.real(z) < 0, -z, z)
    assert numerical_jacobian(safe_abs, [2.0], "complex")[0, 0] == 1.0
    assert numerical_jacobian(safe_abs, [-2.0], "complex")[0, 0] == -1.0


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: derivative_errors(1, 0.0, 2.0, [1e-3]), TypeError, "f must be callable"),
        (lambda: derivative_errors(np.sin, 0.0, 2.0, [1e-3], "backward"), ValueError, "method must be one of"),
        (lambda: derivative_errors(np.sin, 0.0, 2.0, [1e-3], "central", "float16"), ValueError, "dtype must be one of"),
        (lambda: derivative_errors(np.sin, 0.0, np.nan, [1e-3]), ValueError, "x must be a finite real"),
        (lambda: derivative_errors(np.sin, "1", 2.0, [1e-3]), ValueError, "df_exact must be a finite real"),
        (lambda: derivative_errors(np.sin, 0.0, 2.0, [0.0]), ValueError, "steps must be"),
        (lambda: derivative_errors(np.sin, 0.0, 2.0, []), ValueError, "steps must be"),
        (lambda: relative_error([1.0], [1.0, 2.0]), ValueError, "same shape"),
        (lambda: relative_error([np.inf], [1.0]), ValueError, "finite"),
        (lambda: relative_error("ab", [1.0]), TypeError, "a must be an array"),
        (lambda: gradient_check(f_seed, "J", [1.0, 2.0]), TypeError, "jacobian must be callable"),
        (lambda: gradient_check(f_seed, seed_jacobian, [1.0, 2.0], tol=0), ValueError, "tol must be"),
        (lambda: gradient_check(f_seed, lambda p: np.ones((3, 2)), [1.0, 2.0]), ValueError, r"needs \(2, 2\)"),
        (lambda: gradient_check("f", seed_jacobian, [1.0, 2.0]), TypeError, "f must be callable"),
    ],
)
def test_new_functions_reject_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_step_error_figure_is_built():
    import matplotlib.pyplot as plt

    fig = step_error_figure()
    assert [ax.get_title() for ax in fig.axes] == ["float64", "float32"]
    assert all(len(ax.get_lines()) == 4 for ax in fig.axes)  # three methods and the epsilon line
    plt.close(fig)


def test_page_examples_run_and_agree():
    out = subprocess.run(
        [sys.executable, "-m", "snippets.numerical"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    errors = dict(re.findall(r"^(forward|central|complex step) *: largest error (\S+)", out, re.M))
    assert float(errors["forward"]) < 1e-6 and float(errors["central"]) < 1e-9 and float(errors["complex step"]) < 1e-14
    best = {(d, m): float(h) for d, m, h in re.findall(r"^(float\d\d) (\w+) *: smallest error \S+ at h = (\S+)", out, re.M)}
    assert len(best) == 6
    for dtype, eps in (("float64", np.finfo(np.float64).eps), ("float32", np.finfo(np.float32).eps)):
        assert eps**0.5 / 10 <= best[(dtype, "forward")] <= eps**0.5 * 10
        assert eps ** (1 / 3) / 10 <= best[(dtype, "central")] <= eps ** (1 / 3) * 10
    assert re.search(r"correct: passed 5/5", out) and re.search(r"buggy  : passed 0/5", out)
    assert "ReLU at 0:   forward 1.0  central 0.5" in out
    assert "wrong entry: row 2, column 2 (d f2 / d y)" in out
    assert "by complex step: 0.0 (true value 1)" in out and "complex-safe abs:           1.0" in out
    assert "central difference with h = 1e-20: 0.0" in out


# ---- claims of the page, tied to code (review items 1, 8, 13, 14, 22, 23, 25) ----


def _page_output() -> str:
    return subprocess.run(
        [sys.executable, "-m", "snippets.numerical"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def test_complex_step_expansion_of_the_precise_statement():
    # f(x + i h) = f + i h f' - h^2/2 f'' - i h^3/6 f''' + O(h^4), so Im/h = f' - h^2/6 f''' + O(h^4),
    # for functions that are real on real inputs and analytic (sin and y^2 e^y here).
    y, h = sp.symbols("y h", real=True)
    for f in (sp.sin(y), y**2 * sp.exp(y)):
        d = [sp.diff(f, y, k) for k in range(4)]
        series = sp.series(f.subs(y, y + sp.I * h), h, 0, 4).removeO()
        expected = d[0] + sp.I * h * d[1] - h**2 / 2 * d[2] - sp.I * h**3 / 6 * d[3]
        assert sp.simplify(sp.expand(series - expected)) == 0
        imag_over_h = sp.series(sp.im(sp.expand_complex(f.subs(y, y + sp.I * h))) / h, h, 0, 4).removeO()
        assert sp.simplify(imag_over_h - (d[1] - h**2 / 6 * d[3])) == 0


def test_complex_and_central_truncation_coincide_and_complex_has_no_minimum():
    # For sin at y = 2 both truncation errors are |cos 2| h^2 / 6: the lines overlap for large h.
    steps = np.logspace(-3, -1, 9)
    central = derivative_errors(g_entry, np.cos(2.0), 2.0, steps, "central", "float64")
    complex_ = derivative_errors(g_entry, np.cos(2.0), 2.0, steps, "complex", "float64")
    # They differ first at order h^4 (same h^4 term, opposite h^2 signs): relative gap h^2 / 10,
    # at most 1e-3 for h <= 0.1, so 2e-3.
    np.testing.assert_allclose(complex_, central, rtol=2e-3)
    np.testing.assert_allclose(central, abs(np.cos(2)) * steps**2 / 6, rtol=2e-3)
    # No minimum for the complex step: every step below 1e-8 stays at machine precision.
    tiny = STEPS[STEPS <= 1e-8]
    assert np.all(derivative_errors(g_entry, np.cos(2.0), 2.0, tiny, "complex", "float64") <= 2 * np.finfo(float).eps)


def test_tolerance_margin_matches_the_page_and_the_comment():
    # page: "more than 1e4 times eps^(2/3)"; comment in snippets/numerical.py: "over 2e4 times"
    ratio = GRADCHECK_TOL / np.finfo(float).eps ** (2 / 3)
    assert 2e4 < ratio < 5e4
    page = (ROOT / "docs" / "numerical.md").read_text(encoding="utf-8")
    assert "is more than $10^4$ times $\\varepsilon^{2/3}$" in page


def test_typed_epsilon_powers_on_the_page_match_the_code():
    page = (ROOT / "docs" / "numerical.md").read_text(encoding="utf-8")
    eps64, eps32 = np.finfo(np.float64).eps, np.finfo(np.float32).eps
    claims = re.findall(r"\\varepsilon(_\{?32\}?)?\^\{(1/3|2/3)\} \\approx (\d) \\times 10\^\{(-\d+)\}", page)
    assert len(claims) >= 3
    for dtype, power, mantissa, exponent in claims:
        eps = eps32 if dtype else eps64
        value = eps ** (1 / 3 if power == "1/3" else 2 / 3)
        assert f"{value:.0e}" == f"{mantissa}e{int(exponent):03d}"
    out = _page_output()
    assert "float64 theory: eps^(2/3) = 4e-11" in out and "eps^(1/3) = 6e-06 (central)" in out


def test_complex_step_breaks_on_np_real_and_abs_but_not_on_branching_on_the_real_part():
    assert numerical_jacobian(lambda z: np.real(z) ** 2, [2.0], "complex")[0, 0] == 0.0
    assert numerical_jacobian(np.abs, [2.0], "complex")[0, 0] == 0.0
    branch = lambda z: np.where(np.real(z) > 0, z**2, -z)
    assert numerical_jacobian(branch, [2.0], "complex")[0, 0] == pytest.approx(4.0, abs=1e-12)
    page = (ROOT / "docs" / "numerical.md").read_text(encoding="utf-8")
    assert "`maximum`" not in page  # np.maximum does carry the imaginary part away from ties


def test_exercise_float32_step_two_smallest_and_growth_on_both_sides():
    out = _page_output()
    rows = re.findall(r"^central, h = (\S+): error (\S+)$", out, re.M)
    steps = np.array([float(h) for h, _ in rows])
    errors = np.array([float(e) for _, e in rows])
    assert len(rows) == 5
    order = np.argsort(errors)
    first, second = re.search(r"two smallest errors at h = (\S+) and h = (\S+)", out).groups()
    assert (steps[order[0]], steps[order[1]]) == (float(first), float(second)) == (1e-2, 5e-3)
    k = order[0]
    assert np.all(np.diff(errors[: k + 1]) < 0) and np.all(np.diff(errors[k:]) > 0)  # grow on both sides
    eps32 = np.finfo(np.float32).eps
    assert eps32 ** (1 / 3) / 10 <= float(first) <= eps32 ** (1 / 3) * 10


def test_exercise_find_bug_prints_zero_for_every_other_entry():
    out = _page_output()
    block = out.split("entrywise relative error:")[1].split("wrong entry")[0]
    values = sorted(float(v) for v in re.findall(r"\d+\.\d*", block))
    assert len(values) == 4
    assert values[:3] == [0.0, 0.0, 0.0] and values[3] > 1


def test_step_error_figure_has_a_shared_legend():
    import matplotlib.pyplot as plt

    fig = step_error_figure()
    assert len(fig.legends) == 1
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["forward", "central", "complex"]
    plt.close(fig)
