"""docs/numerical.md: forward, central and complex-step Jacobians, their step sizes, the gradient check.

Every claim of the page is checked on the objects its examples make (snippets/numerical/): the
shown `numerical_jacobian` and its checked copy (snippets/shared/finite_differences.py, the
reference of every page's tests) against SymPy, the errors behind the figure against the
truncation and round-off laws the page states, the shown `gradient_check` against exact
Jacobians, the failure modes and the exercises; the page's Taylor expansions are checked in SymPy.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.numerical.figures import derivative_errors, step_error_figure
from snippets.shared.finite_differences import DEFAULT_STEP, numerical_jacobian
from snippets.shared.running_example import seed_f, seed_f_sympy, seed_jacobian, seed_symbols

PAGE = "numerical"
ROOT = Path(__file__).resolve().parent.parent
EPS64, EPS32 = np.finfo(np.float64).eps, np.finfo(np.float32).eps
# Tolerances per method, for inputs and derivatives of size <= ~30: forward differences are
# accurate to about sqrt(eps) ~ 1e-8 times the second derivatives, central to about
# eps^(2/3) ~ 4e-11 times the third, complex step to machine precision; a wrong formula is off by O(1).
TOL = {"forward": 1e-5, "central": 1e-7, "complex": 1e-12}

coordinate = st.floats(min_value=-3, max_value=3, allow_nan=False, allow_infinity=False)
method_st = st.sampled_from(sorted(TOL))


def f_seed(p):
    """The running example, complex-safe (the shared seed_f casts its input to float)."""
    return np.array([p[0] ** 2 * p[1], 5 * p[0] + np.sin(p[1])])


def g3(v):
    """A non-square test map R^3 -> R^2 that also accepts complex input."""
    return np.array([v[0] * v[1] * v[2], np.tanh(v[0] + 2 * v[1]) - v[2] ** 2])


def g3_jacobian():
    a, b, c = sp.symbols("a b c")
    G = sp.Matrix([a * b * c, sp.tanh(a + 2 * b) - c**2])
    return sp.lambdify((a, b, c), G.jacobian([a, b, c]), "numpy")


G3_JACOBIAN = g3_jacobian()


def fit_slope(steps: np.ndarray, errors: np.ndarray) -> float:
    """The slope of log(error) against log(h)."""
    return float(np.polyfit(np.log(steps), np.log(errors), 1)[0])


# --- the worked example and the precise statement (SymPy) ------------------------------------


def test_the_page_entry_is_cos_2_symbolically_and_numerically():
    x, y = seed_symbols()
    assert seed_f_sympy().jacobian([x, y])[1, 1].subs({x: 1, y: 2}) == sp.cos(2)
    for method in TOL:
        np.testing.assert_allclose(numerical_jacobian(f_seed, [1.0, 2.0], method)[1, 1], np.cos(2), atol=TOL[method])


def test_worked_example_truncation_of_the_central_and_forward_quotients():
    h = sp.Symbol("h", positive=True)
    quotient = (sp.sin(2 + h) - sp.sin(2 - h)) / (2 * h)
    assert sp.simplify(sp.expand_trig(quotient) - sp.cos(2) * sp.sin(h) / h) == 0
    series = sp.series(quotient - sp.cos(2), h, 0, 4).removeO()
    assert sp.simplify(series + sp.cos(2) * h**2 / 6) == 0
    assert 6e-12 < abs(np.cos(2)) * 1e-10 / 6 < 8e-12  # the page's "near 7e-12 at h = 1e-5"
    forward = (sp.sin(2 + h) - sp.sin(2)) / h - sp.cos(2)
    assert sp.simplify(sp.series(forward, h, 0, 2).removeO() + sp.sin(2) * h / 2) == 0


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


# --- the three methods in code: the shown numerical_jacobian and its checked copy ------------


@settings(max_examples=60, deadline=None)
@given(method_st, coordinate, coordinate, coordinate)
def test_shown_numerical_jacobian_matches_sympy_on_a_non_square_map(example, method, a, b, c):
    ns = example(PAGE, "numerical_jacobian")
    x = np.array([a, b, c])
    np.testing.assert_allclose(ns["numerical_jacobian"](g3, x, method), G3_JACOBIAN(a, b, c), atol=TOL[method], rtol=0)


@settings(max_examples=60, deadline=None)
@given(method_st, coordinate, coordinate)
def test_shown_numerical_jacobian_matches_the_seed_jacobian(example, method, px, py):
    ns = example(PAGE, "numerical_jacobian")
    p = np.array([px, py])
    np.testing.assert_allclose(ns["numerical_jacobian"](f_seed, p, method), seed_jacobian(p), atol=TOL[method], rtol=0)


@settings(max_examples=40, deadline=None)
@given(method_st, st.lists(coordinate, min_size=3, max_size=3), st.sampled_from([None, 1e-3, 1e-7]))
def test_checked_copy_computes_exactly_what_the_page_shows(example, method, point, h):
    ns = example(PAGE, "numerical_jacobian")
    x = np.array(point)
    np.testing.assert_array_equal(numerical_jacobian(g3, x, method, h), ns["numerical_jacobian"](g3, x, method, h))


def test_shown_steps_are_the_checked_defaults_and_the_best_steps_of_the_theory(example):
    step = example(PAGE, "numerical_jacobian")["STEP"]
    assert step == DEFAULT_STEP
    assert step["forward"] == pytest.approx(EPS64**0.5, rel=0.02)  # sqrt(eps)
    assert step["central"] == pytest.approx(EPS64 ** (1 / 3), rel=0.02)  # eps^(1/3)
    assert step["complex"] == 1e-20  # the table's "any tiny h, e.g. 1e-20"


def test_shown_numerical_jacobian_uses_the_step_it_is_given(example):
    nj = example(PAGE, "numerical_jacobian")["numerical_jacobian"]
    x, h = np.array([0.8]), 1e-2
    # Truncation errors of sin: forward -sin(x) h / 2, central and complex -cos(x) h^2 / 6.
    assert nj(np.sin, x, "forward", h)[0, 0] - np.cos(0.8) == pytest.approx(-np.sin(0.8) * h / 2, rel=1e-2)
    assert nj(np.sin, x, "central", h)[0, 0] - np.cos(0.8) == pytest.approx(-np.cos(0.8) * h**2 / 6, rel=1e-3)
    assert nj(np.sin, x, "complex", h)[0, 0] - np.cos(0.8) == pytest.approx(np.cos(0.8) * h**2 / 6, rel=1e-3)


@pytest.mark.parametrize("method", sorted(TOL))
def test_a_scalar_function_gives_a_row(example, method):
    nj = example(PAGE, "numerical_jacobian")["numerical_jacobian"]
    x = np.array([1.0, 2.0, 3.0])
    for J in (nj(lambda v: np.sum(v**2), x, method), numerical_jacobian(lambda v: np.sum(v**2), x, method)):
        assert J.shape == (1, 3)
        np.testing.assert_allclose(J, [[2.0, 4.0, 6.0]], atol=TOL[method])


def test_shown_numerical_jacobian_demo_errors(example):
    ns = example(PAGE, "numerical_jacobian")
    x = ns["x"]
    np.testing.assert_allclose(ns["J_exact"], [[6.0, 3.0, 2.0], [np.cos(1.0), 0.0, 6.0]], rtol=1e-15)
    a, b, c = sp.symbols("a b c")
    G = sp.Matrix([a * b * c, sp.sin(a) + c**2])
    np.testing.assert_allclose(ns["g"](x), np.array(G.subs({a: 1, b: 2, c: 3}), float).ravel(), rtol=1e-15)
    np.testing.assert_allclose(ns["J_exact"], np.array(G.jacobian([a, b, c]).subs({a: 1, b: 2, c: 3}), float), rtol=1e-15)
    assert ns["errors"]["forward"] < 1e-6 and ns["errors"]["central"] < 1e-9 and ns["errors"]["complex"] < 1e-14


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"f": 3}, TypeError, "f must be callable, got int"),
        ({"x": np.ones((2, 2))}, ValueError, r"x must be a non-empty 1-D array, got shape \(2, 2\)"),
        ({"x": np.array([])}, ValueError, "x must not be empty"),
        ({"x": np.array([np.nan, 1.0])}, ValueError, "x must be finite"),
        ({"method": "backward"}, ValueError, "method must be one of"),
        ({"h": 0.0}, ValueError, "h must be a positive finite number"),
        ({"h": np.inf}, ValueError, "h must be a positive finite number"),
        ({"f": lambda v: np.ones((2, 2))}, ValueError, "scalar or a 1-D array"),
        ({"f": lambda v: 1 / (v - v)}, ValueError, "non-finite"),
    ],
)
def test_checked_numerical_jacobian_rejects_bad_input(kwargs, error, message):
    args = {"f": seed_f, "x": np.array([1.0, 2.0])} | kwargs
    with np.errstate(all="ignore"), pytest.raises(error, match=message):
        numerical_jacobian(**args)


def test_checked_numerical_jacobian_accepts_a_list():
    np.testing.assert_array_equal(numerical_jacobian(seed_f, [1.0, 2.0]), numerical_jacobian(seed_f, np.array([1.0, 2.0])))


def test_three_methods_written_out_for_the_running_example(example):
    ns = example(PAGE, "three_methods")
    x, y = seed_symbols()
    exact = np.array(seed_f_sympy().jacobian([x, y]).subs({x: 1, y: 2}), float)
    np.testing.assert_allclose(ns["J_exact"], exact, rtol=1e-15)
    np.testing.assert_allclose(ns["f"](ns["p"]), seed_f([1.0, 2.0]), rtol=1e-15)
    # forward at h = 1e-8: h |f''| / 2 + eps |f| / h ~ 1e-7; central at 6e-6: ~ 1e-10; complex: eps.
    assert np.max(np.abs(ns["forward"] - exact)) < 1e-6
    assert np.max(np.abs(ns["central"] - exact)) < 1e-9
    assert np.max(np.abs(ns["complex_step"] - exact)) < 1e-14


# --- truncation against round-off: the numbers behind the figure ------------------------------


def test_the_figure_draws_the_printed_errors(example):
    ns = example(PAGE, "best_steps")
    np.testing.assert_array_equal(ns["steps"], np.logspace(-20, 0, 81))
    assert sorted(ns["errors"]) == sorted((d, m) for d in ("float64", "float32") for m in TOL)
    for (dtype, method), errors in ns["errors"].items():
        figure = derivative_errors(lambda y: 5 + np.sin(y), np.cos(2.0), 2.0, ns["steps"], method, dtype)
        np.testing.assert_array_equal(errors, figure)


@pytest.mark.parametrize(("method", "slope"), [("forward", 1), ("central", 2), ("complex", 2)])
def test_truncation_slopes_right_of_the_minimum(example, method, slope):
    ns = example(PAGE, "best_steps")
    # Steps 1e-3 .. 1e-1 in float64: truncation dominates round-off by >= 1e3 for every method.
    right = (ns["steps"] >= 1e-3 - 1e-18) & (ns["steps"] <= 1e-1 + 1e-16)
    assert right.sum() == 9
    errors = np.array(ns["errors"]["float64", method])[right]
    assert abs(fit_slope(ns["steps"][right], errors) - slope) < 0.05


@pytest.mark.parametrize(("dtype", "eps"), [("float64", EPS64), ("float32", EPS32)])
def test_best_steps_are_near_the_predicted_orders(example, dtype, eps):
    ns = example(PAGE, "best_steps")
    best = {m: ns["steps"][np.argmin(ns["errors"][dtype, m])] for m in TOL}
    assert eps**0.5 / 10 <= best["forward"] <= eps**0.5 * 10  # "within an order of magnitude"
    assert eps ** (1 / 3) / 10 <= best["central"] <= eps ** (1 / 3) * 10
    smallest = {m: min(ns["errors"][dtype, m]) for m in TOL}
    assert smallest["complex"] < smallest["central"] < smallest["forward"]


def test_float32_is_far_worse_and_tiny_steps_give_zero(example):
    ns = example(PAGE, "best_steps")
    best64, best32 = min(ns["errors"]["float64", "central"]), min(ns["errors"]["float32", "central"])
    assert best32 > 1e5 * best64
    assert 1e-6 < best32 / abs(np.cos(2)) < 1e-4  # "about four or five correct digits"
    assert ns["steps"][0] == 1e-20  # y + h == y: the estimate is 0, the error |cos 2|
    assert ns["errors"]["float64", "central"][0] == pytest.approx(abs(np.cos(2.0)), rel=1e-15)
    assert ns["errors"]["float64", "forward"][0] == pytest.approx(abs(np.cos(2.0)), rel=1e-15)


def test_complex_and_central_truncation_coincide_and_complex_has_no_minimum(example):
    ns = example(PAGE, "best_steps")
    large = (ns["steps"] >= 1e-3 - 1e-18) & (ns["steps"] <= 1e-1 + 1e-16)
    central = np.array(ns["errors"]["float64", "central"])[large]
    complex_ = np.array(ns["errors"]["float64", "complex"])[large]
    # For sin at y = 2 both truncation errors are |cos 2| h^2 / 6: the lines overlap for large h.
    # They differ first at order h^4 (same h^4 term, opposite h^2 signs): relative gap h^2 / 10,
    # at most 1e-3 for h <= 0.1, so 2e-3.
    np.testing.assert_allclose(complex_, central, rtol=2e-3)
    np.testing.assert_allclose(central, abs(np.cos(2)) * ns["steps"][large] ** 2 / 6, rtol=2e-3)
    # No minimum for the complex step: every step below 1e-8 stays at machine precision.
    tiny = ns["steps"] <= 1e-8
    assert np.all(np.array(ns["errors"]["float64", "complex"])[tiny] <= 2 * EPS64)


def test_epsilon_powers_typed_on_the_page_match_the_computed_ones():
    page = (ROOT / "docs" / "numerical.md").read_text(encoding="utf-8")
    claims = re.findall(r"\\varepsilon(_\{?32\}?)?\^\{(1/3|2/3)\} \\approx (\d) \\times 10\^\{(-\d+)\}", page)
    assert len(claims) >= 3
    for dtype, power, mantissa, exponent in claims:
        eps = EPS32 if dtype else EPS64
        value = eps ** (1 / 3 if power == "1/3" else 2 / 3)
        assert f"{value:.0e}" == f"{mantissa}e{int(exponent):03d}"
    # What the float64 theory lines of the shown block print (the recipe points to them).
    assert f"{EPS64 ** (1 / 3):.0e}" == "6e-06" and f"{EPS64 ** (2 / 3):.0e}" == "4e-11"
    assert "machine epsilon of the arithmetic ($2.2 \\times 10^{-16}$ in float64, $1.2 \\times 10^{-7}$ in float32)" in page
    assert f"{EPS64:.1e}" == "2.2e-16" and f"{EPS32:.1e}" == "1.2e-07"


def test_figure_errors_really_run_in_float32():
    seen = []

    def spy(y):
        seen.append(np.asarray(y).dtype)
        return 5 + np.sin(y)

    derivative_errors(spy, np.cos(2.0), 2.0, [1e-3], "central", "float32")
    derivative_errors(spy, np.cos(2.0), 2.0, [1e-3], "complex", "float32")
    assert seen == [np.float32, np.float32, np.complex64]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: derivative_errors(1, 0.0, 2.0, [1e-3]), TypeError, "f must be callable"),
        (lambda: derivative_errors(np.sin, 0.0, 2.0, [1e-3], "backward"), ValueError, "method must be one of"),
        (lambda: derivative_errors(np.sin, 0.0, 2.0, [1e-3], "central", "float16"), ValueError, "dtype must be one of"),
        (lambda: derivative_errors(np.sin, 0.0, np.nan, [1e-3]), ValueError, "x must be finite"),
        (lambda: derivative_errors(np.sin, 0.0, [1.0, 2.0], [1e-3]), ValueError, "x must be a non-empty 0-D"),
        (lambda: derivative_errors(np.sin, "1", 2.0, [1e-3]), TypeError, "df_exact must be an array of numbers"),
        (lambda: derivative_errors(np.sin, 0.0, 2.0, [0.0]), ValueError, "steps must be a positive"),
        (lambda: derivative_errors(np.sin, 0.0, 2.0, [1e-3, np.inf]), ValueError, "steps must be finite"),
        (lambda: derivative_errors(np.sin, 0.0, 2.0, []), ValueError, "steps must not be empty"),
        (lambda: derivative_errors(np.sin, 0.0, 2.0, [[1e-3]]), ValueError, "steps must be a non-empty 1-D"),
    ],
)
def test_figure_errors_reject_bad_input_naming_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_the_figure_lines_are_the_printed_numbers(example):
    import matplotlib.pyplot as plt

    ns = example(PAGE, "best_steps")
    fig = step_error_figure()
    for ax, dtype in zip(fig.axes, ("float64", "float32")):
        lines = {line.get_label(): line for line in ax.get_lines()}
        for method in TOL:  # errors that are exactly zero are drawn at 1e-18 (the caption)
            np.testing.assert_array_equal(lines[method].get_xdata(), ns["steps"])
            np.testing.assert_array_equal(lines[method].get_ydata(), np.maximum(ns["errors"][dtype, method], 1e-18))
        eps = np.finfo(dtype).eps
        (label,) = [t for t in ax.texts if t.get_text().startswith("machine epsilon")]
        assert label.get_text() == f"machine epsilon {eps:.1e}" and label.get_position()[1] > eps  # above its line
    plt.close(fig)


def test_step_error_figure_has_two_panels_and_a_shared_legend():
    import matplotlib.pyplot as plt

    fig = step_error_figure()
    assert [ax.get_title() for ax in fig.axes] == ["float64", "float32"]
    assert all(len(ax.get_lines()) == 4 for ax in fig.axes)  # three methods and the epsilon line
    assert len(fig.legends) == 1
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["forward", "central", "complex"]
    plt.close(fig)


# --- the gradient check recipe ----------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(coordinate, coordinate)
def test_gradient_check_functions_are_the_running_example_and_its_slip(example, px, py):
    for name in ("gradient_check", "exercise_find_bug"):
        ns = example(PAGE, name)
        p = np.array([px, py])
        np.testing.assert_allclose(ns["f"](p), seed_f(p), rtol=1e-15, atol=1e-15)
        buggy = seed_jacobian(p)
        buggy[1, 1] = np.sin(py)  # d/dy sin y written as sin y
        np.testing.assert_allclose(ns["J_buggy"](p), buggy, rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(example(PAGE, "gradient_check")["J_correct"](p), seed_jacobian(p), rtol=1e-15, atol=1e-15)


def exact_relative_error(J: np.ndarray, J_ref: np.ndarray) -> float:
    """The page's relative error, step 3 of the recipe, against an exact reference Jacobian."""
    return float(np.max(np.abs(J - J_ref)) / max(np.max(np.abs(J)), np.max(np.abs(J_ref))))


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=-2, max_value=2), st.floats(min_value=-2, max_value=2))
def test_shown_gradient_check_passes_correct_and_measures_wrong_jacobians(example, px, py):
    ns = example(PAGE, "gradient_check")
    check, p = ns["gradient_check"], np.array([px, py])
    ok, rel = check(seed_f, seed_jacobian, p)
    assert ok and rel <= 1e-6
    # The central difference is within ~1e-10 of the exact Jacobian (entries >= 5 in size), so
    # the measured relative error equals the exact one to 1e-8.
    buggy = lambda q: seed_jacobian(q) * np.array([[1, 1], [1, -1]])  # noqa: E731  sign slip in cos y
    ok, rel = check(seed_f, buggy, p)
    expected = exact_relative_error(buggy(p), seed_jacobian(p))
    assert rel == pytest.approx(expected, abs=1e-8)
    assert ok == (rel <= 1e-6)
    if expected > 1e-4:
        assert not ok
    # "It does not change when f is multiplied by a constant."
    for c in (1e-3, 1e3):
        _, scaled = check(lambda q: c * seed_f(q), lambda q: c * buggy(q), p)
        assert scaled == pytest.approx(rel, rel=1e-6, abs=1e-10)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(min_value=-2, max_value=2), min_size=3, max_size=3))
