"""snippets/seed_example.py: the running example f(x, y) = (x^2 y, 5x + sin y)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.shared.running_example import (
    as_point,
    seed_f,
    seed_f_sympy,
    seed_jacobian,
    seed_jacobian_sympy,
    seed_symbols,
)
from snippets.shared.finite_differences import numerical_jacobian
from tests.conftest import ROOT

# Central differences with step H have truncation error ~ H^2 * |f'''| / 6 and round-off
# ~ 1e-16 * |f| / H. On |x|, |y| <= 3 both stay below 1e-7, so 1e-6 leaves a margin and
# still catches any wrong entry (the smallest nonzero entry difference is far larger).
H = 1e-6
FD_TOL = 1e-6

coordinate = st.floats(min_value=-3, max_value=3, allow_nan=False, allow_infinity=False)


def test_sympy_jacobian_is_the_hand_result():
    x, y = seed_symbols()
    expected = sp.Matrix([[2 * x * y, x**2], [5, sp.cos(y)]])
    assert sp.simplify(seed_jacobian_sympy() - expected) == sp.zeros(2, 2)


def test_numpy_functions_match_sympy():
    x, y = seed_symbols()
    f_num = sp.lambdify((x, y), seed_f_sympy(), "numpy")
    J_num = sp.lambdify((x, y), seed_jacobian_sympy(), "numpy")
    rng = np.random.default_rng(1)
    for p in rng.uniform(-3, 3, size=(50, 2)):
        np.testing.assert_allclose(seed_f(p), np.ravel(f_num(*p)), rtol=1e-14, atol=1e-14)
        np.testing.assert_allclose(seed_jacobian(p), np.asarray(J_num(*p), float), rtol=1e-14, atol=1e-14)


@settings(max_examples=200, deadline=None)
@given(coordinate, coordinate)
def test_jacobian_matches_central_difference(px, py):
    p = np.array([px, py])
    np.testing.assert_allclose(numerical_jacobian(seed_f, p, "central", h=H), seed_jacobian(p), atol=FD_TOL, rtol=0)


def test_each_row_is_the_gradient_of_its_component():
    x, y = seed_symbols()
    f = seed_f_sympy()
    J = seed_jacobian_sympy()
    for i in range(2):
        gradient = sp.Matrix([f[i].diff(x), f[i].diff(y)])  # a column vector
        assert J.row(i) == gradient.T


def test_worked_example_on_the_page():
    # docs/jacobian.md works J_f(1, 2) = [[4, 1], [5, cos 2]] by hand.
    x, y = seed_symbols()
    assert seed_jacobian_sympy().subs({x: 1, y: 2}) == sp.Matrix([[4, 1], [5, sp.cos(2)]])


def test_exercise_solutions():
    x, y = seed_symbols()
    J = seed_jacobian_sympy()
    # 1. J_f(1, 0) = [[0, 1], [5, 1]]
    assert J.subs({x: 1, y: 0}) == sp.Matrix([[0, 1], [5, 1]])
    np.testing.assert_array_equal(seed_jacobian([1.0, 0.0]), [[0, 1], [5, 1]])
    # 2. det J = x (2 y cos y - 5x): zero on x = 0 and on x = 2 y cos(y) / 5
    assert sp.expand(J.det() - x * (2 * y * sp.cos(y) - 5 * x)) == 0
    assert set(sp.solve(J.det(), x)) == {0, 2 * y * sp.cos(y) / 5}
    # 3. g(x, y, z) = (xyz, x + y) has the 2x3 Jacobian [[yz, xz, xy], [1, 1, 0]]
    z = sp.Symbol("z")
    Jg = sp.Matrix([x * y * z, x + y]).jacobian([x, y, z])
    assert Jg == sp.Matrix([[y * z, x * z, x * y], [1, 1, 0]])


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        ([1.0, 2.0, 3.0], ValueError, "shape (2,)"),
        ([[1.0, 2.0]], ValueError, "shape (2,)"),
        ([np.nan, 1.0], ValueError, "finite"),
        ([np.inf, 1.0], ValueError, "finite"),
        ("12", TypeError, "str"),
        (len, TypeError, "builtin_function_or_method"),
    ],
)
def test_bad_points_are_rejected_with_a_clear_message(bad, error, message):
    for func in (as_point, seed_f, seed_jacobian):
        with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
            func(bad)


def test_page_examples_run_and_agree():
    """The page's examples (the __main__ sections) run, and print what the functions compute."""
    out = subprocess.run(
        [sys.executable, "-m", "snippets.shared.running_example"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.count("Matrix([[2*x*y, x**2], [5, cos(y)]])") == 2  # the seed's listing and .jacobian
    assert np.array2string(seed_jacobian([1.0, 2.0])) in out
    assert "equals f.jacobian([x, y]): True" in out
    worst = float(out.split("random points: ")[1].split()[0])
    assert worst < FD_TOL
