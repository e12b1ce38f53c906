"""snippets/shared/: the building blocks several pages use.

The input checks name the argument and the problem; the running example agrees with SymPy;
numerical_jacobian agrees with the exact Jacobian by each method within its stated error;
figures are deterministic, accessible SVG.
"""

from __future__ import annotations

import math
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
import sympy as sp

from snippets.shared.checks import choice, count, finite_array, function, labels, positive
from snippets.shared.figures import svg_figure
from snippets.shared.finite_differences import numerical_jacobian
from snippets.shared.running_example import (
    as_point,
    seed_f,
    seed_f_sympy,
    seed_jacobian,
    seed_jacobian_sympy,
    seed_symbols,
)

# --- checks -----------------------------------------------------------------------------------


def test_finite_array_returns_a_float_array_and_a_list_behaves_like_an_array():
    out = finite_array("x", [1, 2, 3])
    assert out.dtype == float and out.tolist() == [1.0, 2.0, 3.0]
    assert finite_array("A", [[1, 2]], ndim=2).shape == (1, 2)
    assert finite_array("W", [[1, 2], [3, 4]], shape=(2, None)).shape == (2, 2)
    assert finite_array("s", 3.0, ndim=None).shape == ()


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: finite_array("w", len), TypeError, "w must be an array of numbers, got builtin_function_or_method"),
        (lambda: finite_array("w", "12"), TypeError, "w must be an array of numbers, got str"),
        (lambda: finite_array("w", [[1.0], [1.0, 2.0]]), TypeError, "w must be an array of numbers"),
        (lambda: finite_array("w", [[1.0]]), ValueError, r"w must be a non-empty 1-D array, got shape \(1, 1\)"),
        (lambda: finite_array("w", []), ValueError, r"w must not be empty, got shape \(0,\)"),
        (lambda: finite_array("w", [1.0, 2.0], ndim=2), ValueError, r"w must be a non-empty 2-D array, got shape \(2,\)"),
        (lambda: finite_array("w", [1.0, np.nan]), ValueError, "w must be finite"),
        (lambda: finite_array("w", [np.inf]), ValueError, "w must be finite"),
        (lambda: finite_array("W", [[1.0, 2.0]], shape=(2, None)), ValueError, r"W must have shape \(2, any\), got shape \(1, 2\)"),
        (lambda: finite_array("p", [1.0], shape=(2,)), ValueError, r"p must have shape \(2,\), got shape \(1,\)"),
        (lambda: positive("h", 0.0), ValueError, "h must be a positive finite number, got 0.0"),
        (lambda: positive("h", float("nan")), ValueError, "h must be a positive finite number"),
        (lambda: positive("h", "1e-6"), TypeError, "h must be a positive number, got str"),
        (lambda: positive("h", True), TypeError, "h must be a positive number, got bool"),
        (lambda: count("steps", 0), ValueError, "steps must be an integer >= 1, got 0"),
        (lambda: count("steps", 2.5), TypeError, "steps must be an integer, got float"),
        (lambda: labels("y", [0, 3], n_classes=3), ValueError, r"y must lie in 0..2, got values from 0 to 3"),
        (lambda: labels("y", [-1], n_classes=3), ValueError, r"y must lie in 0..2"),
        (lambda: labels("y", [0.0, 1.0], n_classes=3), TypeError, "y must hold integers, got dtype float64"),
        (lambda: labels("y", [0, 1], n_classes=3, size=3), ValueError, r"y must have shape \(3,\), got shape \(2,\)"),
        (lambda: as_point([1.0, np.nan]), ValueError, "p must be finite"),
        (lambda: seed_f([1.0, 2.0, 3.0]), ValueError, r"p must have shape \(2,\)"),
    ],
)
def test_bad_input_names_the_argument_and_the_problem(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_labels_and_counts_pass_good_input_through():
    assert labels("y", [0, 2, 1], n_classes=3).tolist() == [0, 2, 1]
    assert labels("y", np.int64(2), n_classes=3).tolist() == [2]
    assert count("n", 3) == 3 and positive("h", 1) == 1.0


# --- the running example and the finite-difference reference ---------------------------------


def test_running_example_agrees_with_sympy():
    x, y = seed_symbols()
    assert seed_jacobian_sympy() == sp.Matrix([[2 * x * y, x**2], [5, sp.cos(y)]])
    f, J = sp.lambdify((x, y), seed_f_sympy(), "numpy"), sp.lambdify((x, y), seed_jacobian_sympy(), "numpy")
    for p in np.random.default_rng(0).uniform(-2, 2, size=(20, 2)):
        np.testing.assert_allclose(seed_f(p), np.asarray(f(*p), float).ravel(), rtol=1e-14)
        np.testing.assert_allclose(seed_jacobian(p), np.asarray(J(*p), float), rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize(
    ("method", "tol"),
    # Error bounds for |x|, |y| <= 2 (|f''|, |f'''| <= 10): forward ~ h |f''| / 2 + eps |f| / h
    # ~ 1e-7; central ~ h^2 |f'''| / 6 + eps |f| / h ~ 1e-9; complex step ~ h^2, no cancellation.
    [("forward", 1e-6), ("central", 1e-8), ("complex", 1e-13)],
)
def test_numerical_jacobian_agrees_with_the_exact_jacobian(method, tol):
    def f(p):  # complex-safe version of the running example
        return np.array([p[0] ** 2 * p[1], 5 * p[0] + np.sin(p[1])])

    for p in np.random.default_rng(1).uniform(-2, 2, size=(20, 2)):
        np.testing.assert_allclose(numerical_jacobian(f, p, method=method), seed_jacobian(p), atol=tol, rtol=0)
    J = numerical_jacobian(lambda v: np.sum(v**2), [1.0, -2.0, 0.5], method=method)
    assert J.shape == (1, 3)
    np.testing.assert_allclose(J, [[2.0, -4.0, 1.0]], atol=tol)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: numerical_jacobian(3, [1.0]), TypeError, "f must be callable, got int"),
        (lambda: numerical_jacobian(np.sin, [1.0], method="backward"), ValueError, "method must be one of"),
        (lambda: numerical_jacobian(np.sin, [[1.0]]), ValueError, "x must be a non-empty 1-D array"),
        (lambda: numerical_jacobian(np.sin, [np.nan]), ValueError, "x must be finite"),
        (lambda: numerical_jacobian(np.sin, [1.0], h=0), ValueError, "h must be a positive finite number"),
        (lambda: numerical_jacobian(lambda v: np.ones((2, 2)), [1.0]), ValueError, "scalar or a 1-D array"),
        (lambda: numerical_jacobian(lambda v: np.array([np.inf]), [0.0]), ValueError, "non-finite values near x"),
    ],
)
def test_numerical_jacobian_rejects_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- figures ----------------------------------------------------------------------------------