def test_shown_gradient_check_on_a_non_square_map(example, point):
    check = example(PAGE, "gradient_check")["gradient_check"]
    x = np.array(point)
    J = np.asarray(G3_JACOBIAN(*x), float)
    ok, rel = check(g3, lambda v: np.asarray(G3_JACOBIAN(*v), float), x)
    assert ok and rel <= 1e-6
    wrong = J.copy()
    wrong[0, 2] += 0.1  # one wrong entry
    ok, rel = check(g3, lambda v: wrong, x)
    assert not ok and rel == pytest.approx(exact_relative_error(wrong, J), abs=1e-8)


def test_gradient_check_run_catches_the_slip(example):
    ns = example(PAGE, "gradient_check")
    rng = np.random.default_rng(0)  # the block draws the correct run's points, then the buggy run's
    correct = [ns["gradient_check"](ns["f"], ns["J_correct"], p) for p in rng.uniform(-2, 2, size=(5, 2))]
    buggy = [ns["gradient_check"](ns["f"], ns["J_buggy"], p) for p in rng.uniform(-2, 2, size=(5, 2))]
    assert all(ok for ok, _ in correct) and max(rel for _, rel in correct) < 1e-9  # "passed 5/5"
    assert not any(ok for ok, _ in buggy)  # "passed 0/5"
    assert [rel for _, rel in ns["results"]] == [rel for _, rel in buggy] and ns["worst"] == max(r for _, r in buggy)
    assert min(rel for _, rel in buggy) > 1e-2  # "a real bug ... of order 1e-2 or larger"


