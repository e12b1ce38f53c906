"""docs/linear-map.md: the Jacobian is the best local linear map, with an error of order |h|^2.

Every claim of the page is checked on the objects its examples make (snippets/linear_map/):
the shown f and J against SymPy and finite differences, the worked error 2a^2, the measured
slopes (2 with J, 1 with its transpose) against errors computed here, the windows and
thresholds of the page's table, each exercise by value, and the data the two figures draw.
"""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.linear_map.figures import grid_figure, slope_figure
from snippets.shared.finite_differences import numerical_jacobian
from snippets.shared.running_example import seed_f_sympy, seed_symbols
from tests.conftest import ROOT

PAGE = "linear_map"
LENGTHS = np.logspace(-4, -1, 13)
# Slope tolerance 0.05: the log-log fits below are exact up to the higher-order terms of f,
# kept below a few percent of the leading term by the ranges of |h| each test chooses.
SLOPE_TOL = 0.05
EPS = np.finfo(float).eps

coordinate = st.floats(min_value=-2, max_value=2, allow_nan=False, allow_infinity=False)
angle = st.floats(min_value=0, max_value=2 * np.pi, allow_nan=False)

_x, _y = seed_symbols()
# The independent reference: f and its Jacobian differentiated by SymPy, evaluated by NumPy.
REF_F = sp.lambdify((_x, _y), seed_f_sympy(), "numpy")
REF_J = sp.lambdify((_x, _y), seed_f_sympy().jacobian([_x, _y]), "numpy")


def ref_f(p) -> np.ndarray:
    return np.asarray(REF_F(*p), dtype=float).ravel()


def ref_jacobian(p) -> np.ndarray:
    return np.asarray(REF_J(*p), dtype=float)


def linearization_errors(f, A, p, u, lengths) -> np.ndarray:
    """|f(p + t u) - f(p) - A (t u)| for each length t (u a unit vector)."""
    return np.array([np.linalg.norm(f(p + t * u) - f(p) - A @ (t * u)) for t in lengths])


def fit_slope(lengths, errors) -> float:
    """Least-squares slope of log(error) against log(length): the order p in error ~ C t^p."""
    return float(np.polyfit(np.log(lengths), np.log(errors), 1)[0])


def second_order_size(p, u) -> float:
    """|(1/2) u^T H_i u| over components i: the coefficient of |h|^2 in the remainder."""
    x, y = p
    h1 = np.array([[2 * y, 2 * x], [2 * x, 0.0]])  # Hessian of x^2 y
    h2 = np.array([[0.0, 0.0], [0.0, -np.sin(y)]])  # Hessian of 5x + sin y
    return np.hypot(u @ h1 @ u, u @ h2 @ u) / 2


# --- the shown f and J ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["first_order", "error_slope"])
def test_shown_jacobian_at_the_page_point_is_the_hand_result(example, name):
    ns = example(PAGE, name)
    x, y = seed_symbols()
    assert seed_f_sympy().jacobian([x, y]).subs({x: 1, y: 2}) == sp.Matrix([[4, 1], [5, sp.cos(2)]])
    np.testing.assert_allclose(ns["J"](np.array([1.0, 2.0])), [[4, 1], [5, np.cos(2)]], rtol=1e-15)
    np.testing.assert_allclose(ns["f"](np.array([1.0, 2.0])), [2, 5 + np.sin(2)], rtol=1e-15)


