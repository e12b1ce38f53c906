"""docs/numerical.md: forward, central and complex-step Jacobians, their step sizes, the gradient checks.

Every claim of the page is checked on the objects its examples make (snippets/numerical/): the
shown `numerical_jacobian` and its checked copy (snippets/shared/finite_differences.py, the
reference of every page's tests) against SymPy, the errors behind the figure against the
truncation and round-off laws the page states (the laws and their minimisers in SymPy), the
shown per-entry `gradient_check` against exact Jacobians, above all on a Jacobian whose small
entry carries the bug, the directional check and its cost, JAX's `check_grads` and its defaults
read from the installed JAX, the failure modes and the exercises.
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
# The whole-matrix score the page shows failing, computed against an exact reference Jacobian.
whole_matrix_score = lambda J, K: np.max(np.abs(J - K)) / max(np.max(np.abs(J)), np.max(np.abs(K)))  # noqa: E731


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


def test_step_theory_and_the_round_off_term_eps_f_over_h(example):
    h, e, F, a, b = sp.symbols("h varepsilon F a b", positive=True)  # F = |f_i|, a = |f''|, b = |f'''|
    third = sp.Rational(1, 3)
    for total, best in ((a * h / 2 + e * F / h, sp.sqrt(2 * e * F / a)),
                        (b * h**2 / 6 + e * F / h, (3 * e * F / b) ** third)):
        assert sp.simplify(sp.diff(total, h).subs(h, best)) == 0  # the page's minimisers
    error_at_best = (b * h**2 / 6 + e * F / h).subs(h, (3 * e * F / b) ** third)
    assert sp.simplify(sp.diff(error_at_best / e ** (2 * third), e)) == 0  # central's best error ~ eps^(2/3)
    # "for steps from 100 eps to sqrt(eps) / 10 the measured errors stay below eps |f_2| / h, |f_2| ~ 5.9"
    errors, steps = example(PAGE, "best_steps")["errors"], np.logspace(-20, 0, 81)
    window, f2 = (steps >= 100 * EPS64) & (steps <= EPS64**0.5 / 10), F2(2.0)
    assert window.sum() >= 15 and f"{f2:.1f}" == "5.9"
    for method in ("forward", "central"):
        ratio = np.array(errors["float64", method])[window] * steps[window] / (EPS64 * f2)
        assert ratio.max() < 1 and np.median(ratio) > 0.05  # below the estimate, and of its order


def test_recipe_run_per_entry_tolerances_and_relative_step(example):
    ns = example(PAGE, "gradient_check")
    check, defaults = ns["gradient_check"], inspect.signature(ns["gradient_check"]).parameters
    assert (defaults["rtol"].default, defaults["atol"].default) == (1e-6, 1e-8)
    assert 200 < 1e-8 / EPS64 ** (2 / 3) < 300  # "atol is more than 200 times eps^(2/3)"
    for q in np.random.default_rng(5).uniform(-2, 2, size=(4, 2)):
        np.testing.assert_allclose(ns["f"](q), seed_f(q), rtol=1e-15)
        np.testing.assert_allclose(ns["J_correct"](q), seed_jacobian(q), rtol=1e-15)
        slip = [[0, 0], [0, np.sin(q[1]) - np.cos(q[1])]]  # sin y where cos y belongs
        np.testing.assert_allclose(ns["J_buggy"](q), seed_jacobian(q) + slip, atol=1e-15)
    points = ns["points"]
    np.testing.assert_array_equal(points, np.random.default_rng(0).uniform(-2, 2, size=(5, 2)))
    assert all(check(seed_f, seed_jacobian, p)[0] for p in points)  # "passed 5/5"
    assert np.min(np.abs(np.sin(points[:, 1]) - np.cos(points[:, 1]))) > 1e-3  # the slip is far above tolerance
    assert ns["passed"] == 0 and ns["flagged"].tolist() == [[0, 0], [0, 5]]  # "all five points, only entry (2, 2)"
    # Item 2: h_j = eps^(1/3) max(1, |x_j|), seen from the points where f is evaluated.
    seen, p = [], np.array([0.5, -300.0])
    np.testing.assert_allclose(ns["central_jacobian"](lambda q: seen.append(q.copy()) or q, p), np.eye(2), atol=1e-9)
    np.testing.assert_allclose(np.abs(np.array(seen) - p).max(axis=1), EPS64 ** (1 / 3) * np.array([1, 1, 300, 300]))


@settings(max_examples=60, deadline=None)
@given(st.floats(0.1, 1.4), st.floats(0.2, 2.9), st.floats(1, 1e6), st.floats(1e-7, 1.0), st.floats(-2, 2))
def test_recipe_flags_a_wrong_sign_in_a_small_entry_whatever_the_large_ones(example, x, y, big, small, z):
    """The false claim must not come back: the shown recipe catches the diluted bug on every such matrix."""
    ns = example(PAGE, "gradient_check")
    check, p = ns["gradient_check"], np.array([x, y])
    f = lambda q: np.array([big * np.sin(q[0]), small * np.cos(q[1])])  # noqa: E731
    exact = lambda q: np.diag([big * np.cos(q[0]), -small * np.sin(q[1])])  # noqa: E731
    buggy = lambda q: exact(q) * [[1, 1], [1, -1]]  # noqa: E731  the sign slip in the small entry
    assert check(f, exact, p)[0]
    ok, bad = check(f, buggy, p)
    assert not ok and bad.tolist() == [[False, False], [False, True]]
    if small <= 1e-4 and big >= 1e3 and x <= 1:  # the whole-matrix score, 2 small |sin y| / (big cos x), misses it
        assert whole_matrix_score(buggy(p), exact(p)) <= 1e-6
    # The blind spot: a linear map with a huge entry; a wrong sign is flagged above about atol / 2, not below.
    for size, flagged in ((0.51e-8, True), (0.49e-8, False)):
        D = np.diag([big, size])
        assert (not check(lambda q: D @ q, lambda q: D * [[1, 1], [1, -1]], np.array([z, 1.0]))[0]) == flagged
    g3_exact = lambda v: np.asarray(G3_JACOBIAN(*v), float)  # noqa: E731  a non-square map
    assert check(g3, g3_exact, np.array([x, y, z]))[0]
    ok, bad = check(g3, lambda v: g3_exact(v) + [[0, 0, 0.1], [0, 0, 0]], np.array([x, y, z]))
    assert not ok and bad.tolist() == [[False, False, True], [False, False, False]]


def test_the_shown_diluted_bug_passes_the_whole_matrix_score_and_fails_per_entry(example):
    ns = example(PAGE, "gradient_check")
    x, y = p = ns["p"]
    np.testing.assert_allclose(ns["f_scaled"](p), [1000 * np.sin(x), 1e-4 * np.cos(y)], rtol=1e-15)
    exact = np.diag([1000 * np.cos(x), -1e-4 * np.sin(y)])
    np.testing.assert_allclose(ns["J_scaled_buggy"](p), exact * [[1, 1], [1, -1]], rtol=1e-15)
    np.testing.assert_allclose(ns["J_num"], exact, rtol=1e-9, atol=1e-12)  # central differences: ~eps^(2/3) |f|
    score = 2e-4 * np.sin(y) / (1000 * np.cos(x))  # the wrong sign, over the largest entry
    assert ns["whole_matrix"] == pytest.approx(score, rel=1e-3) and ns["whole_matrix"] <= 1e-6
    assert f"{ns['whole_matrix']:.1e}" == "1.3e-07" and "sees $1.3 \\times 10^{-7}$ and passes" in PAGE_TEXT
    assert not ns["ok"] and ns["bad"].tolist() == [[False, False], [False, True]]


def test_directional_check_cost_sensitivity_and_its_dilution(example):
    ns = example(PAGE, "directional_check")
    W, x, n, m = ns["W"], ns["x"], ns["n"], ns["m"]
    assert W.shape == (m, n) == (200, 300) and "$n = 300$\ninputs and $m = 200$ outputs" in PAGE_TEXT
    np.testing.assert_array_equal(ns["layer"](x), np.tanh(W @ x))
    J = (1 - np.tanh(W @ x) ** 2)[:, None] * W  # tanh'(Wx) W, checked against finite differences (error ~1e-10)
    np.testing.assert_allclose(J, numerical_jacobian(lambda v: np.tanh(W @ v), x), atol=1e-8)
    u = np.random.default_rng(1).standard_normal(m)
    assert abs(W.std() * np.sqrt(n) - 1) < 0.02  # entries of variance 1/n
    np.testing.assert_allclose(ns["vjp_correct"](x, u), u @ J, atol=1e-12)
    np.testing.assert_allclose(ns["vjp_buggy"](x, u), W.T @ (u * (1 - np.tanh(W @ x))), atol=1e-12)  # the slip
    D, wrong = np.diag([1e-3, 1.0]), np.diag([1.1e-3, 1.0])  # a 10% error in a small entry fails both checks
    for check in (ns["full_check"], ns["directional_check"]):
        assert check(lambda v: D @ v, lambda q, u: u @ D, np.ones(2))
        assert not check(lambda v: D @ v, lambda q, u: u @ wrong, np.ones(2))
    assert ns["evaluations"] == {"full_check": 2 * n, "directional_check": 2} and "$2n = 600$" in PAGE_TEXT
    assert ns["verdicts"] == {"full_check": (True, False), "directional_check": (True, False)}
    # E[(u^T E v)^2] = sum E_ij^2 for independent standard normal u, v (Monte Carlo, 4e5 draws: ~1% noise).
    E, rng = np.array([[1.0, -2.0], [0.5, 3.0], [0.0, 1.5]]), np.random.default_rng(2)
    uu, vv = rng.standard_normal((400_000, 3)), rng.standard_normal((400_000, 2))
    assert np.mean(np.einsum("ki,ij,kj->k", uu, E, vv) ** 2) == pytest.approx(np.sum(E**2), rel=0.03)
    # The dilution: one direction misses the diluted sign slip for most seeds; the small output alone, never.
    check, gc = ns["directional_check"], example(PAGE, "gradient_check")
    f, Jb, p = gc["f_scaled"], gc["J_scaled_buggy"], gc["p"]
    exact = np.diag([1000 * np.cos(p[0]), -1e-4 * np.sin(p[1])])
    assert all(check(f, lambda q, u: u @ exact, p, seed=s) for s in range(20))  # the correct VJP passes
    misses = sum(check(f, lambda q, u: u @ Jb(q), p, seed=s) for s in range(20))
    small_alone = sum(check(lambda q: f(q)[1:], lambda q, u: u @ Jb(q)[1:], p, seed=s) for s in range(20))
    assert misses == 15 and small_alone == 0 and "for 15 of 20 random seeds" in PAGE_TEXT and "for all 20" in PAGE_TEXT


def test_jax_check_grads_block_and_the_stated_defaults(example):
    import jax
    from jax._src import public_test_util as jtu
    from jax.test_util import check_grads

    was_x64 = jax.config.jax_enable_x64
    try:  # the block turns on float64 for the whole process; give other pages' tests theirs back
        ns = example(PAGE, "jax_check_grads")
        p = ns["p"]
        assert p.dtype == np.float64
        np.testing.assert_allclose(jax.jacfwd(ns["f"])(p), seed_jacobian([1.0, 2.0]), rtol=1e-15)
        value, vjp_fn = jax.vjp(ns["f_buggy"], p)
        for out in (value, ns["f_buggy"](p), ns["f"](p)):
            np.testing.assert_allclose(out, seed_f([1.0, 2.0]), rtol=1e-15)
        np.testing.assert_allclose(vjp_fn(np.array([0.0, 1.0]))[0], [5.0, np.sin(2.0)], rtol=1e-15)  # the slip
        assert ns["correct_passes"] is True and ns["buggy_passes"] is False
        # The defaults the page states, read from the installed JAX.
        params = inspect.signature(check_grads).parameters
        assert params["order"].default is inspect.Parameter.empty and params["modes"].default == ("fwd", "rev")
        assert params["atol"].default is params["rtol"].default is params["eps"].default is None
        assert jtu.EPS == 1e-4 and jax.__version__ == "0.10.2"
        tol = jtu.default_gradient_tolerance
        assert tol[np.dtype(np.float64)] == 1e-5 and tol[np.dtype(np.float32)] == 2e-3
        # check_jvp / check_vjp compare with these dicts; 5e-5 > 1e-5 passes: the tolerance times 10 entries.
        jtu.check_close(np.zeros(10), np.full(10, 5e-5), atol=tol, rtol=tol)
        with pytest.raises(AssertionError):
            jtu.check_close(np.zeros(1), np.full(1, 5e-5), atol=tol, rtol=tol)
    finally:
        jax.config.update("jax_enable_x64", was_x64)
    for stated in ('check_grads(f, args, order, modes=("fwd", "rev"), atol=None, rtol=None, eps=None)',
                   "`eps` defaults to $10^{-4}$", "$10^{-5}$ in float64 and\n  $2 \\times 10^{-3}$ in float32",
                   "(JAX 0.10.2)",  # PyTorch's signature as its documentation gives it (not installed here)
                   "gradcheck(func, inputs, *, eps=1e-06, atol=1e-05, rtol=0.001, ..., fast_mode=False)"):
        assert stated in PAGE_TEXT, stated


def test_exercise_zero_entry_needs_the_absolute_tolerance(example):
    ns, x, h = example(PAGE, "exercise_zero_entry"), sp.Symbol("x"), sp.Symbol("h", positive=True)
    f = x**3 - 3 * x
    assert sp.diff(f, x).subs(x, 1) == 0 == ns["exact"] and ns["f"](1.5) == float(f.subs(x, 1.5))
    assert sp.simplify((f.subs(x, 1 + h) - f.subs(x, 1 - h)) / (2 * h)) == h**2  # truncation h^2 |f'''| / 6 = h^2
    assert ns["estimate"] == pytest.approx(6e-6**2, rel=0.1)  # plus round-off, here 1e-12 (at most eps |f| / h)
    assert f"{6e-6**2:.1e}" == "3.6e-11" and "h^2 \\approx 3.6 \\times 10^{-11}$" in PAGE_TEXT
    assert ns["verdicts"] == {0.0: False, 1e-8: True}


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
    assert "is more than $200$ times" in PAGE_TEXT and "\\varepsilon\\lvert f_i\\rvert / h" in PAGE_TEXT
    assert "`maximum`" not in PAGE_TEXT  # np.maximum does carry the imaginary part away from ties
    # The false claim must not come back: no blanket "a real bug gives 1e-2 or more" under any metric.
    # gradcheck's eps = 1e-6 in float32: round-off eps32 |f| / h ~ 0.1 |f|.
    assert f"{EPS32 / 1e-6:.1f}" == "0.1" and "\\approx 0.1\\,\\lvert f_i\\rvert$" in PAGE_TEXT
    assert "or larger" not in PAGE_TEXT and "10^{-16}/h" not in PAGE_TEXT and "\\varepsilon / h" not in PAGE_TEXT


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
