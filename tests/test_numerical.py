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

import matplotlib.pyplot as plt
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from snippets.numerical.figures import derivative_errors, step_error_figure
from snippets.shared.finite_differences import DEFAULT_STEP, numerical_jacobian
from snippets.shared.running_example import seed_f, seed_f_sympy, seed_jacobian, seed_symbols

PAGE = "numerical"
PAGE_TEXT = (Path(__file__).resolve().parent.parent / "docs" / "numerical.md").read_text(encoding="utf-8")
EPS64, EPS32 = np.finfo(np.float64).eps, np.finfo(np.float32).eps
# Sizes <= ~30: forward ~ sqrt(eps) f'', central ~ eps^(2/3) f''', complex ~ eps; a wrong formula is off by O(1).
TOL = {"forward": 1e-5, "central": 1e-7, "complex": 1e-12}
F2 = lambda y: 5 + np.sin(y)  # noqa: E731  the figure's f_2(1, y): its derivative at y = 2 is cos 2
f_seed = lambda p: np.array([p[0] ** 2 * p[1], 5 * p[0] + np.sin(p[1])])  # noqa: E731  seed_f, complex-safe
# A non-square test map R^3 -> R^2 that also accepts complex input, and its exact Jacobian (SymPy).
g3 = lambda v: np.array([v[0] * v[1] * v[2], np.tanh(v[0] + 2 * v[1]) - v[2] ** 2])  # noqa: E731
a, b, c = ABC = sp.symbols("a b c")
G3_JACOBIAN = sp.lambdify(ABC, sp.Matrix([a * b * c, sp.tanh(a + 2 * b) - c**2]).jacobian(ABC))
# The page's relative error, step 3 of the recipe, computed against an exact reference Jacobian.
exact_relative_error = lambda J, K: np.max(np.abs(J - K)) / max(np.max(np.abs(J)), np.max(np.abs(K)))  # noqa: E731


def test_worked_example_entry_cos_2_truncation_of_the_quotients_and_the_three_methods(example):
    x, y, h = *seed_symbols(), sp.Symbol("h", positive=True)
    assert seed_f_sympy().jacobian([x, y])[1, 1].subs({x: 1, y: 2}) == sp.cos(2)
    for method in TOL:  # the checked copy, given a list (the same as given an array)
        J = numerical_jacobian(f_seed, [1.0, 2.0], method)
        np.testing.assert_array_equal(J, numerical_jacobian(f_seed, np.array([1.0, 2.0]), method))
        np.testing.assert_allclose(J[1, 1], np.cos(2), atol=TOL[method])
    quotient = (sp.sin(2 + h) - sp.sin(2 - h)) / (2 * h)
    assert sp.simplify(sp.expand_trig(quotient) - sp.cos(2) * sp.sin(h) / h) == 0
    assert sp.simplify(sp.series(quotient - sp.cos(2), h, 0, 4).removeO() + sp.cos(2) * h**2 / 6) == 0
    assert 6e-12 < abs(np.cos(2)) * 1e-10 / 6 < 8e-12  # the page's "near 7e-12 at h = 1e-5"
    forward = (sp.sin(2 + h) - sp.sin(2)) / h - sp.cos(2)
    assert sp.simplify(sp.series(forward, h, 0, 2).removeO() + sp.sin(2) * h / 2) == 0
    ns, exact = example(PAGE, "three_methods"), seed_jacobian([1.0, 2.0])  # the three methods written out
    np.testing.assert_allclose(ns["J_exact"], exact, rtol=1e-15)
    np.testing.assert_allclose(ns["f"](ns["p"]), seed_f([1.0, 2.0]), rtol=1e-15)
    # forward at h = 1e-8: h |f''| / 2 + eps |f| / h ~ 1e-7; central at 6e-6: ~ 1e-10; complex: eps.
    for name, tol in (("forward", 1e-6), ("central", 1e-9), ("complex_step", 1e-14)):
        assert np.max(np.abs(ns[name] - exact)) < tol


