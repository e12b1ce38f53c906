"""snippets/linear_map.py: f(x + h) ~ f(x) + J h with error O(|h|^2), slope 2 on log-log axes."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.linear_map import grid_figure, linearization_errors, loglog_slope, slope_figure
from snippets.shared.finite_differences import numerical_jacobian
from snippets.shared.running_example import seed_f, seed_f_sympy, seed_jacobian, seed_symbols
from tests.conftest import ROOT

LENGTHS = np.logspace(-4, -1, 13)
# Slope tolerance 0.05: the log-log fits below are exact up to the higher-order terms of f,
# kept below a few percent of the leading term by the ranges of |h| each test chooses.
SLOPE_TOL = 0.05

coordinate = st.floats(min_value=-2, max_value=2, allow_nan=False, allow_infinity=False)
angle = st.floats(min_value=0, max_value=2 * np.pi, allow_nan=False)


def second_order_size(p, u):
    """|(1/2) u^T H_i u| over components i: the coefficient of |h|^2 in the remainder."""
    x, y = p
    h1 = np.array([[2 * y, 2 * x], [2 * x, 0.0]])  # Hessian of x^2 y
    h2 = np.array([[0.0, 0.0], [0.0, -np.sin(y)]])  # Hessian of 5x + sin y
    return np.hypot(u @ h1 @ u, u @ h2 @ u) / 2


def test_seed_jacobian_symbolic_and_numerical_at_the_page_point():
    x, y = seed_symbols()
    J = seed_f_sympy().jacobian([x, y])
    assert J.subs({x: 1, y: 2}) == sp.Matrix([[4, 1], [5, sp.cos(2)]])
    # central differences with the default step: error ~ 1e-10 here; 1e-7 leaves a margin
    np.testing.assert_allclose(numerical_jacobian(seed_f, [1.0, 2.0]), seed_jacobian([1.0, 2.0]), atol=1e-7)


def test_worked_example_error_is_2a_squared():
    a = sp.Symbol("a")
    x, y = seed_symbols()
    f = seed_f_sympy()
    J = f.jacobian([x, y]).subs({x: 1, y: 2})
    exact = f.subs({x: 1 + a, y: 2})
    linear = f.subs({x: 1, y: 2}) + J * sp.Matrix([a, 0])
    assert sp.simplify(exact - linear) == sp.Matrix([2 * a**2, 0])
    for step, expected in ((0.1, 0.02), (0.05, 0.005)):
        err = linearization_errors(seed_f, seed_jacobian([1.0, 2.0]), [1.0, 2.0], [1.0, 0.0], [step])
        assert err[0] == pytest.approx(expected, rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(coordinate, coordinate, angle)
def test_slope_is_2_with_the_jacobian_and_1_with_its_transpose(px, py, theta):
    p = np.array([px, py])
    u = np.array([np.cos(theta), np.sin(theta)])
    J = seed_jacobian(p)
    # Slope 2: where the h^2 coefficient is >= 0.2, the h^3 term (third derivatives <= 2 here)
    # is under 5% of it for |h| <= 1e-2, and the error stays far above round-off at 1e-4.
    # (Where the h^2 coefficient vanishes, the slope is 3: those points are skipped.)
    if second_order_size(p, u) >= 0.2:
        lengths = np.logspace(-4, -2, 13)
        assert abs(loglog_slope(lengths, linearization_errors(seed_f, J, p, u, lengths)) - 2) < SLOPE_TOL
    # Slope 1 with J^T: where |(J^T - J) u| >= 0.5 the linear error dominates the h^2 term
    # (coefficient <= 4 here) by a factor >= 100 for |h| <= 1e-3.
    if np.linalg.norm((J.T - J) @ u) >= 0.5:
        lengths = np.logspace(-6, -3, 13)
        assert abs(loglog_slope(lengths, linearization_errors(seed_f, J.T, p, u, lengths)) - 1) < SLOPE_TOL


@settings(max_examples=30, deadline=None)
@given(coordinate, coordinate, angle)
def test_the_page_range_gives_slope_2_where_curvature_is_not_small(px, py, theta):
    # The page fits over |h| in [1e-4, 1e-1]; that range works where the h^2 term clearly dominates.
    p = np.array([px, py])
    u = np.array([np.cos(theta), np.sin(theta)])
    if second_order_size(p, u) >= 1.0:
        errors = linearization_errors(seed_f, seed_jacobian(p), p, u, LENGTHS)
        assert abs(loglog_slope(LENGTHS, errors) - 2) < SLOPE_TOL


def test_any_wrong_entry_drops_the_slope_to_1():
    # Slope 1 is the small-|h| behaviour: at |h| ~ 0.1 the h^2 term of f is as large as the
    # error 0.5 h of the wrong entry and bends the curve, so fit over |h| in [1e-5, 1e-2].
    lengths = np.logspace(-5, -2, 13)
    p, u = np.array([1.0, 2.0]), np.array([0.6, 0.8])
    J = seed_jacobian(p)
    for i in range(2):
        for j in range(2):
            A = J.copy()
            A[i, j] += 0.5
            assert abs(loglog_slope(lengths, linearization_errors(seed_f, A, p, u, lengths)) - 1) < SLOPE_TOL


def test_remainder_exercise_is_second_order():
    x, y = seed_symbols()
    a, b = sp.symbols("a b")
    f1 = x**2 * y
    remainder = sp.expand(f1.subs({x: x + a, y: y + b}, simultaneous=True) - f1 - 2 * x * y * a - x**2 * b)
    assert remainder == sp.expand(a**2 * y + 2 * x * a * b + a**2 * b)
    poly = sp.Poly(remainder, a, b)
    assert min(sum(m) for m in poly.monoms()) == 2


def test_predict_exercise():
    h = np.array([-0.1, 0.1])
    predicted = seed_f([1.0, 2.0]) + seed_jacobian([1.0, 2.0]) @ h
    x, y = seed_symbols()
    exact = np.array(seed_f_sympy().subs({x: sp.Rational(9, 10), y: sp.Rational(21, 10)}).evalf(), float).ravel()
    np.testing.assert_allclose(seed_f([0.9, 2.1]), exact, rtol=1e-14)
    np.testing.assert_allclose(predicted, [1.7, 5 + np.sin(2) - 0.5 + 0.1 * np.cos(2)], rtol=1e-14)
    assert np.all(np.abs(exact - predicted) < 0.01)  # small, of order |h|^2


def test_constant_exercise_is_half_the_second_derivative():
    h = sp.Symbol("h")
    error = sp.expand((1 + h) ** 3 - (1 + 3 * h))
    assert sp.limit(error / h**2, h, 0) == sp.diff(h**3, h, 2).subs(h, 1) / 2 == 3


def test_loglog_slope_recovers_known_powers():
    t = np.logspace(-3, 0, 10)
    for power in (1, 2, 3):
        assert loglog_slope(t, 7 * t**power) == pytest.approx(power, abs=1e-12)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: linearization_errors("f", np.eye(2), [1.0, 2.0], [1.0, 0.0], LENGTHS), TypeError, "f must be callable"),
        (lambda: linearization_errors(seed_f, np.eye(3), [1.0, 2.0], [1.0, 0.0], LENGTHS), ValueError, r"A must be m x n = \(2, 2\)"),
        (lambda: linearization_errors(seed_f, np.eye(2), [1.0, 2.0], [1.0, 0.0, 0.0], LENGTHS), ValueError, "direction must have the shape of x"),
        (lambda: linearization_errors(seed_f, np.eye(2), [1.0, 2.0], [0.0, 0.0], LENGTHS), ValueError, "zero vector"),
        (lambda: linearization_errors(seed_f, np.eye(2), [np.nan, 2.0], [1.0, 0.0], LENGTHS), ValueError, "x must be finite"),
        (lambda: linearization_errors(seed_f, np.eye(2), [1.0, 2.0], [1.0, 0.0], [-1e-3]), ValueError, "lengths must be positive"),
        (lambda: linearization_errors(seed_f, [1.0, 2.0], [1.0, 2.0], [1.0, 0.0], LENGTHS), ValueError, "A must be a non-empty 2-D"),
        (lambda: linearization_errors(seed_f, np.eye(2), "12", [1.0, 0.0], LENGTHS), TypeError, "x must be an array of numbers"),
        (lambda: loglog_slope([1.0], [1.0]), ValueError, "two or more"),
        (lambda: loglog_slope([1.0, 2.0], [1.0, 0.0]), ValueError, "positive"),
        (lambda: loglog_slope([1.0, 2.0], [1.0, np.inf]), ValueError, "errors must be finite"),
        (lambda: grid_figure(half_width=0.0), ValueError, "half_width must be positive"),
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_figures_are_built():
    import matplotlib.pyplot as plt

    for fig in (grid_figure(), slope_figure()):
        assert len(fig.axes) >= 1
        plt.close(fig)


def test_page_examples_run_and_print_slope_2():
    out = subprocess.run(
        [sys.executable, "-m", "snippets.linear_map"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    slopes = dict(re.findall(r"A = (J\^T|J) *:.*log-log slope (\S+)", out))
    assert abs(float(slopes["J"]) - 2) < SLOPE_TOL
    assert abs(float(slopes["J^T"]) - 1) < SLOPE_TOL
    assert "error = [0.02 0.  ]" in out and "error = [0.005 0.   ]" in out
    assert "a**2*b + a**2*y + 2*a*b*x" in out
    ratio = float(re.search(r"h = 0.001: .* error / h\^2 = (\S+)", out).group(1))
    assert abs(ratio - 3) < 0.01


# ---- the precise statement's qualifiers and the numerical check's advice (review 5, 6, 26, 38) ----


def test_slope_is_3_where_the_second_order_term_vanishes():
    # At (1, 0) along (0, 1): f1 = x^2 y is linear in y and sin'' = -sin 0 = 0, so the remainder
    # is (0, sin t - t) ~ t^3 / 6; "slope at least 2", here 3. Round-off stays far below
    # t^3 / 6 >= 1.7e-10 on [1e-3, 1e-1].
    p, u = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    assert second_order_size(p, u) == 0
    lengths = np.logspace(-3, -1, 9)
    assert abs(loglog_slope(lengths, linearization_errors(seed_f, seed_jacobian(p), p, u, lengths)) - 3) < SLOPE_TOL


def test_a_wrong_matrix_keeps_slope_2_along_its_null_space_direction():
    # A - J = w n^T with n orthogonal to u: (A - J) u = 0, so along u the slope stays 2.
    p, u = np.array([1.0, 2.0]), np.array([0.6, 0.8])
    n = np.array([-0.8, 0.6])
    A = seed_jacobian(p) + np.outer([0.7, -0.3], n)
    assert np.allclose((A - seed_jacobian(p)) @ u, 0)
    lengths = np.logspace(-4, -2, 13)
    assert abs(loglog_slope(lengths, linearization_errors(seed_f, A, p, u, lengths)) - 2) < SLOPE_TOL
    v = n  # outside the null space: slope 1
    lengths = np.logspace(-6, -3, 13)
    assert abs(loglog_slope(lengths, linearization_errors(seed_f, A, p, v, lengths)) - 1) < SLOPE_TOL


def test_a_slightly_wrong_entry_looks_like_slope_2_over_the_page_window_but_not_for_small_steps():
    # Entry off by 1e-3; along u = (0.6, 0.8) the curvature coefficient is about 2, so slope 1
    # needs |h| well below 1e-3 / 2. Over the page's window [1e-4, 1e-1] the fit is far from 1.
    p, u = np.array([1.0, 2.0]), np.array([0.6, 0.8])
    A = seed_jacobian(p).copy()
    A[1, 1] += 1e-3
    assert second_order_size(p, u) > 1
    page_window = loglog_slope(LENGTHS, linearization_errors(seed_f, A, p, u, LENGTHS))
    assert page_window > 1.5
    small = np.logspace(-8, -6, 9)  # error ~ 8e-4 t >= 8e-12, far above round-off (~1e-15)
    assert abs(loglog_slope(small, linearization_errors(seed_f, A, p, u, small)) - 1) < SLOPE_TOL


def test_grid_figure_panels_and_zoom():
    import matplotlib.pyplot as plt

    fig = grid_figure(half_width=0.4, zoom=0.1)
    assert len(fig.axes) == 3
    middle, right = fig.axes[1], fig.axes[2]
    width = lambda ax: np.ptp(ax.get_xlim()) * np.ptp(ax.get_ylim())
    assert width(right) < width(middle) / 5  # the right panel is magnified
    plt.close(fig)
    for zoom in (0.0, 0.4, np.nan):
        with pytest.raises(ValueError, match="zoom must lie strictly between 0 and half_width"):
            grid_figure(half_width=0.4, zoom=zoom)


def test_grid_caption_numbers_come_from_the_figure_parameters():
    page = (ROOT / "docs" / "linear-map.md").read_text(encoding="utf-8")
    block = page.split("from snippets.linear_map import grid_figure")[1].split("```")[0]
    assert "grid_figure(half_width=half_width, zoom=zoom)" in block
    assert "{half_width:g}" in block and "{zoom:g}" in block
    assert not re.search(r"half-width \d", block) and "black" not in block


def test_first_order_output_is_one_quantity_per_line():
    out = subprocess.run(
        [sys.executable, "-m", "snippets.linear_map"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    first = out.split("A = J")[0]
    assert max(len(line) for line in first.splitlines()) <= 60
    assert first.count("error = ") == 3


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
