"""snippets/checks.py: the shared input check of the reusable snippet functions."""

from __future__ import annotations

import numpy as np
import pytest

from snippets.shared.checks import finite_array


def test_returns_a_float_array():
    out = finite_array("x", [1, 2, 3])
    assert out.dtype == float and out.tolist() == [1.0, 2.0, 3.0]
    assert finite_array("A", [[1, 2]], ndim=2).shape == (1, 2)


@pytest.mark.parametrize(
    ("value", "ndim", "error", "message"),
    [
        (len, 1, TypeError, "w must be an array of numbers, got builtin_function_or_method"),
        ("12", 1, TypeError, "w must be an array of numbers, got str"),
        ([[1.0]], 1, ValueError, r"w must be a non-empty 1-D array, got shape \(1, 1\)"),
        ([], 1, ValueError, r"w must be a non-empty 1-D array, got shape \(0,\)"),
        ([1.0, 2.0], 2, ValueError, r"w must be a non-empty 2-D array, got shape \(2,\)"),
        ([1.0, np.nan], 1, ValueError, "w must be finite"),
        ([np.inf], 1, ValueError, "w must be finite"),
    ],
)
def test_bad_input_names_the_argument_and_the_problem(value, ndim, error, message):
    with pytest.raises(error, match=message):
        finite_array("w", value, ndim)