def test_complex_step_expansion_of_the_precise_statement_and_exercise_tiny_step(example):
    # f(x + i h) = f + i h f' - h^2/2 f'' - i h^3/6 f''' + O(h^4), Im/h = f' - h^2/6 f''' + O(h^4): sin, y^2 e^y.
    y, h = sp.symbols("y h", real=True)
    for f in (sp.sin(y), y**2 * sp.exp(y)):
        d = [sp.diff(f, y, k) for k in range(4)]
        series = sp.series(f.subs(y, y + sp.I * h), h, 0, 4).removeO()
        assert sp.simplify(sp.expand(series - (d[0] + sp.I * h * d[1] - h**2 / 2 * d[2] - sp.I * h**3 / 6 * d[3]))) == 0
        imag_over_h = sp.series(sp.im(sp.expand_complex(f.subs(y, y + sp.I * h))) / h, h, 0, 4).removeO()
        assert sp.simplify(imag_over_h - (d[1] - h**2 / 6 * d[3])) == 0
    ns, h = example(PAGE, "exercise_tiny_step"), sp.Symbol("h", positive=True)  # exercise 3
    assert sp.simplify(sp.im(sp.expand_complex(sp.sin(1 + sp.I * h))) - sp.cos(1) * sp.sinh(h)) == 0
    assert ns["h"] == 1e-300 and abs(ns["complex_step"] - np.cos(1.0)) <= EPS64  # printed as 0.0e+00
    assert 1.0 + 1e-20 == 1.0 and ns["central"] == 0.0


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(TOL)), st.lists(st.floats(-3, 3), min_size=3, max_size=3),
       st.sampled_from([None, 1e-3, 1e-7]))
def test_shown_numerical_jacobian_matches_sympy_and_its_checked_copy(example, method, point, h):
    nj, x = example(PAGE, "numerical_jacobian")["numerical_jacobian"], np.array(point)
    np.testing.assert_allclose(nj(g3, x, method), G3_JACOBIAN(*x), atol=TOL[method], rtol=0)
    np.testing.assert_allclose(nj(f_seed, x[:2], method), seed_jacobian(x[:2]), atol=TOL[method], rtol=0)
    np.testing.assert_array_equal(numerical_jacobian(g3, x, method, h), nj(g3, x, method, h))


def test_shown_numerical_jacobian_steps_scalar_functions_and_demo_errors(example):
    ns = example(PAGE, "numerical_jacobian")
    nj, step = ns["numerical_jacobian"], ns["STEP"]
    # The checked defaults, and the best steps of the theory: sqrt(eps), eps^(1/3), "any tiny h, e.g. 1e-20".
    assert step == DEFAULT_STEP and step["complex"] == 1e-20 and step["forward"] == pytest.approx(EPS64**0.5, rel=0.02)
    assert step["central"] == pytest.approx(EPS64 ** (1 / 3), rel=0.02)
    # The step it is given: truncation errors of sin, forward -sin(x) h / 2, central and complex -+cos(x) h^2 / 6.
    x, h = np.array([0.8]), 1e-2
    for method, truncation, rel in (("forward", -np.sin(x) * h / 2, 1e-2), ("central", -np.cos(x) * h**2 / 6, 1e-3),
                                    ("complex", np.cos(x) * h**2 / 6, 1e-3)):
        assert nj(np.sin, x, method, h)[0, 0] - np.cos(0.8) == pytest.approx(truncation[0], rel=rel)
        for jacobian in (nj, numerical_jacobian):  # a scalar function gives a row, in the shown function and the copy
            J = jacobian(lambda v: np.sum(v**2), np.array([1.0, 2.0, 3.0]), method)
            np.testing.assert_allclose(J, [[2.0, 4.0, 6.0]], atol=TOL[method])  # shapes must match too
    G = sp.Matrix([a * b * c, sp.sin(a) + c**2])
    np.testing.assert_allclose(ns["g"](ns["x"]), np.array(G.subs({a: 1, b: 2, c: 3}), float).ravel(), rtol=1e-15)
    J = np.array(G.jacobian(ABC).subs({a: 1, b: 2, c: 3}), float)
    np.testing.assert_allclose(ns["J_exact"], J, rtol=1e-15)
    assert ns["errors"]["forward"] < 1e-6 and ns["errors"]["central"] < 1e-9 and ns["errors"]["complex"] < 1e-14


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"f": 3}, TypeError, "f must be callable, got int"), ({"x": np.array([])}, ValueError, "x must not be empty"),
    ({"x": np.ones((2, 2))}, ValueError, r"x must be a non-empty 1-D array, got shape \(2, 2\)"),
    ({"x": [np.nan, 1.0]}, ValueError, "x must be finite"),
    ({"method": "backward"}, ValueError, "method must be one of"),
    ({"h": 0.0}, ValueError, "h must be a positive finite number"),
    ({"f": lambda v: np.ones((2, 2))}, ValueError, "scalar or a 1-D array"),
    ({"f": lambda v: 1 / (v - v)}, ValueError, "non-finite"),
])
def test_checked_numerical_jacobian_rejects_bad_input(kwargs, error, message):
    with np.errstate(all="ignore"), pytest.raises(error, match=message):
        numerical_jacobian(**({"f": seed_f, "x": np.array([1.0, 2.0])} | kwargs))


