"""docs/jacobian.md: the Jacobian of the running example f(x, y) = (x^2 y, 5x + sin y).

Every claim of the page is checked on the objects its examples make (snippets/jacobian/): the
two SymPy listings and the stack of gradients against the Jacobian worked by hand, the
lambdified NumPy Jacobian and the shown `J_exact` and `J_central` against SymPy on many points
and on a non-square map, the printed worst error against its truncation and round-off
estimates and the tolerance the text states, the counterexample xy / (x^2 + y^2) in floating
point, and each exercise's answer. The running example's shared functions
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
from snippets.shared.running_example import as_point, seed_f, seed_f_sympy, seed_jacobian
from snippets.shared.running_example import seed_jacobian_sympy, seed_symbols
from tests.conftest import ROOT

PAGE = "jacobian"
# Central differences, h = 1e-6 or 6e-6: h^2 |f'''| / 6 + eps |f| / h < 1e-8 on |x|, |y| <= 3; the page states 1e-6.
FD_TOL = 1e-6

coordinate = st.floats(min_value=-3, max_value=3, allow_nan=False, allow_infinity=False)


def hand_jacobian(x, y):
    """The Jacobian worked by hand on the page: [[2xy, x^2], [5, cos y]], in the given symbols."""
    return sp.Matrix([[2 * x * y, x**2], [5, sp.cos(y)]])


def test_worked_example_at_1_2_and_exercise_at_1_0(example):
    """SymPy, the shown lambdified Jacobian and the shared functions (a list works too) at (1, 2); exercise 1."""
    x, y = seed_symbols()
    assert seed_jacobian_sympy() == hand_jacobian(x, y)
    assert seed_jacobian_sympy().subs({x: 1, y: 2}) == sp.Matrix([[4, 1], [5, sp.cos(2)]])
    assert seed_jacobian_sympy().subs({x: 1, y: 0}) == sp.Matrix([[0, 1], [5, 1]])  # exercise 1
    np.testing.assert_array_equal(example(PAGE, "exercise_point")["J"], [[0, 1], [5, 1]])
    ns = example(PAGE, "lambdify")
    np.testing.assert_array_equal(ns["p"], [1.0, 2.0])
    for J in (np.asarray(ns["J_numeric"](*ns["p"]), float), seed_jacobian([1, 2])):
        np.testing.assert_allclose(J, [[4, 1], [5, np.cos(2)]], rtol=1e-15)
    np.testing.assert_allclose(seed_f((1, 2)), [2, 5 + np.sin(2)], rtol=1e-15)


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        ([1.0, 2.0, 3.0], ValueError, r"p must have shape \(2,\)"),
        ([np.nan, 1.0], ValueError, "p must be finite"),
        ("12", TypeError, "p must be an array of numbers, got str"),
        (len, TypeError, "p must be an array of numbers, got builtin_function_or_method"),
    ],
)
def test_shared_functions_reject_a_bad_point_naming_it(bad, error, message):
    for func in (as_point, seed_f, seed_jacobian):
        with pytest.raises(error, match=message):
            func(bad)


@pytest.mark.parametrize("name", ["sympy_seed", "sympy_jacobian", "rows"])
def test_sympy_listings_and_stacked_gradients_give_the_hand_jacobian(example, name):
    """Both listings, and the stack of transposed gradients (each a column), are the hand result."""
    ns = example(PAGE, name)
    assert ns["J"] == hand_jacobian(ns["x"], ns["y"])
    assert (ns["f"] if name == "sympy_jacobian" else sp.Matrix([ns["f1"], ns["f2"]])) == seed_f_sympy()
    if name == "rows":  # hstack of two 2x1 columns, transposed: row i is (grad f_i)^T
        assert sp.Matrix.hstack(ns["grad_f1"], ns["grad_f2"]).T == ns["J"]


@settings(max_examples=60, deadline=None)
@given(coordinate, coordinate, coordinate)
def test_numpy_functions_match_sympy_and_central_differences(example, px, py, pz):
    """The shared and shown Jacobians against SymPy's; the central differences on f and on exercise 3's g."""
    p, J = np.array([px, py]), np.asarray(example(PAGE, "lambdify")["J_numeric"](px, py), float)
    ns = example(PAGE, "fd_check")
    np.testing.assert_allclose(ns["f"](p), seed_f(p), rtol=1e-15, atol=1e-15)
    for exact in (seed_jacobian, ns["J_exact"]):
        np.testing.assert_allclose(exact(p), J, rtol=1e-14, atol=1e-14)
    for central in (numerical_jacobian, ns["J_central"]):
        np.testing.assert_allclose(central(seed_f, p), J, atol=FD_TOL, rtol=0)
    J3 = ns["J_central"](lambda v: np.array([v[0] * v[1] * v[2], v[0] + v[1]]), [px, py, pz])  # a list works too
    # Against exercise 3's 2 x 3 answer, which its test checks against SymPy (assert_allclose checks the shape too).
    np.testing.assert_allclose(J3, [[py * pz, px * pz, px * py], [1, 1, 0]], atol=FD_TOL, rtol=0)


def test_shown_check_error_is_the_round_off_it_estimates_and_below_the_stated_tolerance(example):
    ns = example(PAGE, "fd_check")
    central, points, h = ns["J_central"], ns["points"], ns["h"]
    # sin y has third derivative -cos 1 != 0 at y = 1: error ~ h^2 cos(1) / 6, 10x smaller h -> 100x smaller error.
    p = np.array([0.5, 1.0])
    errors = [np.max(np.abs(central(seed_f, p, h=s) - seed_jacobian(p))) for s in (1e-2, 1e-3)]
    assert 80 < errors[0] / errors[1] < 120
    # 100 distinct points of [-2, 2]^2 in all four quadrants: the check is not one point repeated.
    assert points.shape == (100, 2) and len(np.unique(points, axis=0)) == 100
    assert np.all(np.abs(points) <= 2) and points.min(axis=0).max() < -1 and points.max(axis=0).min() > 1
    worst = max(np.max(np.abs(central(seed_f, p) - seed_jacobian(p))) for p in points)
    assert ns["worst"] == pytest.approx(worst, rel=1e-12) and 0 < worst < FD_TOL  # the page: "far below 1e-6"
    # The truncation bound: the largest third derivative of a component along an axis, on [-2, 2]^2, is 1 (|cos y|).
    x, y = seed_symbols()
    third = [sp.Abs(fi.diff(v, 3)) for fi in seed_f_sympy() for v in (x, y)]
    assert {sp.simplify(d) for d in third} == {0, sp.Abs(sp.cos(y))}  # attained at y = 0
    assert ns["truncation"] == pytest.approx(h**2 / 6, rel=1e-15) and h == 1e-6
    size_f = max(np.max(np.abs(seed_f(p))) for p in points)
    assert ns["round_off"] == pytest.approx(np.finfo(float).eps * size_f / h, rel=1e-15)
    # The page: the measured error "has the size of the round-off estimate"; truncation "thousands of times smaller".
    assert 0.1 < worst / ns["round_off"] <= 1 and 1e3 < worst / ns["truncation"] < 1e4


def test_partial_derivatives_exist_where_the_function_is_not_differentiable(example):
    """xy / (x^2 + y^2): both partials 0 at the origin, f(t, t) = 1/2; checked in floating point."""
    ns = example(PAGE, "not_differentiable")
    x, y = ns["x"], ns["y"]
    assert ns["f"] == x * y / (x**2 + y**2)
    assert ns["df_dx"] == ns["df_dy"] == 0 and ns["on_diagonal"] == sp.Rational(1, 2)

    def f(a: float, b: float) -> float:
        return 0.0 if a == b == 0 else a * b / (a * a + b * b)

    for t in (1e-1, -1e-4, 1e-8):
        assert (f(t, 0) - f(0, 0)) / t == (f(0, t) - f(0, 0)) / t == 0.0  # the difference quotients
        assert f(t, t) == 0.5  # while the zero Jacobian predicts f(t, t) = o(|t|)
    assert round(np.cos(2), 2) == -0.42 and "$\\cos 2 \\approx -0.42$" in (ROOT / "docs" / "jacobian.md").read_text()


def test_exercise_singular_points(example):
    ns = example(PAGE, "exercise_singular")
    x, y = ns["x"], ns["y"]
    assert ns["J"] == hand_jacobian(x, y)
    # The solution's factorisation: det J = 2xy cos y - 5x^2 = x (2y cos y - 5x), printed and by hand.
    for det in (ns["det"], hand_jacobian(x, y).det()):
        assert sp.expand(det - x * (2 * y * sp.cos(y) - 5 * x)) == 0
    assert set(sp.solve(ns["det"], x)) == {0, 2 * y * sp.cos(y) / 5}


def test_exercise_shape_of_a_map_from_r3_to_r2(example):
    ns = example(PAGE, "exercise_shape")
    x, y, z = ns["x"], ns["y"], ns["z"]
    assert ns["g"] == sp.Matrix([x * y * z, x + y])
    assert ns["Jg"] == sp.Matrix([[y * z, x * z, x * y], [1, 1, 0]])