def test_tolerance_and_step_of_the_recipe(example):
    defaults = inspect.signature(example(PAGE, "gradient_check")["gradient_check"]).parameters
    tol, h = defaults["tol"].default, defaults["h"].default
    assert tol == 1e-6  # step 4: "Pass if it is at most 1e-6"
    assert h == pytest.approx(EPS64 ** (1 / 3), rel=0.02)  # step 2: h ~ eps^(1/3) ~ 6e-6
    assert tol / EPS64 ** (2 / 3) > 1e4  # "1e-6 is more than 1e4 times eps^(2/3)"
    page = (ROOT / "docs" / "numerical.md").read_text(encoding="utf-8")
    assert "is more than $10^4$ times $\\varepsilon^{2/3}$" in page


# --- when each method fails -----------------------------------------------------------------


def test_failure_modes(example):
    ns = example(PAGE, "failures")
    xs = np.linspace(-2, 2, 41)
    np.testing.assert_array_equal(ns["relu"](xs), np.where(xs > 0, xs, 0.0))
    # At the kink: forward is the right slope 1, central the average of 0 and 1.
    assert ns["forward_at_0"] == 1.0 and ns["central_at_0"] == 0.5
    # Near the kink, central crosses it: (x + h) / (2h) = 7/12 for x = 1e-6, h = 6e-6; neither slope.
    assert ns["central_near_0"] == pytest.approx(7 / 12, rel=1e-9)
    assert ns["with_abs"] == 0.0  # abs() throws the imaginary part away
    assert ns["with_safe_abs"] == 1.0
    np.testing.assert_array_equal(ns["safe_abs"](xs), np.abs(xs))
    assert numerical_jacobian(ns["safe_abs"], [-2.0], "complex")[0, 0] == -1.0