def make_figure() -> plt.Figure:
    fig, ax = plt.subplots(figsize=(3, 2))
    t = np.linspace(0, 1, 50)
    ax.plot(t, t**2, label="t^2")
    ax.fill_between(t, 0, t)
    ax.legend()
    return fig


def test_same_figure_same_bytes():
    assert svg_figure(make_figure(), alt="a parabola") == svg_figure(make_figure(), alt="a parabola")


def test_accessible_name_title_and_caption():
    html = svg_figure(make_figure(), alt='a "parabola" & a line', caption="Figure 1 <b>")
    assert html.startswith('<figure class="jfig"><svg role="img" aria-label="a &quot;parabola&quot; &amp; a line"')
    assert "<title>a &quot;parabola&quot; &amp; a line</title>" in html
    assert html.endswith("<figcaption>Figure 1 &lt;b&gt;</figcaption></figure>")
    assert "<?xml" not in html and "<metadata>" not in html and "<dc:date>" not in html


def test_a_figure_never_shows_its_text_below_9_px():
    """The SVG's min-width is the width at which its smallest text (a 7-unit tick label here,
    in a viewBox w units wide) shows at 9 CSS px: min-width = 9 w / 7."""
    fig = make_figure()
    fig.axes[0].tick_params(labelsize=7)
    html = svg_figure(fig, alt="a parabola")
    width = float(re.search(r'viewBox="0 0 ([\d.]+)', html).group(1))
    assert re.search(r'<svg [^>]*style="min-width: (\d+)px"', html).group(1) == str(math.ceil(9 * width / 7))


def test_colour_figures_are_not_inverted_in_dark_mode():
    html = svg_figure(make_figure(), alt="a colour map", invert_in_dark=False)
    assert html.startswith('<figure class="jfig jfig-colour">')


@pytest.mark.parametrize("alt", ["", "   ", None])
def test_alt_text_is_required(alt):
    with pytest.raises(ValueError, match="alt text"):
        svg_figure(make_figure(), alt=alt)


def test_a_figure_is_required():
    with pytest.raises(TypeError, match="matplotlib Figure, got str"):
        svg_figure("<svg/>", alt="nothing")


def test_function_and_choice_checks_name_the_argument():
    assert function("f", len) is len and choice("mode", "a", ("a", "b")) == "a"
    with pytest.raises(TypeError, match="f must be callable, got int"):
        function("f", 3)
    with pytest.raises(ValueError, match="mode must be one of a, b, got 'c'"):
        choice("mode", "c", ("a", "b"))
