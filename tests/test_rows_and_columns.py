"""docs/rows-and-columns.md: rows are VJPs, columns are JVPs, the gradient points uphill.

Every claim of the page is checked on the objects its examples make (snippets/rows_and_columns/):
the SymPy rows and columns against SymPy's own Jacobian, the shown `vjp` and `jvp` against the
exact Jacobian on the running example and on a non-square map, the steepest-ascent numbers
against the gradient worked by hand, and the steepest direction in another norm.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.shared.figures import svg_figure
from snippets.shared.finite_differences import numerical_jacobian
from snippets.rows_and_columns.figures import steepest_ascent_figure
from snippets.shared.running_example import seed_f, seed_f_sympy, seed_jacobian, seed_symbols
from tests.conftest import ROOT

PAGE = "rows_and_columns"
# The shown vjp/jvp use central differences with h = 1e-6: truncation ~ h^2 |f'''| / 6 < 1e-11
# and round-off ~ eps |f| / h ~ 2e-16 * 10 / 1e-6 = 2e-9 for inputs and weights of size <= 3,
# so 1e-6 leaves a wide margin while any wrong entry (off by O(1)) fails.
FD_TOL = 1e-6

coordinate = st.floats(min_value=-2, max_value=2, allow_nan=False, allow_infinity=False)
weight = st.floats(min_value=-3, max_value=3, allow_nan=False, allow_infinity=False)


def g3(v):
    """A non-square test map R^3 -> R^2."""
    return np.array([v[0] * v[1] * v[2], np.tanh(v[0] + 2 * v[1]) - v[2] ** 2])


def g3_jacobian_sympy():
    a, b, c = sp.symbols("a b c")
    G = sp.Matrix([a * b * c, sp.tanh(a + 2 * b) - c**2])
    return sp.lambdify((a, b, c), G.jacobian([a, b, c]), "numpy")


# --- symbolic: rows are gradients, columns are directional derivatives ---------------------


def test_sympy_rows_and_columns_stack_to_the_jacobian(example):
    ns = example(PAGE, "sympy_rows_columns")
    x, y = seed_symbols()
    J = seed_f_sympy().jacobian([x, y])
    assert ns["J"] == J
    assert sp.Matrix.vstack(*ns["rows"]) == J
    assert sp.simplify(sp.Matrix.hstack(*ns["columns"]) - J) == sp.zeros(2, 2)
    assert [r.shape for r in ns["rows"]] == [(1, 2)] * 2 and [c.shape for c in ns["columns"]] == [(2, 1)] * 2


def test_general_vjp_and_jvp_symbolically():
    x, y = seed_symbols()
    u1, u2, v1, v2, t = sp.symbols("u1 u2 v1 v2 t")
    f = seed_f_sympy()
    J = f.jacobian([x, y])
    u, v = sp.Matrix([u1, u2]), sp.Matrix([v1, v2])
    assert sp.expand((u.T * f).jacobian([x, y]) - u.T * J) == sp.zeros(1, 2)
    along = f.subs({x: x + t * v1, y: y + t * v2}, simultaneous=True).diff(t).subs(t, 0)
    assert sp.simplify(along - J * v) == sp.zeros(2, 1)


def test_worked_example_row_1_and_column_2():
    x, y = seed_symbols()
    J = seed_f_sympy().jacobian([x, y]).subs({x: 1, y: 2})
    assert J.row(0) == sp.Matrix([[4, 1]])
    assert J.col(1) == sp.Matrix([1, sp.cos(2)])


# --- numerical: the shown vjp and jvp -------------------------------------------------------


def test_shown_rows_and_columns_equal_the_exact_jacobian(example):
    ns = example(PAGE, "numeric_rows_columns")
    J = seed_jacobian([1.0, 2.0])
    np.testing.assert_allclose(ns["J_exact"], J, rtol=1e-15)
    np.testing.assert_allclose(ns["J_rows"], J, atol=FD_TOL, rtol=0)
    np.testing.assert_allclose(ns["J_cols"], J, atol=FD_TOL, rtol=0)
    np.testing.assert_allclose(ns["f"](np.array([1.0, 2.0])), seed_f([1.0, 2.0]), rtol=1e-15)
    assert ns["error_rows"] == np.max(np.abs(ns["J_rows"] - J)) < FD_TOL
    assert ns["error_cols"] == np.max(np.abs(ns["J_cols"] - J)) < FD_TOL


@settings(max_examples=60, deadline=None)
@given(coordinate, coordinate, weight, weight)
def test_shown_vjp_is_u_transpose_j_and_jvp_is_j_v(example, px, py, a, b):
    ns = example(PAGE, "numeric_rows_columns")
    p, w = np.array([px, py]), np.array([a, b])
    np.testing.assert_allclose(ns["vjp"](seed_f, p, w), w @ seed_jacobian(p), atol=FD_TOL, rtol=0)
    np.testing.assert_allclose(ns["jvp"](seed_f, p, w), seed_jacobian(p) @ w, atol=FD_TOL, rtol=0)


@settings(max_examples=40, deadline=None)
@given(st.lists(coordinate, min_size=3, max_size=3))
def test_shown_vjp_and_jvp_on_a_non_square_map(example, point):
    ns = example(PAGE, "numeric_rows_columns")
    p = np.array(point)
    J = np.asarray(g3_jacobian_sympy()(*p), float)
    np.testing.assert_allclose(numerical_jacobian(g3, p), J, atol=FD_TOL, rtol=0)
    for i in range(2):  # row i is the VJP with e_i
        np.testing.assert_allclose(ns["vjp"](g3, p, np.eye(2)[i]), J[i], atol=FD_TOL, rtol=0)
    for j in range(3):  # column j is the JVP with e_j
        np.testing.assert_allclose(ns["jvp"](g3, p, np.eye(3)[j]), J[:, j], atol=FD_TOL, rtol=0)


# --- steepest ascent ------------------------------------------------------------------------


def test_steepest_ascent_numbers_match_the_gradient_by_hand(example):
    ns = example(PAGE, "steepest_ascent")
    grad = np.array([4.0, 1.0])  # (2xy, x^2) at (1, 2), worked on the page
    np.testing.assert_array_equal(ns["grad"], grad)
    exact_angle = np.degrees(np.arctan2(1.0, 4.0))
    assert ns["gradient_angle"] == pytest.approx(exact_angle, rel=1e-15)
    assert abs(ns["best"] - exact_angle) <= 0.05 + 1e-9  # half the 0.1-degree grid
    assert ns["difference"] == pytest.approx(np.sqrt(17) - ns["rates"].max(), abs=1e-15)
    # Sampling error: the best of 3600 angles misses by <= 0.05 degree, so the largest rate
    # is below |grad| by at most |grad| (1 - cos 0.05 deg) < 2e-6; the page says "about 1e-6".
    assert 0 <= np.sqrt(17) - ns["rates"].max() < 2e-6
    assert abs(ns["rates"].min() + np.sqrt(17)) < 2e-6
    assert ns["turn"] == ns["worst"] - ns["best"] and abs(ns["turn"] - 180) <= 0.1
    # Every rate is grad . u (the JVP of a linear map in u), bounded by |grad| (Cauchy-Schwarz).
    np.testing.assert_allclose(ns["rates"], ns["directions"] @ grad, atol=FD_TOL)


def test_steepest_direction_in_a_quadratic_norm_is_p_inverse_gradient():
    """The page: with steps measured by sqrt(u^T P u), the steepest direction is P^-1 grad g, not grad g."""
    grad, P = np.array([4.0, 1.0]), np.diag([4.0, 1.0])  # a diagonal P, like Adam's rescaling
    angles = np.linspace(0, 2 * np.pi, 36000, endpoint=False)
    units = np.stack([np.cos(angles), np.sin(angles)], 1) / np.sqrt(np.diag(P))  # u^T P u = 1: P^(-1/2) (cos, sin)
    best = units[np.argmax(units @ grad)]
    steepest = np.linalg.solve(P, grad)
    np.testing.assert_allclose(best, steepest / np.sqrt(steepest @ P @ steepest), atol=1e-3)
    assert abs(best @ grad / np.linalg.norm(best) - np.linalg.norm(grad)) > 0.1  # not the Euclidean direction


def test_steepest_ascent_figure_is_accessible_svg():
    html = svg_figure(steepest_ascent_figure(), alt="contours and rates")
    assert html.startswith('<figure class="jfig"><svg role="img" aria-label="contours and rates"')
    with pytest.raises(ValueError, match="x0 must have shape"):
        steepest_ascent_figure((1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="x0 must be a point where the gradient"):
        steepest_ascent_figure((0.0, 2.0))


# --- exercises ------------------------------------------------------------------------------


def test_exercise_vjp_row_1_minus_row_2(example):
    ns = example(PAGE, "exercise_vjp")
    x, y = seed_symbols()
    J = seed_f_sympy().jacobian([x, y]).subs({x: 1, y: 2})
    assert sp.Matrix([[1, -1]]) * J == sp.Matrix([[-1, 1 - sp.cos(2)]])
    np.testing.assert_allclose(ns["uJ"], [-1, 1 - np.cos(2)], rtol=1e-15)
    np.testing.assert_allclose(ns["by_hand"], [-1, 1 - np.cos(2)], rtol=1e-15)
    np.testing.assert_allclose(ns["J"], seed_jacobian([1.0, 2.0]), rtol=1e-15)


def test_exercise_jvp_column_sum(example):
    ns = example(PAGE, "exercise_jvp")
    x, y = seed_symbols()
    J = seed_f_sympy().jacobian([x, y]).subs({x: 1, y: 2})
    assert J * sp.Matrix([1, 1]) == sp.Matrix([5, 5 + sp.cos(2)])
    np.testing.assert_allclose(ns["Jv"], [5, 5 + np.cos(2)], rtol=1e-15)
    np.testing.assert_allclose(ns["central"], [5, 5 + np.cos(2)], atol=FD_TOL)
    np.testing.assert_allclose(ns["f"](np.array([0.5, -1.0])), seed_f([0.5, -1.0]), rtol=1e-15)


def test_exercise_count_rows_and_columns(example):
    ns = example(PAGE, "exercise_count")
    # A map R^n -> R^m has m rows (VJPs) and n columns (JVPs): the last loop pair is the loss.
    assert (ns["name"], ns["n"], ns["m"]) == ("a loss R^1000 -> R", 1000, 1)
    solution = " ".join((ROOT / "docs" / "rows-and-columns.md").read_text().split("**3.**")[1].split())
    assert "layer, $10$ VJPs or $1000$ JVPs" in solution and "against $1000$ JVPs" in solution


def test_exercise_descent_direction_and_rate(example):
    ns = example(PAGE, "exercise_descent")
    x, y = seed_symbols()
    g = x**2 * y
    grad = sp.Matrix([g.diff(x), g.diff(y)]).subs({x: 1, y: 2})
    assert grad == sp.Matrix([4, 1]) and grad.norm() == sp.sqrt(17)
    u = -grad / grad.norm()
    np.testing.assert_allclose(ns["down"], np.array(u, float).ravel(), rtol=1e-15)
    assert sp.simplify((grad.T * u)[0] + sp.sqrt(17)) == 0
    np.testing.assert_allclose(ns["down"] @ ns["grad"], -np.sqrt(17), rtol=1e-15)
    assert ns["rate"] == pytest.approx(-np.sqrt(17), rel=1e-15) and ns["by_hand"] == -np.sqrt(17)