def test_best_steps_errors_behind_the_figure_and_exercise_float32_step(example):
    ns = example(PAGE, "best_steps")
    steps, errors = ns["steps"], {key: np.array(value) for key, value in ns["errors"].items()}
    np.testing.assert_array_equal(steps, np.logspace(-20, 0, 81))
    assert sorted(errors) == sorted((d, m) for d in ("float64", "float32") for m in TOL)
    for (dtype, method), err in errors.items():  # the same arithmetic as the figure
        np.testing.assert_array_equal(err, derivative_errors(F2, np.cos(2.0), 2.0, steps, method, dtype))
    # Steps 1e-3 .. 1e-1 in float64: truncation dominates round-off by >= 1e3 for every method.
    large = (steps >= 1e-3 - 1e-18) & (steps <= 1e-1 + 1e-16)
    assert large.sum() == 9
    for method, slope in (("forward", 1), ("central", 2), ("complex", 2)):  # "slope 1 (forward) and 2"
        assert abs(np.polyfit(np.log(steps[large]), np.log(errors["float64", method][large]), 1)[0] - slope) < 0.05
    # Both truncation errors are |cos 2| h^2 / 6 (the lines overlap); they differ by h^2 / 10 <= 1e-3 relative.
    central = errors["float64", "central"]
    np.testing.assert_allclose(errors["float64", "complex"][large], central[large], rtol=2e-3)
    np.testing.assert_allclose(central[large], abs(np.cos(2)) * steps[large] ** 2 / 6, rtol=2e-3)
    # No minimum for the complex step: every step below 1e-8 stays at machine precision.
    assert np.all(errors["float64", "complex"][steps <= 1e-8] <= 2 * EPS64)
    for dtype, eps in (("float64", EPS64), ("float32", EPS32)):
        best = {m: steps[np.argmin(errors[dtype, m])] for m in TOL}  # "within an order of magnitude"
        assert eps**0.5 / 10 <= best["forward"] <= eps**0.5 * 10
        assert eps ** (1 / 3) / 10 <= best["central"] <= eps ** (1 / 3) * 10
        assert errors[dtype, "complex"].min() < errors[dtype, "central"].min() < errors[dtype, "forward"].min()
    best32 = errors["float32", "central"].min()
    assert best32 > 1e5 * central.min() and 1e-6 < best32 / abs(np.cos(2)) < 1e-4  # "about four or five correct digits"
    # At h = 1e-20, y + h == y: the estimate is 0, the error |cos 2|.
    np.testing.assert_allclose([central[0], errors["float64", "forward"][0]], abs(np.cos(2.0)), rtol=1e-15)
    fig = step_error_figure()  # its lines are these numbers, in two panels with one legend
    assert [ax.get_title() for ax in fig.axes] == ["float64", "float32"] and len(fig.legends) == 1
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["forward", "central", "complex"]
    for ax, dtype, eps in zip(fig.axes, ("float64", "float32"), (EPS64, EPS32)):
        lines = {line.get_label(): line for line in ax.get_lines()}
        assert len(ax.get_lines()) == 4  # three methods and the epsilon line; errors of exactly 0 drawn at 1e-18
        for method in TOL:
            np.testing.assert_array_equal(lines[method].get_data(), [steps, np.maximum(errors[dtype, method], 1e-18)])
        (label,) = [t for t in ax.texts if t.get_text().startswith("machine epsilon")]
        assert label.get_text() == f"machine epsilon {eps:.1e}" and label.get_position()[1] > eps  # above its line
    plt.close(fig)
    ns = example(PAGE, "exercise_float32_step")  # exercise 1: two smallest errors, growth on both sides
    assert ns["eps32"] == EPS32 and f"{EPS32:.2e}" == "1.19e-07"
    assert f"{EPS32 ** (1 / 3):.0e}" == "5e-03"  # the solution's "about 5e-3"
    errors = np.array(ns["errors"])  # in the same float32 arithmetic as the figure
    np.testing.assert_array_equal(errors, derivative_errors(F2, np.cos(2.0), 2.0, ns["steps"], "central", "float32"))
    # At h = 0.1 truncation dominates: |cos 2| h^2 / 6, round-off ~ eps32 * 6 / h ~ 1e-5 is 1%.
    assert errors[0] == pytest.approx(abs(np.cos(2)) * 0.1**2 / 6, rel=0.03)
    assert (ns["first"], ns["second"]) == (np.float32(1e-2), np.float32(5e-3))  # next to eps32^(1/3)
    k = int(np.argmin(errors))
    assert np.all(np.diff(errors[: k + 1]) < 0) and np.all(np.diff(errors[k:]) > 0)  # grow on both sides


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"f": 1}, TypeError, "f must be callable"), ({"method": "backward"}, ValueError, "method must be one of"),
    ({"dtype": "float16"}, ValueError, "dtype must be one of"), ({"x": np.nan}, ValueError, "x must be finite"),
    ({"x": [1.0, 2.0]}, ValueError, "x must be a non-empty 0-D"),
    ({"df_exact": "1"}, TypeError, "df_exact must be an array of numbers"),
    ({"steps": [0.0]}, ValueError, "steps must be a positive"), ({"steps": []}, ValueError, "steps must not be empty"),
    ({"steps": [1e-3, np.inf]}, ValueError, "steps must be finite"),
    ({"steps": [[1e-3]]}, ValueError, "steps must be a non-empty 1-D"),
])
def test_figure_errors_reject_bad_input_naming_the_argument(kwargs, error, message):
    with pytest.raises(error, match=message):
        derivative_errors(**({"f": np.sin, "df_exact": 0.0, "x": 2.0, "steps": [1e-3]} | kwargs))