@settings(max_examples=40, deadline=None)
@given(px=coordinate, py=coordinate)
@pytest.mark.parametrize("name", ["first_order", "error_slope"])
def test_shown_f_and_j_match_sympy_and_finite_differences(example, name, px, py):
    ns = example(PAGE, name)
    p = np.array([px, py])
    np.testing.assert_allclose(ns["f"](p), ref_f(p), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(ns["J"](p), ref_jacobian(p), rtol=1e-13, atol=1e-13)
    # Central differences with the default step 6e-6: truncation ~ h^2 |f'''| / 6 < 1e-10 and
    # round-off ~ eps |f| / h < 1e-9 for |x|, |y| <= 2, so 1e-7 leaves a margin of 100.
    np.testing.assert_allclose(numerical_jacobian(ns["f"], p), ns["J"](p), atol=1e-7, rtol=0)


# --- a worked example by hand ---------------------------------------------------------------


def test_worked_example_error_is_2a_squared(example):
    a = sp.Symbol("a")
    x, y = seed_symbols()
    f = seed_f_sympy()
    J = f.jacobian([x, y]).subs({x: 1, y: 2})
    exact = f.subs({x: 1 + a, y: 2})
    linear = f.subs({x: 1, y: 2}) + J * sp.Matrix([a, 0])
    assert sp.simplify(exact - linear) == sp.Matrix([2 * a**2, 0])
    # The page's numbers, from the shown f and J: 0.02 for a = 0.1, 0.005 for a = 0.05.
    ns = example(PAGE, "first_order")
    p = np.array([1.0, 2.0])
    for step, expected in ((0.1, 0.02), (0.05, 0.005)):
        h = np.array([step, 0.0])
        error = ns["f"](p + h) - (ns["f"](p) + ns["J"](p) @ h)
        np.testing.assert_allclose(error, [expected, 0.0], rtol=1e-9, atol=1e-15)


def test_first_order_last_step_moves_both_coordinates(example):
    ns = example(PAGE, "first_order")
    p, h = np.array([1.0, 2.0]), np.array([0.1, -0.05])
    np.testing.assert_array_equal(ns["p"], p)
    np.testing.assert_array_equal(ns["h"], h)
    np.testing.assert_allclose(ns["exact"], ref_f(p + h), rtol=1e-14)
    np.testing.assert_allclose(ns["predicted"], ref_f(p) + ref_jacobian(p) @ h, rtol=1e-14)
    # Both components now err, by the second-order terms: x^2 y gives a^2 y + 2xab + a^2 b.
    a, b = h
    np.testing.assert_allclose(ns["exact"][0] - ns["predicted"][0], a**2 * 2 + 2 * a * b + a**2 * b, rtol=1e-9)
    assert abs(ns["exact"][1] - ns["predicted"][1]) > 1e-4


# --- the slope of the error, measured -------------------------------------------------------


def test_error_slope_example_measures_slope_1_for_the_transpose(example):
    ns = example(PAGE, "error_slope")
    p = np.array([1.0, 2.0])
    np.testing.assert_array_equal(ns["p"], p)
    # Thirteen lengths from 1e-4 to 1e-1, equally spaced on a log scale.
    assert ns["lengths"].shape == (13,)
    np.testing.assert_allclose(ns["lengths"][[0, -1]], [1e-4, 1e-1], rtol=1e-14)
    np.testing.assert_allclose(ns["lengths"][1:] / ns["lengths"][:-1], 10 ** 0.25, rtol=1e-12)
    # A random unit direction
    raw = np.random.default_rng(0).normal(size=2)
    np.testing.assert_allclose(ns["u"], raw / np.hypot(*raw), rtol=1e-15)
    # The loop ends on A = J^T: its errors and slope, against errors computed here.
    assert ns["name"] == "J^T"
    np.testing.assert_allclose(ns["A"], ref_jacobian(p).T, rtol=1e-15)
    expected = linearization_errors(ref_f, ref_jacobian(p).T, p, ns["u"], ns["lengths"])
    # errors >= 4e-4 while round-off in f is ~ eps |f| ~ 1e-15: 1e-9 relative is ample
    np.testing.assert_allclose(ns["errors"], expected, rtol=1e-9)
    assert ns["slope"] == pytest.approx(fit_slope(ns["lengths"], expected), rel=1e-9)
    assert abs(ns["slope"] - 1) < SLOPE_TOL


def test_error_slope_example_gives_slope_2_with_the_jacobian(example):
    ns = example(PAGE, "error_slope")
    p, u, lengths = ns["p"], ns["u"], ns["lengths"]
    errors = linearization_errors(ns["f"], ns["J"](p), p, u, lengths)
    np.testing.assert_allclose(errors, linearization_errors(ref_f, ref_jacobian(p), p, u, lengths), rtol=1e-6)
    assert abs(fit_slope(lengths, errors) - 2) < SLOPE_TOL
    # "far above double-precision round-off in f (about 1e-16 times |f|)" at the smallest step,
    # for both matrices: a factor of 100 at least.
    floor = EPS * np.linalg.norm(ns["f"](p))
    assert errors[0] > 100 * floor and ns["errors"][0] > 100 * floor


def test_fit_slope_recovers_known_powers():
    # The fit the page uses (np.polyfit of the logs), on exact powers.
    t = np.logspace(-3, 0, 10)
    for power in (1, 2, 3):
        assert fit_slope(t, 7 * t**power) == pytest.approx(power, abs=1e-12)


# --- the table of test windows: the claims, at random points and directions ------------------


@settings(max_examples=60, deadline=None)
@given(px=coordinate, py=coordinate, theta=angle)
def test_slope_is_2_with_the_jacobian_and_1_with_its_transpose(example, px, py, theta):
    ns = example(PAGE, "error_slope")
    f, p = ns["f"], np.array([px, py])
    u = np.array([np.cos(theta), np.sin(theta)])
    J = ns["J"](p)
    # Slope 2: where the h^2 coefficient is >= 0.2, the h^3 term (third derivatives <= 2 here)
    # is under 5% of it for |h| <= 1e-2, and the error stays far above round-off at 1e-4.
    # (Where the h^2 coefficient vanishes, the slope is 3: those points are skipped.)
    if second_order_size(p, u) >= 0.2:
        lengths = np.logspace(-4, -2, 13)
        assert abs(fit_slope(lengths, linearization_errors(f, J, p, u, lengths)) - 2) < SLOPE_TOL
    # Slope 1 with J^T: where |(J^T - J) u| >= 0.5 the linear error dominates the h^2 term
    # (coefficient <= 4 here) by a factor >= 100 for |h| <= 1e-3.
    if np.linalg.norm((J.T - J) @ u) >= 0.5:
        lengths = np.logspace(-6, -3, 13)
        assert abs(fit_slope(lengths, linearization_errors(f, J.T, p, u, lengths)) - 1) < SLOPE_TOL


@settings(max_examples=30, deadline=None)
@given(px=coordinate, py=coordinate, theta=angle)
def test_the_page_range_gives_slope_2_where_curvature_is_not_small(example, px, py, theta):
    # The page fits over |h| in [1e-4, 1e-1]; that range works where the h^2 term clearly dominates.
    ns = example(PAGE, "error_slope")
    p = np.array([px, py])
    u = np.array([np.cos(theta), np.sin(theta)])
    if second_order_size(p, u) >= 1.0:
        errors = linearization_errors(ns["f"], ns["J"](p), p, u, LENGTHS)
        assert abs(fit_slope(LENGTHS, errors) - 2) < SLOPE_TOL


def test_any_wrong_entry_drops_the_slope_to_1(example):
    # Slope 1 is the small-|h| behaviour: at |h| ~ 0.1 the h^2 term of f is as large as the
    # error 0.5 h of the wrong entry and bends the curve, so fit over |h| in [1e-5, 1e-2].
    ns = example(PAGE, "error_slope")
    lengths = np.logspace(-5, -2, 13)
    p, u = np.array([1.0, 2.0]), np.array([0.6, 0.8])
    J = ns["J"](p)
    for i in range(2):
        for j in range(2):
            A = J.copy()
            A[i, j] += 0.5
            assert abs(fit_slope(lengths, linearization_errors(ns["f"], A, p, u, lengths)) - 1) < SLOPE_TOL


def test_slope_is_3_where_the_second_order_term_vanishes(example):
    # At (1, 0) along (0, 1): f1 = x^2 y is linear in y and sin'' = -sin 0 = 0, so the remainder
    # is (0, sin t - t) ~ t^3 / 6; "slope at least 2", here 3. Round-off stays far below
    # t^3 / 6 >= 1.7e-10 on [1e-3, 1e-1].
    ns = example(PAGE, "error_slope")
    p, u = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    assert second_order_size(p, u) == 0
    lengths = np.logspace(-3, -1, 9)
    assert abs(fit_slope(lengths, linearization_errors(ns["f"], ns["J"](p), p, u, lengths)) - 3) < SLOPE_TOL


def test_a_wrong_matrix_keeps_slope_2_along_its_null_space_direction(example):
    # A - J = w n^T with n orthogonal to u: (A - J) u = 0, so along u the slope stays 2.
    ns = example(PAGE, "error_slope")
    p, u = np.array([1.0, 2.0]), np.array([0.6, 0.8])
    n = np.array([-0.8, 0.6])
    A = ns["J"](p) + np.outer([0.7, -0.3], n)
    assert np.allclose((A - ns["J"](p)) @ u, 0)
    lengths = np.logspace(-4, -2, 13)
    assert abs(fit_slope(lengths, linearization_errors(ns["f"], A, p, u, lengths)) - 2) < SLOPE_TOL
    v = n  # outside the null space: slope 1
    lengths = np.logspace(-6, -3, 13)
    assert abs(fit_slope(lengths, linearization_errors(ns["f"], A, p, v, lengths)) - 1) < SLOPE_TOL


def test_a_slightly_wrong_entry_looks_like_slope_2_over_the_page_window_but_not_for_small_steps(example):
    # Entry off by 1e-3; along u = (0.6, 0.8) the curvature coefficient is about 2, so slope 1
    # needs |h| well below 1e-3 / 2. Over the page's window [1e-4, 1e-1] the fit is far from 1.
    ns = example(PAGE, "error_slope")
    p, u = np.array([1.0, 2.0]), np.array([0.6, 0.8])
    A = ns["J"](p).copy()
    A[1, 1] += 1e-3
    assert second_order_size(p, u) > 1
    page_window = fit_slope(LENGTHS, linearization_errors(ns["f"], A, p, u, LENGTHS))
    assert page_window > 1.5
    small = np.logspace(-8, -6, 9)  # error ~ 8e-4 t >= 8e-12, far above round-off (~1e-15)
    assert abs(fit_slope(small, linearization_errors(ns["f"], A, p, u, small)) - 1) < SLOPE_TOL


def test_page_table_of_test_windows_matches_these_tests():
    # docs/linear-map.md describes the windows and thresholds used above; keep them in step.
    page = (ROOT / "docs" / "linear-map.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (.+?) \| \$10\^\{(-\d)\}\$ to \$10\^\{(-\d)\}\$ \| (.+?) \| within \$([\d.]+)\$ of (\d) \|$", page, re.M)
    assert len(rows) == 4
    source = (ROOT / "tests" / "test_linear_map.py").read_text(encoding="utf-8")
    for claim, lo, hi, where, tol, slope in rows:
        assert float(tol) == SLOPE_TOL
        if lo == "-4" and hi == "-1":
            assert LENGTHS[0] == 1e-4 and LENGTHS[-1] == 1e-1
        else:
            assert f"np.logspace({lo}, {hi}, 13)" in source, claim
    thresholds = [float(t) for t in re.findall(r"\\ge ([\d.]+)\$", "\n".join(r[3] for r in rows))]
    assert thresholds == [0.2, 1.0, 0.5]
    for needle in ("second_order_size(p, u) >= 0.2", "second_order_size(p, u) >= 1.0", "(J.T - J) @ u) >= 0.5", "A[i, j] += 0.5"):
        assert needle in source


# --- exercises ------------------------------------------------------------------------------


def test_exercise_predict_from_the_jacobian(example):
    ns = example(PAGE, "exercise_predict")
    np.testing.assert_array_equal(np.array([ns["x"], ns["y"]]) + ns["h"], [0.9, 2.1])
    np.testing.assert_allclose(ns["f_p"], ref_f((1.0, 2.0)), rtol=1e-15)
    np.testing.assert_allclose(ns["J"], ref_jacobian((1.0, 2.0)), rtol=1e-15)
    x, y = seed_symbols()
    exact = np.array(seed_f_sympy().subs({x: sp.Rational(9, 10), y: sp.Rational(21, 10)}).evalf(), float).ravel()
    np.testing.assert_allclose(ns["exact"], exact, rtol=1e-14)
    # The solution's prediction (2 - 0.4 + 0.1, 5 + sin 2 - 0.5 + 0.1 cos 2)
    np.testing.assert_allclose(ns["predicted"], [1.7, 5 + np.sin(2) - 0.5 + 0.1 * np.cos(2)], rtol=1e-14)
    assert np.all(np.abs(ns["exact"] - ns["predicted"]) < 0.01)  # small, of order |h|^2 = 0.02


def test_exercise_remainder_is_second_order(example):
    ns = example(PAGE, "exercise_remainder")
    x, y, a, b = sp.symbols("x y a b")
    assert sp.expand(ns["linear"] - (x**2 * y + 2 * x * y * a + x**2 * b)) == 0
    assert ns["remainder"] == sp.expand(a**2 * y + 2 * x * a * b + a**2 * b)
    poly = sp.Poly(ns["remainder"], a, b)
    assert min(sum(m) for m in poly.monoms()) == 2


def test_exercise_constant_is_half_the_second_derivative(example):
    ns = example(PAGE, "exercise_constant")
    t = sp.Symbol("t")
    error = sp.expand((1 + t) ** 3 - (1 + 3 * t))
    assert error == 3 * t**2 + t**3
    assert sp.limit(error / t**2, t, 0) == sp.diff(t**3, t, 2).subs(t, 1) / 2 == 3
    # The loop ends at h = 1e-3: error = 3h^2 + h^3 (cancellation leaves ~1e-16 of 3e-6).
    h = ns["h"]
    assert ns["x"] == 1.0 and h == 1e-3
    assert ns["error"] == pytest.approx(3 * h**2 + h**3, rel=1e-8)
    assert abs(ns["error"] / h**2 - 3) < 0.01


# --- figures --------------------------------------------------------------------------------


def grid_offsets(w: float, lines: int = 7) -> list[np.ndarray]:
    """The figure's grid lines around p, as offsets: x = const first, then y = const."""
    ticks, fine = np.linspace(-w, w, lines), np.linspace(-w, w, 41)
    return [np.stack([np.full_like(fine, c), fine], 1) for c in ticks] + [
        np.stack([fine, np.full_like(fine, c)], 1) for c in ticks
    ]


def test_grid_figure_draws_f_and_its_linear_map():
    p, half_width, zoom = np.array([1.0, 2.0]), 0.4, 0.1
    fig = grid_figure(p=[1.0, 2.0], half_width=half_width, zoom=zoom)  # a list works as p
    assert len(fig.axes) == 3
    left, middle, right = fig.axes
    fp, J = ref_f(p), ref_jacobian(p)
    for k, d in enumerate(grid_offsets(half_width)):
        np.testing.assert_allclose(left.lines[k].get_xydata(), p + d, rtol=1e-15)
    for ax, w in ((middle, half_width), (right, zoom)):
        for k, d in enumerate(grid_offsets(w)):
            curved, straight = ax.lines[2 * k], ax.lines[2 * k + 1]
            np.testing.assert_allclose(curved.get_xydata(), [ref_f(p + v) for v in d], rtol=1e-13)
            np.testing.assert_allclose(straight.get_xydata(), fp + d @ J.T, rtol=1e-13)
    corners = zoom * np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]])
    np.testing.assert_allclose(left.patches[0].get_xy()[:4], p + corners, rtol=1e-15)
    np.testing.assert_allclose(middle.patches[0].get_xy()[:4], [ref_f(p + c) for c in corners], rtol=1e-13)
    area = lambda ax: np.ptp(ax.get_xlim()) * np.ptp(ax.get_ylim())  # noqa: E731
    assert area(right) < area(middle) / 5  # the right panel is magnified
    plt.close(fig)


