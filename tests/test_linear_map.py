"""docs/linear-map.md: the Jacobian is the best local linear map, with an error of order |h|^2.

Every claim of the page is checked on the objects its examples make (snippets/linear_map/):
the shown f and J against SymPy and finite differences, the worked error 2a^2, the measured
slopes of the Taylor test (2 with J, 1 with wrong matrices, 3 or 5/2 where the h^2 term
vanishes) against errors computed here over stated windows, each exercise by value, and the
data, colours and legend of the two figures.
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
from snippets.shared.running_example import seed_f, seed_f_sympy, seed_jacobian, seed_symbols
from tests.conftest import ROOT

PAGE, DOC = "linear_map", (ROOT / "docs" / "linear-map.md").read_text(encoding="utf-8")
# Slope tolerance 0.05: each window below keeps the higher-order terms of f a few percent of the leading one.
SLOPE_TOL = 0.05
# The window of |h| (powers of 10) fitted for each claim, and the thresholds where it is asserted.
WINDOWS = {"J": (-4, -2), "page": (-4, -1), "J^T": (-6, -3), "entry": (-5, -2)}
FIT = {claim: np.logspace(lo, hi, 13) for claim, (lo, hi) in WINDOWS.items()}
C_MIN, C_MIN_PAGE, TRANSPOSE_GAP_MIN, ENTRY_OFF = 0.2, 1.0, 0.5, 0.5
P, U, LENGTHS = np.array([1.0, 2.0]), np.array([0.6, 0.8]), FIT["page"]  # the page's point and lengths


def errors_along(f, A, p, u, lengths) -> np.ndarray:
    """|f(p + t u) - f(p) - A (t u)| for each length t (u a unit vector)."""
    return np.array([np.linalg.norm(f(p + t * u) - f(p) - A @ (t * u)) for t in lengths])


def fit_slope(lengths, errors) -> float:
    """Least-squares slope of log(error) against log(length): the order p in error ~ C t^p."""
    return float(np.polyfit(np.log(lengths), np.log(errors), 1)[0])


def slope(f, A, p, u, lengths) -> float:
    return fit_slope(lengths, errors_along(f, A, p, u, lengths))


def second_order_size(p, u) -> float:
    """|(1/2) u^T H_i u| over components i: the coefficient c of |h|^2 in the remainder."""
    h1 = np.array([[2 * p[1], 2 * p[0]], [2 * p[0], 0.0]])  # Hessian of x^2 y
    return np.hypot(u @ h1 @ u, -np.sin(p[1]) * u[1] ** 2) / 2  # 5x + sin y: only d2/dy2 = -sin y


@settings(max_examples=60, deadline=None)
@given(px=st.floats(-2, 2), py=st.floats(-2, 2), theta=st.floats(0, 2 * np.pi))
def test_shown_f_and_j_and_the_slopes_2_and_1_at_random_points(example, px, py, theta):
    p, u = np.array([px, py]), np.array([np.cos(theta), np.sin(theta)])
    for name in ("first_order", "error_slope"):
        ns = example(PAGE, name)
        np.testing.assert_allclose([ns["f"](P), *ns["J"](P)], [[2, 5 + np.sin(2)], [4, 1], [5, np.cos(2)]], rtol=1e-15)
        np.testing.assert_allclose([ns["f"](p), *ns["J"](p)], [seed_f(p), *seed_jacobian(p)], rtol=1e-13, atol=1e-13)
        # Central differences, step 6e-6: truncation ~ h^2 |f'''| / 6 < 1e-10, round-off ~ eps |f| / h < 1e-9
        np.testing.assert_allclose(numerical_jacobian(ns["f"], p), ns["J"](p), atol=1e-7, rtol=0)
    f, J = ns["f"], ns["J"](p)
    # Slope 2 where c >= 0.2 (the h^3 term, third derivatives <= 2, is under 5% of it for |h| <= 1e-2); c = 0: slope 3.
    if second_order_size(p, u) >= C_MIN:
        assert abs(slope(f, J, p, u, FIT["J"]) - 2) < SLOPE_TOL
    if second_order_size(p, u) >= C_MIN_PAGE:  # the page's window [1e-4, 1e-1] needs c >= 1
        assert abs(slope(f, J, p, u, FIT["page"]) - 2) < SLOPE_TOL
    # Slope 1 with J^T where |(J^T - J) u| >= 0.5: it beats the h^2 term (c <= 4) 100-fold for |h| <= 1e-3.
    if np.linalg.norm((J.T - J) @ u) >= TRANSPOSE_GAP_MIN:
        assert abs(slope(f, J.T, p, u, FIT["J^T"]) - 1) < SLOPE_TOL


def test_worked_example_error_is_2a_squared_and_the_last_step_errs_in_both(example):
    a, (x, y), f = sp.Symbol("a"), seed_symbols(), seed_f_sympy()
    J = f.jacobian([x, y]).subs({x: 1, y: 2})
    assert J == sp.Matrix([[4, 1], [5, sp.cos(2)]])
    exact, linear = f.subs({x: 1 + a, y: 2}), f.subs({x: 1, y: 2}) + J * sp.Matrix([a, 0])
    assert sp.simplify(exact - linear) == sp.Matrix([2 * a**2, 0])
    ns = example(PAGE, "first_order")  # the page's numbers: 0.02 for a = 0.1, 0.005 for a = 0.05
    for h, expected in (([0.1, 0.0], 0.02), ([0.05, 0.0], 0.005)):
        error = ns["f"](P + h) - ns["f"](P) - ns["J"](P) @ h
        np.testing.assert_allclose(error, [expected, 0.0], rtol=1e-9, atol=1e-15)
    np.testing.assert_array_equal([ns["p"], ns["h"]], [P, [0.1, -0.05]])
    exact, predicted = seed_f(P + ns["h"]), seed_f(P) + seed_jacobian(P) @ ns["h"]
    np.testing.assert_allclose([ns["exact"], ns["predicted"]], [exact, predicted], rtol=1e-14)
    # The last step errs in both components: x^2 y by a^2 y + 2xab + a^2 b, sin y by its curvature.
    (a, b), error = ns["h"], ns["exact"] - ns["predicted"]
    assert error[0] == pytest.approx(a**2 * 2 + 2 * a * b + a**2 * b, rel=1e-9) and abs(error[1]) > 1e-4


def test_error_slope_example_and_figure_measure_slope_2_with_j_and_1_with_wrong_matrices(example):
    assert [fit_slope(LENGTHS, 7 * LENGTHS**k) for k in (1, 2, 3)] == pytest.approx([1, 2, 3], abs=1e-12)  # the fit
    ns = example(PAGE, "error_slope")
    assert ns["name"] == "J^T" and np.array_equal(ns["p"], P)  # the loop ends on A = J^T
    np.testing.assert_allclose(ns["A"], seed_jacobian(P).T, rtol=1e-15)
    np.testing.assert_allclose(ns["lengths"], LENGTHS, rtol=1e-14)  # 13 lengths, 1e-4 to 1e-1, log-spaced
    raw = np.random.default_rng(0).normal(size=2)  # a random unit direction
    np.testing.assert_allclose(ns["u"], raw / np.hypot(*raw), rtol=1e-15)
    assert ns["slope"] == pytest.approx(fit_slope(LENGTHS, ns["errors"]), rel=1e-9) and abs(ns["slope"] - 1) < SLOPE_TOL
    # "far above double-precision round-off in f (about 1e-16 times |f|)" at 1e-4: 100 times at least
    floor = np.finfo(float).eps * np.linalg.norm(ns["f"](P))
    (ax,) = (fig := slope_figure()).axes  # it draws the same seed-0 direction
    # Ours with J and the loop's with J^T, >= 1e-8 and >= 4e-4, round-off ~ eps |f| ~ 1e-15: 1e-6 and 1e-9 relative.
    ours = (errors_along(ns["f"], ns["J"](P), P, ns["u"], LENGTHS), ns["errors"])
    for k, (line, label, shown) in enumerate(zip(ax.lines, ax.get_legend().get_texts(), ours)):
        expected = errors_along(seed_f, seed_jacobian(P).T if k else seed_jacobian(P), P, ns["u"], LENGTHS)
        np.testing.assert_allclose(shown, expected, rtol=(1e-6, 1e-9)[k])
        np.testing.assert_allclose(line.get_xdata(), LENGTHS, rtol=1e-15)
        np.testing.assert_allclose(line.get_ydata(), expected, rtol=1e-9)
        assert label.get_text().endswith(f"slope {fit_slope(LENGTHS, expected):.2f}")
        assert abs(fit_slope(LENGTHS, expected) - (2 - k)) < SLOPE_TOL and shown[0] > 100 * floor
    plt.close(fig)
    f, J = ns["f"], ns["J"](P)
    # Slope 1 for small |h|: at |h| ~ 0.1 the h^2 term matches the wrong entry's error 0.5 h, hence [1e-5, 1e-2].
    for k in range(4):  # each of the four entries
        assert abs(slope(f, J + ENTRY_OFF * np.eye(4)[k].reshape(2, 2), P, U, FIT["entry"]) - 1) < SLOPE_TOL
    # A - J = w n^T with n orthogonal to U: (A - J) U = 0, so along U the slope stays 2; along n it is 1.
    n, A = np.array([-0.8, 0.6]), J + np.outer([0.7, -0.3], [-0.8, 0.6])
    assert np.allclose((A - J) @ U, 0) and abs(slope(f, A, P, U, FIT["J"]) - 2) < SLOPE_TOL
    assert abs(slope(f, A, P, n, FIT["J^T"]) - 1) < SLOPE_TOL
    # Entry off by 1e-3, c ~ 2 along U: slope 1 needs |h| << 1e-3 / 2; over the page's window it looks like 2.
    A = J + [[0, 0], [0, 1e-3]]
    assert second_order_size(P, U) > 1 and slope(f, A, P, U, LENGTHS) > 1.5
    # error ~ 8e-4 t >= 8e-12 on [1e-8, 1e-6], far above round-off (~1e-15)
    assert abs(slope(f, A, P, U, np.logspace(-8, -6, 9)) - 1) < SLOPE_TOL
    # At (1, 0) along (0, 1) the remainder is (0, sin t - t) ~ t^3 / 6 >= 1.7e-10 on [1e-3, 1e-1]: slope 3
    p, u = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    assert second_order_size(p, u) == 0
    assert abs(slope(f, ns["J"](p), p, u, np.logspace(-3, -1, 9)) - 3) < SLOPE_TOL
    # "o(|h|^2), and like |h|^3 if three times differentiable": |t|^(5/2) is C^2, not C^3, at 0 (slope 5/2).
    g = lambda v: np.abs(v) ** 2.5  # noqa: E731
    assert abs(slope(g, np.zeros((1, 1)), np.zeros(1), np.ones(1), LENGTHS) - 2.5) < 1e-9


def test_figure_point_is_less_anisotropic_and_the_caption_states_the_figure_parameters():
    J20 = seed_jacobian([2.0, 0.0])
    np.testing.assert_array_equal(J20, [[0, 4], [5, 1]])  # "columns (0, 5) and (4, 1)"
    # (2, 0): similar lengths, far from parallel (76 degrees); (1, 2): lengths about 6 to 1, "a thin sliver"
    (a, b), (c, d) = (np.linalg.norm(J, axis=0) for J in (J20, seed_jacobian(P)))
    assert max(a, b) / min(a, b) < 1.3 and abs(J20[:, 0] @ J20[:, 1]) / (a * b) < 0.25 and c / d > 5
    block = DOC.split("from snippets.linear_map.figures import grid_figure")[1].split("```")[0]
    assert "point, half_width, zoom = (2.0, 0.0), 0.4, 0.1" in block and "grid_figure(p=point, half_width" in block
    assert all(k in block for k in ("{half_width:g}", "{zoom:g}", "{point[0]:g}")) and "black" not in block
    assert not re.search(r"half-width \d", block) and "Where it is asserted" not in DOC  # moved to how-built.md


def test_exercises_predict_remainder_and_constant(example):
    ns = example(PAGE, "exercise_predict")
    np.testing.assert_array_equal(np.array([ns["x"], ns["y"]]) + ns["h"], [0.9, 2.1])
    np.testing.assert_allclose([ns["f_p"], *ns["J"], ns["exact"]], [seed_f(P), *seed_jacobian(P), seed_f([0.9, 2.1])],
                               rtol=1e-15)
    # The solution's prediction (2 - 0.4 + 0.1, 5 + sin 2 - 0.5 + 0.1 cos 2), off by O(|h|^2 = 0.02)
    np.testing.assert_allclose(ns["predicted"], [1.7, 5 + np.sin(2) - 0.5 + 0.1 * np.cos(2)], rtol=1e-14)
    assert np.all(np.abs(ns["exact"] - ns["predicted"]) < 0.01)
    ns = example(PAGE, "exercise_remainder")
    x, y, a, b = sp.symbols("x y a b")
    assert sp.expand(ns["linear"] - (x**2 * y + 2 * x * y * a + x**2 * b)) == 0
    assert ns["remainder"] == sp.expand(a**2 * y + 2 * x * a * b + a**2 * b)
    assert min(sum(m) for m in sp.Poly(ns["remainder"], a, b).monoms()) == 2  # second order in h
    ns, t = example(PAGE, "exercise_constant"), sp.Symbol("t")
    error = sp.expand((1 + t) ** 3 - (1 + 3 * t))
    assert error == 3 * t**2 + t**3 and sp.limit(error / t**2, t, 0) == sp.diff(t**3, t, 2).subs(t, 1) / 2 == 3
    # The loop ends at h = 1e-3: error = 3h^2 + h^3 (cancellation leaves ~1e-16 of 3e-6).
    assert ns["x"] == 1.0 and ns["h"] == 1e-3 and abs(ns["error"] / 1e-3**2 - 3) < 0.01
    assert ns["error"] == pytest.approx(3 * 1e-3**2 + 1e-3**3, rel=1e-8)


def test_grid_figure_draws_f_and_its_linear_map_with_a_legend_for_colour_and_style():
    p = np.array([2.0, 0.0])
    fig = grid_figure(half_width=0.4, zoom=0.1)  # the default point is the page's (2, 0)
    grid_in, image, magnified, key = fig.axes
    for ax, w in ((grid_in, 0.4), (image, 0.4), (magnified, 0.1)):
        fine, ticks = np.linspace(-w, w, 41), np.linspace(-w, w, 7)  # the lines x = c first, then y = c
        for k, d in enumerate([np.stack(np.broadcast_arrays(c, fine)[::s], 1) for s in (1, -1) for c in ticks]):
            colour = "#4a90d9" if k < 7 else "#f08a24"  # blue: x fixed; orange: y fixed
            if ax is grid_in:
                np.testing.assert_allclose(ax.lines[k].get_xydata(), p + d, rtol=1e-15)
                assert ax.lines[k].get_color() == colour
                continue
            curved, straight = ax.lines[2 * k], ax.lines[2 * k + 1]
            np.testing.assert_allclose(curved.get_xydata(), [seed_f(p + v) for v in d], rtol=1e-13, atol=1e-15)
            np.testing.assert_allclose(straight.get_xydata(), seed_f(p) + d @ seed_jacobian(p).T, rtol=1e-13, atol=1e-15)
            assert curved.get_color() == colour and curved.get_linestyle() == "-" and straight.get_linestyle() == "--"
    corners = 0.1 * np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]])
    np.testing.assert_allclose(grid_in.patches[0].get_xy()[:4], p + corners, rtol=1e-15)
    np.testing.assert_allclose(image.patches[0].get_xy()[:4], [seed_f(p + c) for c in corners], rtol=1e-13, atol=1e-15)
    area = lambda ax: np.ptp(ax.get_xlim()) * np.ptp(ax.get_ylim())  # noqa: E731
    assert area(magnified) < area(image) / 5  # the magnified panel is magnified
    legend = key.get_legend()  # colour entries in the families' colours; style entries in one neutral grey
    assert [t.get_text().split(":")[0] for t in legend.get_texts()] == ["blue", "orange", "solid", "dashed", "purple"]
    assert [(h.get_color(), h.get_linestyle()) for h in legend.legend_handles[:4]] == [
        ("#4a90d9", "-"), ("#f08a24", "-"), ("#555555", "-"), ("#555555", "--")]
    plt.close(fig)
    fig = grid_figure(p=[1.0, 2.0])  # a list works as p, and the title names the point
    assert fig.axes[0].get_title() == "grid around x = (1, 2)"
    plt.close(fig)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: grid_figure(p=(np.nan, 2.0)), ValueError, "p must be finite"),
    (lambda: grid_figure(p=(1.0, 2.0, 3.0)), ValueError, r"p must have shape \(2,\)"),
    (lambda: grid_figure(half_width=0.0), ValueError, "half_width must be a positive"),
    (lambda: grid_figure(half_width=0.4, zoom=np.nan), ValueError, "zoom must be a positive"),
    (lambda: grid_figure(half_width=0.4, zoom=0.4), ValueError, "zoom must be smaller than half_width"),
    (lambda: grid_figure(lines=1), ValueError, "lines must be an integer >= 2"),
    (lambda: slope_figure(p=(1.0, np.inf)), ValueError, "p must be finite"),
    (lambda: slope_figure(seed=-1), ValueError, "seed must be an integer >= 0"),
    (lambda: slope_figure(seed=0.5), TypeError, "seed must be an integer"),
])
def test_figures_reject_bad_input_naming_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()