def test_page_numbers_and_wording_match_the_computed_ones():
    claims = re.findall(r"\\varepsilon(_\{?32\}?)?\^\{(1/3|2/3)\} \\approx (\d) \\times 10\^\{(-\d+)\}", PAGE_TEXT)
    assert len(claims) >= 3
    for dtype, power, mantissa, exponent in claims:
        value = (EPS32 if dtype else EPS64) ** (1 / 3 if power == "1/3" else 2 / 3)
        assert f"{value:.0e}" == f"{mantissa}e{int(exponent):03d}"
    # What the float64 theory lines of the shown block print (the recipe points to them).
    assert f"{EPS64 ** (1 / 3):.0e}" == "6e-06" and f"{EPS64 ** (2 / 3):.0e}" == "4e-11"
    assert ("machine epsilon of the arithmetic ($2.2 \\times 10^{-16}$ in float64, $1.2 \\times 10^{-7}$ in float32)"
            in PAGE_TEXT)
    assert f"{EPS64:.1e}" == "2.2e-16" and f"{EPS32:.1e}" == "1.2e-07"
    assert "is more than $10^4$ times $\\varepsilon^{2/3}$" in PAGE_TEXT
    assert "`maximum`" not in PAGE_TEXT  # np.maximum does carry the imaginary part away from ties


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=-2, max_value=2), min_size=3, max_size=3))
def test_shown_gradient_check_passes_correct_and_measures_wrong_jacobians(example, v):
    ns, p, x = example(PAGE, "gradient_check"), np.array(v[:2]), np.array(v)
    check, buggy = ns["gradient_check"], seed_jacobian(p)
    buggy[1, 1] = np.sin(p[1])  # the slip: d/dy sin y written as sin y
    for shown in (ns, example(PAGE, "exercise_find_bug")):  # the running example and its slip, in both blocks
        np.testing.assert_allclose(shown["f"](p), seed_f(p), rtol=1e-15, atol=1e-15)
        np.testing.assert_allclose(shown["J_buggy"](p), buggy, rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(ns["J_correct"](p), seed_jacobian(p), rtol=1e-15, atol=1e-15)
    ok, rel = check(seed_f, seed_jacobian, p)
    assert ok and rel <= 1e-6
    # Central differences are within ~1e-10 of the exact Jacobian (entries >= 5): relative errors agree to 1e-8.
    sign_slip = lambda q: seed_jacobian(q) * np.array([[1, 1], [1, -1]])  # noqa: E731  sign slip in cos y
    ok, rel = check(seed_f, sign_slip, p)
    expected = exact_relative_error(sign_slip(p), seed_jacobian(p))
    assert rel == pytest.approx(expected, abs=1e-8) and ok == (rel <= 1e-6) and (expected <= 1e-4 or not ok)
    for k in (1e-3, 1e3):  # "It does not change when f is multiplied by a constant."
        _, scaled = check(lambda q: k * seed_f(q), lambda q: k * sign_slip(q), p)
        assert scaled == pytest.approx(rel, rel=1e-6, abs=1e-10)
    J = np.asarray(G3_JACOBIAN(*x), float)  # a non-square map: exact passes, one wrong entry fails
    ok, rel = check(g3, lambda v: np.asarray(G3_JACOBIAN(*v), float), x)
    assert ok and rel <= 1e-6
    wrong = J + [[0, 0, 0.1], [0, 0, 0]]
    ok, rel = check(g3, lambda v: wrong, x)
    assert not ok and rel == pytest.approx(exact_relative_error(wrong, J), abs=1e-8)


def test_gradient_check_run_catches_the_slip_recipe_step_and_tolerance_and_exercise_find_bug(example):
    ns = example(PAGE, "gradient_check")
    rng = np.random.default_rng(0)  # the block draws the correct run's points, then the buggy run's
    correct = [ns["gradient_check"](ns["f"], ns["J_correct"], p) for p in rng.uniform(-2, 2, size=(5, 2))]
    buggy = [ns["gradient_check"](ns["f"], ns["J_buggy"], p) for p in rng.uniform(-2, 2, size=(5, 2))]
    assert all(ok for ok, _ in correct) and max(rel for _, rel in correct) < 1e-9  # "passed 5/5"
    assert not any(ok for ok, _ in buggy) and min(rel for _, rel in buggy) > 1e-2  # "passed 0/5", "of order 1e-2"
    assert [rel for _, rel in ns["results"]] == [rel for _, rel in buggy] and ns["worst"] == max(r for _, r in buggy)
    defaults = inspect.signature(ns["gradient_check"]).parameters
    tol, h = defaults["tol"].default, defaults["h"].default
    assert tol == 1e-6 and tol / EPS64 ** (2 / 3) > 1e4  # step 4: "at most 1e-6", "more than 1e4 times eps^(2/3)"
    assert h == pytest.approx(EPS64 ** (1 / 3), rel=0.02)  # step 2: h ~ eps^(1/3) ~ 6e-6
    ns = example(PAGE, "exercise_find_bug")  # exercise 2: the entrywise errors point at row 2, column 2
    p = ns["p"]
    np.testing.assert_allclose(ns["J_num"], seed_jacobian(p), atol=1e-9)
    assert (ns["i"], ns["j"]) == (1, 1)
    assert np.all(ns["entrywise"].round(8)[[0, 0, 1], [0, 1, 0]] == 0.0)  # "agrees to the eight printed decimals"
    exact = abs(np.sin(p[1]) - np.cos(p[1])) / abs(np.cos(p[1]))
    assert ns["entrywise"][1, 1] == pytest.approx(exact, rel=1e-8) and exact > 1


def test_failure_modes_and_complex_unsafe_code(example):
    ns = example(PAGE, "failures")
    xs = np.linspace(-2, 2, 41)
    np.testing.assert_array_equal(ns["relu"](xs), np.where(xs > 0, xs, 0.0))
    # At the kink: forward is the right slope 1, central the average of 0 and 1.
    assert ns["forward_at_0"] == 1.0 and ns["central_at_0"] == 0.5
    # Near the kink, central crosses it: (x + h) / (2h) = 7/12 for x = 1e-6, h = 6e-6; neither slope.
    assert ns["central_near_0"] == pytest.approx(7 / 12, rel=1e-9)
    assert ns["with_abs"] == 0.0 and ns["with_safe_abs"] == 1.0  # abs() throws the imaginary part away
    np.testing.assert_array_equal(ns["safe_abs"](xs), np.abs(xs))
    assert numerical_jacobian(ns["safe_abs"], [-2.0], "complex")[0, 0] == -1.0
    # np.real and abs break the complex step, branching on the real part does not: shown and checked copy.
    x = np.array([2.0])
    for jacobian in (example(PAGE, "numerical_jacobian")["numerical_jacobian"], numerical_jacobian):
        assert jacobian(lambda z: np.real(z) ** 2, x, "complex")[0, 0] == 0.0 == jacobian(np.abs, x, "complex")[0, 0]
        branch = lambda z: np.where(np.real(z) > 0, z**2, -z)  # noqa: E731
        assert jacobian(branch, x, "complex")[0, 0] == pytest.approx(4.0, abs=1e-12)
