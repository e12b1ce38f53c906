"""snippets/numerical.py: finite-difference Jacobians, and their input validation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.numerical import numerical_jacobian
from snippets.seed_example import seed_jacobian


def f_seed(p):
    x, y = p[0], p[1]
    return np.array([x**2 * y, 5 * x + np.sin(y)])


# Tolerances: forward differences are accurate to about sqrt(eps) ~ 1e-8 times the scale of
# f'', central to about eps^(2/3) ~ 4e-11, complex step to machine precision.
TOL = {"forward": 1e-5, "central": 1e-7, "complex": 1e-12}

coordinate = st.floats(min_value=-3, max_value=3, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize("method", sorted(TOL))
@settings(max_examples=100, deadline=None)
@given(px=coordinate, py=coordinate)
def test_matches_the_seed_jacobian(method, px, py):
    p = np.array([px, py])
    np.testing.assert_allclose(numerical_jacobian(f_seed, p, method), seed_jacobian(p), atol=TOL[method], rtol=0)


def test_scalar_function_gives_a_row():
    J = numerical_jacobian(lambda v: np.sum(v**2), np.array([1.0, 2.0, 3.0]))
    assert J.shape == (1, 3)
    np.testing.assert_allclose(J, [[2.0, 4.0, 6.0]], atol=1e-8)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"f": 3}, TypeError, "f must be callable, got int"),
        ({"x": np.ones((2, 2))}, ValueError, r"1-D array .* shape \(2, 2\)"),
        ({"x": np.array([])}, ValueError, "non-empty"),
        ({"x": np.array([np.nan, 1.0])}, ValueError, "finite"),
        ({"method": "backward"}, ValueError, "method must be one of"),
        ({"h": 0.0}, ValueError, "positive finite step"),
        ({"f": lambda v: np.ones((2, 2))}, ValueError, "scalar or a 1-D array"),
        ({"f": lambda v: 1 / (v - v)}, ValueError, "non-finite"),
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(kwargs, error, message):
    args = {"f": f_seed, "x": np.array([1.0, 2.0])} | kwargs
    with np.errstate(all="ignore"), pytest.raises(error, match=message):
        numerical_jacobian(**args)
