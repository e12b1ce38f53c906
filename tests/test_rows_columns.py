"""snippets/rows_columns.py: rows are VJPs, columns are JVPs, the gradient points uphill."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.numerical import numerical_jacobian
from snippets.rows_columns import (
    directional_derivatives,
    jacobian_by_columns,
    jacobian_by_rows,
    jvp,
    vjp,
)
from snippets.seed_example import seed_f, seed_f_sympy, seed_jacobian, seed_symbols
from tests.conftest import ROOT

# vjp/jvp use central differences with h = 6e-6: truncation ~ h^2 |f'''| / 6 < 1e-9 and
# round-off ~ 1e-16 |f| / h < 1e-9 for inputs and weights of size <= 3, so 1e-6 leaves a wide
# margin while any wrong entry (off by O(1)) fails.
FD_TOL = 1e-6

coordinate = st.floats(min_value=-2, max_value=2, allow_nan=False, allow_infinity=False)
weight = st.floats(min_value=-3, max_value=3, allow_nan=False, allow_infinity=False)


def g3(v):
    """A non-square test map R^3 -> R^2."""
    return np.array([v[0] * v[1] * v[2], np.tanh(v[0] + 2 * v[1]) - v[2] ** 2])


def g3_jacobian(v):
    s = 1 - np.tanh(v[0] + 2 * v[1]) ** 2
    return np.array([[v[1] * v[2], v[0] * v[2], v[0] * v[1]], [s, 2 * s, -2 * v[2]]])


# --- symbolic: rows are gradients, columns are directional derivatives ---------------------


def test_rows_are_gradients_of_e_i_dot_f_and_columns_are_derivatives_along_e_j():
    x, y = seed_symbols()
    t = sp.Symbol("t")
    X = sp.Matrix([x, y])
    f = seed_f_sympy()
    J = f.jacobian(X)
    for i in range(2):
        assert (sp.eye(2)[:, i].T * f).jacobian(X) == J.row(i)
    for j in range(2):
        e = sp.eye(2)[:, j]
        moved = f.subs({x: x + t * e[0], y: y + t * e[1]}, simultaneous=True)
        assert sp.simplify(moved.diff(t).subs(t, 0) - J.col(j)) == sp.zeros(2, 1)


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


# --- numerical: hypothesis over points and vectors -----------------------------------------


@settings(max_examples=100, deadline=None)
@given(coordinate, coordinate, weight, weight)
def test_vjp_equals_u_transpose_j(px, py, u1, u2):
    p, u = np.array([px, py]), np.array([u1, u2])
    np.testing.assert_allclose(vjp(seed_f, p, u), u @ seed_jacobian(p), atol=FD_TOL, rtol=0)


@settings(max_examples=100, deadline=None)
@given(coordinate, coordinate, weight, weight)
def test_jvp_equals_j_v(px, py, v1, v2):
    p, v = np.array([px, py]), np.array([v1, v2])
    np.testing.assert_allclose(jvp(seed_f, p, v), seed_jacobian(p) @ v, atol=FD_TOL, rtol=0)


@settings(max_examples=60, deadline=None)
@given(st.lists(coordinate, min_size=3, max_size=3))
def test_rows_equal_vjps_and_columns_equal_jvps_on_a_non_square_map(point):
    p = np.array(point)
    J = g3_jacobian(p)
    by_rows, by_columns = jacobian_by_rows(g3, p), jacobian_by_columns(g3, p)
    assert by_rows.shape == by_columns.shape == (2, 3)
    np.testing.assert_allclose(by_rows, J, atol=FD_TOL, rtol=0)
    np.testing.assert_allclose(by_columns, J, atol=FD_TOL, rtol=0)
    np.testing.assert_allclose(by_columns, numerical_jacobian(g3, p), atol=FD_TOL, rtol=0)
    for i in range(2):
        np.testing.assert_allclose(vjp(g3, p, np.eye(2)[i]), J[i], atol=FD_TOL, rtol=0)
    for j in range(3):
        np.testing.assert_allclose(jvp(g3, p, np.eye(3)[j]), J[:, j], atol=FD_TOL, rtol=0)


def test_g3_jacobian_is_right_symbolically():
    a, b, c = sp.symbols("a b c")
    G = sp.Matrix([a * b * c, sp.tanh(a + 2 * b) - c**2])
    J = sp.lambdify((a, b, c), G.jacobian([a, b, c]), "numpy")
    for p in np.random.default_rng(7).uniform(-2, 2, size=(10, 3)):
        np.testing.assert_allclose(g3_jacobian(p), np.asarray(J(*p), float), rtol=1e-12, atol=1e-12)


def test_scalar_function_rows_and_columns():
    p = np.array([1.0, 2.0, -0.5])
    J = jacobian_by_rows(lambda v: np.sum(v**2), p)
    assert J.shape == (1, 3)
    np.testing.assert_allclose(J, [2 * p], atol=FD_TOL)
    np.testing.assert_allclose(jacobian_by_columns(lambda v: np.sum(v**2), p), [2 * p], atol=FD_TOL)


# --- steepest ascent ------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(coordinate, coordinate)
def test_the_gradient_direction_maximises_the_rate_of_change(px, py):
    p = np.array([px, py])
    grad = np.array([2 * px * py, px**2])  # gradient of x^2 y
    angles, rates = directional_derivatives(lambda v: v[0] ** 2 * v[1], p, n_angles=720)
    # every sampled rate is at most |grad| (Cauchy-Schwarz), and rate(t) = grad . (cos t, sin t)
    assert np.all(rates <= np.linalg.norm(grad) + FD_TOL)
    np.testing.assert_allclose(rates, grad[0] * np.cos(angles) + grad[1] * np.sin(angles), atol=FD_TOL)
    if np.linalg.norm(grad) > 1e-3:
        best = angles[np.argmax(rates)]
        gap = np.angle(np.exp(1j * (best - np.arctan2(grad[1], grad[0]))))  # wrapped to (-pi, pi]
        assert abs(gap) <= 2 * np.pi / 720 + 1e-9
        assert rates.max() == pytest.approx(np.linalg.norm(grad), abs=1e-4)  # cos(half a step) ~ 1 - 5e-6


def test_steepest_descent_exercise():
    x, y = seed_symbols()
    g = x**2 * y
    grad = sp.Matrix([g.diff(x), g.diff(y)]).subs({x: 1, y: 2})
    assert grad == sp.Matrix([4, 1]) and grad.norm() == sp.sqrt(17)
    u = -grad / grad.norm()
    rate = (grad.T * u)[0]
    assert sp.simplify(rate + sp.sqrt(17)) == 0
    np.testing.assert_allclose(jvp(lambda v: v[0] ** 2 * v[1], [1.0, 2.0], np.array(u, float).ravel()),
                               [-np.sqrt(17)], atol=FD_TOL)


def test_vjp_and_jvp_exercises():
    x, y = seed_symbols()
    J = seed_f_sympy().jacobian([x, y]).subs({x: 1, y: 2})
    assert sp.Matrix([[1, -1]]) * J == sp.Matrix([[-1, 1 - sp.cos(2)]])
    assert J * sp.Matrix([1, 1]) == sp.Matrix([5, 5 + sp.cos(2)])
    np.testing.assert_allclose(vjp(seed_f, [1.0, 2.0], [1.0, -1.0]), [-1, 1 - np.cos(2)], atol=FD_TOL)
    np.testing.assert_allclose(jvp(seed_f, [1.0, 2.0], [1.0, 1.0]), [5, 5 + np.cos(2)], atol=FD_TOL)


# --- input validation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: vjp(3, [1.0, 2.0], [1.0, 0.0]), TypeError, "f must be callable, got int"),
        (lambda: jvp(seed_f, "12", [1.0, 0.0]), TypeError, "x must be an array of numbers, got str"),
        (lambda: jvp(seed_f, [[1.0, 2.0]], [1.0, 0.0]), ValueError, r"1-D array .* shape \(1, 2\)"),
        (lambda: vjp(seed_f, [np.inf, 2.0], [1.0, 0.0]), ValueError, "x must be finite"),
        (lambda: vjp(seed_f, [1.0, 2.0], [1.0, 0.0, 0.0]), ValueError, r"u must have shape \(2,\)"),
        (lambda: vjp(seed_f, [1.0, 2.0], [np.nan, 0.0]), ValueError, "u must be finite"),
        (lambda: jvp(seed_f, [1.0, 2.0], [1.0]), ValueError, r"v must have shape \(2,\), a vector of the input"),
        (lambda: jvp(seed_f, [1.0, 2.0], len), TypeError, "v must be an array of numbers"),
        (lambda: jvp(lambda v: np.ones((2, 2)), [1.0, 2.0], [1.0, 0.0]), ValueError, "scalar or a 1-D array"),
        (lambda: jacobian_by_rows(None, [1.0]), TypeError, "f must be callable, got NoneType"),
        (lambda: jacobian_by_columns(seed_f, []), ValueError, "non-empty"),
        (lambda: directional_derivatives(lambda v: v[0], [1.0, 2.0, 3.0]), ValueError, "point of R\\^2"),
        (lambda: directional_derivatives(seed_f, [1.0, 2.0]), ValueError, "scalar-valued"),
        (lambda: directional_derivatives(lambda v: v[0], [1.0, 2.0], 2), ValueError, "n_angles must be"),
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- the page's examples -------------------------------------------------------------------


def test_page_examples_run_and_agree():
    out = subprocess.run(
        [sys.executable, "-m", "snippets.rows_columns"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "stacked rows == jacobian:    True" in out
    assert "stacked columns == jacobian: True" in out
    for label in ("rows", "columns"):
        error = float(re.search(rf"largest error, {label}: +(\S+)", out).group(1))
        assert error < FD_TOL
    found = float(re.search(r"fastest ascent found at angle (\S+)", out).group(1))
    exact = np.degrees(np.arctan2(1.0, 4.0))
    assert abs(found - exact) <= 0.1
    largest, norm = map(float, re.search(r"largest rate (\S+) vs \|gradient\| (\S+)", out).groups())
    assert abs(largest - np.sqrt(17)) < 1e-5 and abs(norm - np.sqrt(17)) < 1e-6
    lowest = float(re.search(r"smallest rate (\S+),", out).group(1))
    assert abs(lowest + np.sqrt(17)) < 1e-5
    assert "a loss R^1000 -> R: 1 VJP (one per row) or 1000 JVPs" in out


def test_page_numbers_difference_and_descent_angle():
    # The page says the largest sampled rate matches sqrt(17) "to within the printed difference,
    # about 1e-6", and that the steepest descent is the opposite direction (180 degrees away).
    out = subprocess.run(
        [sys.executable, "-m", "snippets.rows_columns"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    largest, norm, diff = map(float, re.search(r"largest rate (\S+) vs \|gradient\| (\S+) \(difference (\S+)\)", out).groups())
    assert diff < 1e-5 and diff == pytest.approx(abs(largest - norm), abs=1e-6)
    # Sampling error: the best of 3600 angles misses by <= 0.05 degree, so |g| (1 - cos) <= 1.6e-6.
    assert np.sqrt(17) * (1 - np.cos(np.radians(0.05))) < 2e-6
    gap = float(re.search(r"descent angle - ascent angle: (\S+) degrees", out).group(1))
    assert abs(gap - 180) <= 0.1
    page = (ROOT / "docs" / "rows-and-columns.md").read_text(encoding="utf-8")
    assert "differentiable at $\\vx$" in page
