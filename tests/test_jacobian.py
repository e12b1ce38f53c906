"""docs/jacobian.md: the Jacobian of the running example f(x, y) = (x^2 y, 5x + sin y).

Every claim of the page is checked on the objects its examples make (snippets/jacobian/): the
two SymPy listings and the stack of gradients against the Jacobian worked by hand, the
lambdified NumPy Jacobian and the shown `J_exact` and `J_central` against SymPy on many points
and on a non-square map, the printed worst error against the tolerance the text states, and
each exercise's answer. The running example's shared functions
(snippets/shared/running_example.py), which the tests of other pages use as their reference,
are checked here too, against SymPy and finite differences.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.shared.finite_differences import numerical_jacobian
from snippets.shared.running_example import (
    as_point,
    seed_f,
    seed_f_sympy,
    seed_jacobian,
    seed_jacobian_sympy,
    seed_symbols,
)

PAGE = "jacobian"
# Central differences with step h = 1e-6 (the shown J_central) or 6e-6 (numerical_jacobian):
# truncation ~ h^2 |f'''| / 6 < 1e-11 and round-off ~ eps |f| / h ~ 2e-16 * 30 / 1e-6 ~ 6e-9 on
# |x|, |y| <= 3, so 1e-6 leaves a wide margin yet catches any wrong entry (off by O(1)). It is
# also the tolerance the page states ("far below 1e-6, the tolerance our tests use").
FD_TOL = 1e-6

coordinate = st.floats(min_value=-3, max_value=3, allow_nan=False, allow_infinity=False)


def hand_jacobian(x, y):
    """The Jacobian worked by hand on the page: [[2xy, x^2], [5, cos y]], in the given symbols."""
    return sp.Matrix([[2 * x * y, x**2], [5, sp.cos(y)]])


def g3(v):
    """A non-square test map R^3 -> R^2 (the g of exercise 3)."""
    return np.array([v[0] * v[1] * v[2], v[0] + v[1]])


_abc = sp.symbols("a b c")
G3_JACOBIAN = sp.lambdify(_abc, sp.Matrix([_abc[0] * _abc[1] * _abc[2], _abc[0] + _abc[1]]).jacobian(_abc), "numpy")


# --- the shared running example (the reference of other pages' tests) ----------------------


def test_sympy_jacobian_of_the_running_example_is_the_hand_result():
    x, y = seed_symbols()
    assert sp.simplify(seed_jacobian_sympy() - hand_jacobian(x, y)) == sp.zeros(2, 2)


def test_shared_numpy_f_and_jacobian_match_sympy():
    x, y = seed_symbols()
    f_num = sp.lambdify((x, y), seed_f_sympy(), "numpy")
    J_num = sp.lambdify((x, y), seed_jacobian_sympy(), "numpy")
    for p in np.random.default_rng(1).uniform(-3, 3, size=(50, 2)):
        np.testing.assert_allclose(seed_f(p), np.ravel(f_num(*p)), rtol=1e-14, atol=1e-14)
        np.testing.assert_allclose(seed_jacobian(p), np.asarray(J_num(*p), float), rtol=1e-14, atol=1e-14)


@settings(max_examples=60, deadline=None)
@given(coordinate, coordinate)
def test_shared_jacobian_matches_a_central_difference(px, py):
    p = np.array([px, py])
    np.testing.assert_allclose(numerical_jacobian(seed_f, p), seed_jacobian(p), atol=FD_TOL, rtol=0)


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        ([1.0, 2.0, 3.0], ValueError, r"p must have shape \(2,\)"),
        ([[1.0, 2.0]], ValueError, r"p must have shape \(2,\)"),
        ([np.nan, 1.0], ValueError, "p must be finite"),
        ([np.inf, 1.0], ValueError, "p must be finite"),
        ("12", TypeError, "p must be an array of numbers, got str"),
        (len, TypeError, "p must be an array of numbers, got builtin_function_or_method"),
    ],
)
def test_shared_functions_reject_a_bad_point_naming_it(bad, error, message):
    for func in (as_point, seed_f, seed_jacobian):
        with pytest.raises(error, match=message):
            func(bad)


def test_shared_functions_accept_a_list_like_an_array():
    np.testing.assert_array_equal(seed_jacobian([1, 2]), seed_jacobian(np.array([1.0, 2.0])))
    np.testing.assert_array_equal(seed_f((1, 2)), seed_f(np.array([1.0, 2.0])))


# --- the worked example and the two SymPy listings -----------------------------------------


def test_worked_example_at_1_2():
    x, y = seed_symbols()
    assert seed_jacobian_sympy().subs({x: 1, y: 2}) == sp.Matrix([[4, 1], [5, sp.cos(2)]])


def test_entry_by_entry_listing_is_the_hand_result(example):
    ns = example(PAGE, "sympy_seed")
    x, y = ns["x"], ns["y"]
    assert ns["J"] == hand_jacobian(x, y)
    assert sp.Matrix([ns["f1"], ns["f2"]]) == seed_f_sympy()


def test_matrix_jacobian_listing_is_the_hand_result(example):
    ns = example(PAGE, "sympy_jacobian")
    assert ns["f"] == seed_f_sympy()
    assert ns["J"] == hand_jacobian(ns["x"], ns["y"])


# --- numbers at a point: the lambdified Jacobian -------------------------------------------


def test_lambdified_jacobian_at_1_2_is_4_1_5_cos2(example):
    ns = example(PAGE, "lambdify")
    np.testing.assert_array_equal(ns["p"], [1.0, 2.0])
    np.testing.assert_allclose(np.asarray(ns["J_numeric"](*ns["p"]), float), [[4, 1], [5, np.cos(2)]], rtol=1e-15)


@settings(max_examples=40, deadline=None)
@given(coordinate, coordinate)
def test_lambdified_jacobian_matches_a_central_difference_everywhere(example, px, py):
    ns = example(PAGE, "lambdify")
    J = np.asarray(ns["J_numeric"](px, py), float)
    np.testing.assert_allclose(J, numerical_jacobian(seed_f, [px, py]), atol=FD_TOL, rtol=0)


# --- a stack of gradients ------------------------------------------------------------------


def test_each_row_is_the_transposed_gradient_of_its_component(example):
    ns = example(PAGE, "rows")
    x, y = seed_symbols()
    f = seed_f_sympy()
    J = seed_jacobian_sympy()
    for i, grad in enumerate((ns["grad_f1"], ns["grad_f2"])):
        assert grad.shape == (2, 1)  # a gradient is a column
        assert grad == sp.Matrix([f[i].diff(x), f[i].diff(y)])
        assert J.row(i) == grad.T
    assert ns["J"] == J


# --- the numerical check -------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(coordinate, coordinate)
def test_shown_f_exact_jacobian_and_central_difference_match_the_running_example(example, px, py):
    ns = example(PAGE, "fd_check")
    p = np.array([px, py])
    np.testing.assert_allclose(ns["f"](p), seed_f(p), rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(ns["J_exact"](p), seed_jacobian(p), rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(ns["J_central"](seed_f, p), seed_jacobian(p), atol=FD_TOL, rtol=0)


@settings(max_examples=30, deadline=None)
@given(st.lists(coordinate, min_size=3, max_size=3))
def test_shown_central_difference_on_a_non_square_map(example, point):
    ns = example(PAGE, "fd_check")
    J = ns["J_central"](g3, point)  # a list works like an array
    assert J.shape == (2, 3)
    np.testing.assert_allclose(J, np.asarray(G3_JACOBIAN(*point), float), atol=FD_TOL, rtol=0)


def test_shown_central_difference_error_shrinks_like_h_squared(example):
    ns = example(PAGE, "fd_check")
    # d/dy of sin y at y = 1 has a third derivative -cos 1 != 0, so the error is ~ h^2 cos(1) / 6:
    # ten times smaller h, a hundred times smaller error (round-off is negligible at these h).
    p = np.array([0.5, 1.0])
    errors = [np.max(np.abs(ns["J_central"](seed_f, p, h=h) - seed_jacobian(p))) for h in (1e-2, 1e-3)]
    assert 80 < errors[0] / errors[1] < 120


def test_worst_error_over_the_random_points_is_below_the_stated_tolerance(example):
    ns = example(PAGE, "fd_check")
    points = ns["points"]
    # 100 distinct points of [-2, 2]^2 in all four quadrants: the check is not one point repeated.
    assert points.shape == (100, 2) and len(np.unique(points, axis=0)) == 100
    assert np.all(np.abs(points) <= 2) and points.min(axis=0).max() < -1 and points.max(axis=0).min() > 1
    worst = max(np.max(np.abs(ns["J_central"](seed_f, p) - seed_jacobian(p))) for p in ns["points"])
    assert ns["worst"] == pytest.approx(worst, rel=1e-12)
    assert 0 < ns["worst"] < FD_TOL  # the page: "far below 1e-6"


# --- exercises -----------------------------------------------------------------------------


def test_exercise_jacobian_at_1_0(example):
    ns = example(PAGE, "exercise_point")
    x, y = seed_symbols()
    assert seed_jacobian_sympy().subs({x: 1, y: 0}) == sp.Matrix([[0, 1], [5, 1]])
    np.testing.assert_array_equal(ns["J"], [[0, 1], [5, 1]])


def test_exercise_singular_points(example):
    ns = example(PAGE, "exercise_singular")
    x, y = ns["x"], ns["y"]
    assert ns["J"] == hand_jacobian(x, y)
    # The solution's factorisation: det J = 2xy cos y - 5x^2 = x (2y cos y - 5x).
    assert sp.expand(ns["det"] - x * (2 * y * sp.cos(y) - 5 * x)) == 0
    assert set(sp.solve(ns["det"], x)) == {0, 2 * y * sp.cos(y) / 5}
    # Numerically: the determinant of the exact Jacobian vanishes on the curve x = 2/5 y cos y.
    for yv in np.linspace(-3, 3, 7):
        assert abs(np.linalg.det(seed_jacobian([0.4 * yv * np.cos(yv), yv]))) < 1e-12


def test_exercise_shape_of_a_map_from_r3_to_r2(example):
    ns = example(PAGE, "exercise_shape")
    x, y, z = ns["x"], ns["y"], ns["z"]
    assert ns["Jg"].shape == (2, 3)
    assert ns["Jg"] == sp.Matrix([[y * z, x * z, x * y], [1, 1, 0]])
    J = sp.lambdify((x, y, z), ns["Jg"], "numpy")
    for point in np.random.default_rng(2).uniform(-2, 2, size=(5, 3)):
        np.testing.assert_allclose(np.asarray(J(*point), float), numerical_jacobian(g3, point), atol=FD_TOL)