def test_slope_figure_draws_the_errors_and_states_their_slopes(example):
    ns = example(PAGE, "error_slope")  # the figure uses the same seed-0 direction
    p, u, lengths = ns["p"], ns["u"], ns["lengths"]
    fig = slope_figure()
    (ax,) = fig.axes
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    for line, A, label, slope in zip(ax.lines, (ref_jacobian(p), ref_jacobian(p).T), labels, (2, 1)):
        errors = linearization_errors(ref_f, A, p, u, lengths)
        np.testing.assert_allclose(line.get_xdata(), lengths, rtol=1e-15)
        np.testing.assert_allclose(line.get_ydata(), errors, rtol=1e-9)
        assert label.endswith(f"slope {fit_slope(lengths, errors):.2f}")
        assert abs(fit_slope(lengths, errors) - slope) < SLOPE_TOL
    plt.close(fig)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: grid_figure(p=(np.nan, 2.0)), ValueError, "p must be finite"),
        (lambda: grid_figure(p=(1.0, 2.0, 3.0)), ValueError, r"p must have shape \(2,\)"),
        (lambda: grid_figure(half_width=0.0), ValueError, "half_width must be a positive"),
        (lambda: grid_figure(half_width=0.4, zoom=np.nan), ValueError, "zoom must be a positive"),
        (lambda: grid_figure(half_width=0.4, zoom=0.4), ValueError, "zoom must be smaller than half_width"),
        (lambda: grid_figure(lines=1), ValueError, "lines must be an integer >= 2"),
        (lambda: slope_figure(p=(1.0, np.inf)), ValueError, "p must be finite"),
        (lambda: slope_figure(seed=-1), ValueError, "seed must be an integer >= 0"),
        (lambda: slope_figure(seed=0.5), TypeError, "seed must be an integer"),
    ],
)
def test_figures_reject_bad_input_naming_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_grid_caption_numbers_come_from_the_figure_parameters():
    page = (ROOT / "docs" / "linear-map.md").read_text(encoding="utf-8")
    block = page.split("from snippets.linear_map.figures import grid_figure")[1].split("```")[0]
    assert "grid_figure(half_width=half_width, zoom=zoom)" in block
    assert "{half_width:g}" in block and "{zoom:g}" in block
    assert not re.search(r"half-width \d", block) and "black" not in block