def test_complex_step_breaks_on_np_real_and_abs_but_not_on_branching_on_the_real_part(example):
    nj = example(PAGE, "numerical_jacobian")["numerical_jacobian"]
    for jacobian in (nj, numerical_jacobian):
        x = np.array([2.0])
        assert jacobian(lambda z: np.real(z) ** 2, x, "complex")[0, 0] == 0.0
        assert jacobian(np.abs, x, "complex")[0, 0] == 0.0
        branch = lambda z: np.where(np.real(z) > 0, z**2, -z)  # noqa: E731
        assert jacobian(branch, x, "complex")[0, 0] == pytest.approx(4.0, abs=1e-12)
    page = (ROOT / "docs" / "numerical.md").read_text(encoding="utf-8")
    assert "`maximum`" not in page  # np.maximum does carry the imaginary part away from ties


# --- exercises ------------------------------------------------------------------------------


def test_exercise_float32_step_two_smallest_and_growth_on_both_sides(example):
    ns = example(PAGE, "exercise_float32_step")
    assert ns["eps32"] == EPS32 and f"{EPS32:.2e}" == "1.19e-07"
    assert f"{EPS32 ** (1 / 3):.0e}" == "5e-03"  # the solution's "about 5e-3"
    errors = np.array(ns["errors"])
    figure = derivative_errors(lambda y: 5 + np.sin(y), np.cos(2.0), 2.0, ns["steps"], "central", "float32")
    np.testing.assert_array_equal(errors, figure)  # the same float32 arithmetic as the figure
    # At h = 0.1 truncation dominates: |cos 2| h^2 / 6, round-off ~ eps32 * 6 / h ~ 1e-5 is 1%.
    assert errors[0] == pytest.approx(abs(np.cos(2)) * 0.1**2 / 6, rel=0.03)
    assert (ns["first"], ns["second"]) == (np.float32(1e-2), np.float32(5e-3))
    k = int(np.argmin(errors))
    assert np.all(np.diff(errors[: k + 1]) < 0) and np.all(np.diff(errors[k:]) > 0)  # grow on both sides
    assert EPS32 ** (1 / 3) / 10 <= ns["first"] <= EPS32 ** (1 / 3) * 10


def test_exercise_find_bug_points_at_row_2_column_2(example):
    ns = example(PAGE, "exercise_find_bug")
    p = ns["p"]
    np.testing.assert_allclose(ns["J_num"], seed_jacobian(p), atol=1e-9)
    assert (ns["i"], ns["j"]) == (1, 1)
    rounded = ns["entrywise"].round(8)  # "every entry agrees to the eight printed decimals"
    assert rounded[0, 0] == rounded[0, 1] == rounded[1, 0] == 0.0
    exact = abs(np.sin(p[1]) - np.cos(p[1])) / abs(np.cos(p[1]))
    assert ns["entrywise"][1, 1] == pytest.approx(exact, rel=1e-8) and exact > 1


def test_exercise_tiny_step(example):
    ns = example(PAGE, "exercise_tiny_step")
    h = sp.Symbol("h", positive=True)
    assert sp.simplify(sp.im(sp.expand_complex(sp.sin(1 + sp.I * h))) - sp.cos(1) * sp.sinh(h)) == 0
    assert ns["h"] == 1e-300
    assert abs(ns["complex_step"] - np.cos(1.0)) <= EPS64  # printed as 0.0e+00
    assert 1.0 + 1e-20 == 1.0 and ns["central"] == 0.0
