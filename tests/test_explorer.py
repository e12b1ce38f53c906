"""The interactive Jacobian explorer of docs/linear-map.md and docs/determinant.md.

Every claim the figure makes is checked: its functions and Jacobians (snippets/shared/explorer.py)
against SymPy, finite differences and the complex step, det J against the signed area of an
image square, the linearization error against its definition and its h^2 decay, and every
input check once with a bad input. explorer_html() embeds sample data (p, f(p), J_f(p),
det J_f(p) and the linearization error, computed at build time) as JSON in a
<script type="application/json" class="jx-data"> inside the figure. The browser tests (their
names start with test_browser_; they build and serve the site, so run the rest alone with
``-k "not browser"``) read it from the built pages, check it still equals what the module
computes, evaluate the figure's own JavaScript at those points (and at more points drawn here)
and compare, then drive the figure by keyboard, mouse and touch.
"""

from __future__ import annotations

import html as htmllib
import json
import math
import re
import urllib.request

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.shared.explorer import (
    DEFAULT_POINT,
    FUNCTIONS,
    GRID_N,
    KEY_STEP,
    KEY_STEP_FINE,
    LAYER_B,
    LAYER_W,
    RADIUS_MIN,
    VIEW,
    det2,
    explorer_data,
    explorer_f,
    explorer_html,
    explorer_jacobian,
    fmt,
    grid_offsets,
    linearization_error,
    sample_points,
    sample_record,
    static_figure,
    summary_text,
)
from snippets.shared.finite_differences import numerical_jacobian

# The pages that show the figure (each embeds explorer_html()).
FIGURE_PAGES = ("linear-map/", "determinant/")

# JavaScript and NumPy run the same operations in the same order; they can differ only where
# Math.sin/cos/tanh/cosh and NumPy's round differently (about 1 ulp, relative 2e-16), which
# the formulas amplify by at most a few units on the figure's window. 1e-12 leaves a margin
# of > 1000 and still catches any wrong term.
REL = 1e-12

coordinate = st.floats(min_value=VIEW[0], max_value=VIEW[1], allow_nan=False, allow_infinity=False)
function_name = st.sampled_from(FUNCTIONS)


# ---------------------------------------------------------------- Python side: the maths


def sympy_reference(name: str):
    """(f, J, (x, y)): the figure's function ``name`` as a 2 x 1 SymPy Matrix, and its Jacobian."""
    x, y = sp.symbols("x y", real=True)
    if name == "seed":
        f = sp.Matrix([x**2 * y, 5 * x + sp.sin(y)])
    elif name == "polar":
        f = sp.Matrix([x * sp.cos(y), x * sp.sin(y)])
    else:
        W = sp.Matrix(LAYER_W.tolist()).applyfunc(sp.nsimplify)
        b = sp.Matrix(LAYER_B.tolist()).applyfunc(sp.nsimplify)
        f = (W * sp.Matrix([x, y]) + b).applyfunc(sp.tanh)
    return f, f.jacobian([x, y]), (x, y)


def explorer_det(name: str, p) -> float:
    """det J_f(p) as the figure computes it."""
    return det2(explorer_jacobian(name, p))


def test_sympy_jacobians_are_the_hand_results():
    f, J, (x, y) = sympy_reference("seed")
    assert sp.simplify(J - sp.Matrix([[2 * x * y, x**2], [5, sp.cos(y)]])) == sp.zeros(2, 2)
    f, J, (r, t) = sympy_reference("polar")
    assert sp.simplify(J - sp.Matrix([[sp.cos(t), -r * sp.sin(t)], [sp.sin(t), r * sp.cos(t)]])) == sp.zeros(2, 2)
    assert sp.simplify(J.det()) == r  # polar coordinates scale areas by r
    f, J, (x, y) = sympy_reference("layer")
    W = sp.Matrix(LAYER_W.tolist()).applyfunc(sp.nsimplify)
    z = W * sp.Matrix([x, y]) + sp.Matrix(LAYER_B.tolist()).applyfunc(sp.nsimplify)
    sech2 = sp.diag(*[1 - sp.tanh(zi) ** 2 for zi in z])  # tanh' = 1 - tanh^2
    assert sp.simplify(J - sech2 * W) == sp.zeros(2, 2)
    assert sp.simplify(J.det() - W.det() * sech2[0, 0] * sech2[1, 1]) == 0


@pytest.mark.parametrize("name", FUNCTIONS)
def test_numpy_matches_sympy(name):
    f, J, syms = sympy_reference(name)
    f_num = sp.lambdify(syms, f, "numpy")
    J_num = sp.lambdify(syms, J, "numpy")
    det_num = sp.lambdify(syms, J.det(), "numpy")
    # sympy writes tanh' as 1 - tanh(z)^2, which cancels: on this window |z| <= 7.75, so
    # 1/cosh(z)^2 >= 7e-7 and the cancellation costs up to 1.4e6 ulp (3e-10 relative).
    # The module uses 1/cosh(z)^2 (no cancellation), so only the layer needs the looser 1e-9.
    rtol = 1e-9 if name == "layer" else REL
    rng = np.random.default_rng(3)
    for p in rng.uniform(*VIEW, size=(40, 2)):
        np.testing.assert_allclose(explorer_f(name, p), np.ravel(f_num(*p)), rtol=REL, atol=1e-14)
        np.testing.assert_allclose(explorer_jacobian(name, p), np.asarray(J_num(*p), float), rtol=rtol, atol=1e-14)
        # det is a difference of products: compare relative to their size
        Jp = explorer_jacobian(name, p)
        scale = abs(Jp[0, 0] * Jp[1, 1]) + abs(Jp[0, 1] * Jp[1, 0])
        assert abs(explorer_det(name, p) - float(det_num(*p))) <= rtol * scale


@settings(max_examples=100, deadline=None)
@given(function_name, coordinate, coordinate)
def test_jacobian_matches_central_differences(name, px, py):
    # Central differences, step 6e-6: truncation ~ h^2 |f'''| / 6 < 1e-9 and round-off
    # ~ 1e-16 |f| / h < 1e-9 on this window (|f| <= 27), so 1e-7 has a margin of 100.
    p = np.array([px, py])
    numeric = numerical_jacobian(lambda q: explorer_f(name, q), p, method="central")
    np.testing.assert_allclose(explorer_jacobian(name, p), numeric, atol=1e-7, rtol=0)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_jacobian_matches_complex_step(name):
    # The complex step has no cancellation: with h = 1e-20 its error is ~h^2, far below
    # round-off, so it agrees with the exact Jacobian to a few ulp (1e-13 relative).
    def f_complex(q):
        x, y = q
        if name == "seed":
            return np.array([x**2 * y, 5 * x + np.sin(y)])
        if name == "polar":
            return np.array([x * np.cos(y), x * np.sin(y)])
        return np.tanh(LAYER_W @ np.array([x, y]) + LAYER_B)

    rng = np.random.default_rng(5)
    for p in rng.uniform(*VIEW, size=(30, 2)):
        np.testing.assert_allclose(explorer_f(name, p), f_complex(p).real, rtol=1e-13, atol=1e-15)
        numeric = numerical_jacobian(f_complex, p, method="complex")
        np.testing.assert_allclose(explorer_jacobian(name, p), numeric, rtol=1e-13, atol=1e-15)


@settings(max_examples=60, deadline=None)
@given(function_name, coordinate, coordinate)
def test_det_is_the_signed_area_scale(name, px, py):
    """The image of a tiny square has signed area ~ det J times the square's: sign = orientation."""
    p = np.array([px, py])
    h = 1e-4
    t = np.linspace(-h, h, 41)[:-1]
    boundary = np.concatenate([
        np.stack([t, np.full_like(t, -h)], 1), np.stack([np.full_like(t, h), t], 1),
        np.stack([-t, np.full_like(t, h)], 1), np.stack([np.full_like(t, -h), -t], 1),
    ])  # counter-clockwise
    image = np.array([explorer_f(name, p + v) for v in boundary]) - explorer_f(name, p)
    area = 0.5 * np.sum(image[:, 0] * np.roll(image[:, 1], -1) - np.roll(image[:, 0], -1) * image[:, 1])
    J = explorer_jacobian(name, p)
    # The error of the ratio is O(h |J| |f''|) ~ 1e-4 * 10 * 10 on this window, plus
    # round-off ~ 1e-16 |f| / h^2 ~ 3e-7; 1e-2 + 1e-3 |J|^2 bounds both with margin.
    assert abs(area / (2 * h) ** 2 - explorer_det(name, p)) <= 1e-2 + 1e-3 * np.max(np.abs(J)) ** 2


def test_det_agrees_with_numpy_linalg():
    for name in FUNCTIONS:
        for p in sample_points(name, count=20):
            J = explorer_jacobian(name, p)
            assert math.isclose(det2(J), np.linalg.det(J), rel_tol=1e-12, abs_tol=1e-12 * np.max(np.abs(J)) ** 2)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_linearization_error_shrinks_like_h_squared(name):
    p = DEFAULT_POINT[name]
    ratios = [linearization_error(name, p, h / 2) / linearization_error(name, p, h) for h in (0.02, 0.01)]
    # Taylor: error = max |v^T H v| / 2 + O(h^3) with a nonzero Hessian term here, so 1/4
    for r in ratios:
        assert 0.2 < r < 0.3


@settings(max_examples=60, deadline=None)
@given(function_name, coordinate, coordinate)
def test_linearization_error_is_at_least_quadratic(name, px, py):
    """Halving h divides the error by about 4 (8 where the second derivatives vanish)."""
    e1 = linearization_error(name, (px, py), 0.01)
    e2 = linearization_error(name, (px, py), 0.005)
    assert e1 > 0
    assert e2 / e1 < 0.3


def test_linearization_error_is_the_largest_gap_at_grid_nodes():
    name, p, h = "seed", np.array([1.0, 2.0]), 0.5
    offsets = grid_offsets(h)
    assert len(offsets) == GRID_N and offsets[0] == -h and offsets[-1] == h
    fp, J = explorer_f(name, p), explorer_jacobian(name, p)
    gaps = [np.linalg.norm(explorer_f(name, p + np.array([a, b])) - fp - J @ np.array([a, b]))
            for a in offsets for b in offsets]
    assert math.isclose(linearization_error(name, p, h), max(gaps), rel_tol=1e-12)


def test_view_window_holds_every_start_and_sample_point():
    # "p stays inside" the window: the start points and the embedded samples lie in it.
    assert VIEW[0] < 0 < VIEW[1]
    for name in FUNCTIONS:
        for p in sample_points(name):
            assert all(VIEW[0] <= c <= VIEW[1] for c in p), (name, p)
    assert DEFAULT_POINT["seed"] == (1.0, 2.0)  # the worked example of the pages


@pytest.mark.parametrize("name, p, h", [("seed", (1.0, 2.0), 0.5), ("polar", (2.0, 0.5), 0.3), ("layer", (-1.0, 0.7), 0.8)])
def test_still_image_draws_the_grid_its_images_and_the_jacobian_columns(name, p, h):
    import matplotlib.pyplot as plt

    f, J_sym, syms = sympy_reference(name)
    f_ref = lambda q: np.asarray(sp.lambdify(syms, f, "numpy")(*q), float).ravel()  # noqa: E731
    p = np.array(p)
    fp, J = f_ref(p), np.asarray(sp.lambdify(syms, J_sym, "numpy")(*p), float)
    fig = static_figure(name, list(p), h)  # a list works as p
    ax_in, ax_out = fig.axes
    fine = np.linspace(-h, h, 25)
    for k, c in enumerate(np.linspace(-h, h, GRID_N)):
        lines = [np.stack([np.full_like(fine, c), fine], 1), np.stack([fine, np.full_like(fine, c)], 1)]
        for j, v in enumerate(lines):
            np.testing.assert_allclose(ax_in.lines[2 * k + j].get_xydata(), p + v, rtol=1e-14, atol=1e-14)
            curved, straight = ax_out.lines[4 * k + 2 * j], ax_out.lines[4 * k + 2 * j + 1]
            np.testing.assert_allclose(curved.get_xydata(), [f_ref(p + d) for d in v], rtol=1e-9, atol=1e-12)
            np.testing.assert_allclose(straight.get_xydata(), fp + v @ J.T, rtol=1e-9, atol=1e-12)
    # the arrows h e_k on the left and h J e_k (column k of J, times h) on the right, from p and f(p)
    for k in range(2):
        np.testing.assert_allclose(ax_in.texts[k].xy, p + h * np.eye(2)[k], rtol=1e-14)
        np.testing.assert_allclose(ax_in.texts[k].xyann, p, rtol=1e-14)
        np.testing.assert_allclose(ax_out.texts[k].xy, fp + h * J[:, k], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(ax_out.texts[k].xyann, fp, rtol=1e-9, atol=1e-12)
    corners = h * np.array([[-1, -1], [1, -1], [1, 1], [-1, 1], [-1, -1]])
    np.testing.assert_allclose(ax_out.lines[4 * GRID_N].get_xydata(), fp + corners, rtol=1e-9, atol=1e-12)
    plt.close(fig)


# ---------------------------------------------------------------- Python side: validation


@pytest.mark.parametrize("bad, exc, words", [
    (3, TypeError, "name must be a function name"), (None, TypeError, "name must be a function name"),
    ("tanh", ValueError, "name must be one of seed, polar, layer"),
])
def test_function_names_are_checked(bad, exc, words):
    for call in (explorer_f, explorer_jacobian):
        with pytest.raises(exc, match=words):
            call(bad, (1.0, 2.0))
    with pytest.raises(exc, match=words):
        sample_points(bad)
    with pytest.raises(exc, match=words):
        summary_text(bad, (1.0, 2.0))
    with pytest.raises(exc, match=words):
        static_figure(bad)
    with pytest.raises(exc, match=words.replace("name must", "function must")):
        explorer_html(bad)


@pytest.mark.parametrize("bad, exc, words", [
    ([1.0, 2.0, 3.0], ValueError, r"p must have shape \(2,\)"), ([[1.0, 2.0]], ValueError, r"p must have shape"),
    ([1.0, float("nan")], ValueError, "p must be finite"), ([float("inf"), 0.0], ValueError, "p must be finite"),
    (lambda: 0, TypeError, "p must be an array of numbers"), ("12", TypeError, "p must be an array of numbers"),
])
def test_points_are_checked(bad, exc, words):
    for call in (explorer_f, explorer_jacobian):
        with pytest.raises(exc, match=words):
            call("seed", bad)
    with pytest.raises(exc, match=words):
        linearization_error("seed", bad, 0.5)
    with pytest.raises(exc, match=words):
        sample_record("seed", bad, 0.5)
    with pytest.raises(exc, match=words):
        static_figure("seed", bad)


@pytest.mark.parametrize("bad, exc, words", [
    (0, ValueError, "radius must be a positive finite number"), (-0.5, ValueError, "radius must be a positive"),
    (float("nan"), ValueError, "radius must be a positive finite"), (float("inf"), ValueError, "radius must be a positive finite"),
    ("0.5", TypeError, "radius must be a positive number"), (True, TypeError, "radius must be a positive number"),
])
def test_radius_is_checked(bad, exc, words):
    with pytest.raises(exc, match=words):
        grid_offsets(bad)
    with pytest.raises(exc, match=words):
        linearization_error("seed", (1.0, 2.0), bad)
    with pytest.raises(exc, match=words):
        sample_record("seed", (1.0, 2.0), bad)
    with pytest.raises(exc, match=words):
        static_figure("seed", radius=bad)


@pytest.mark.parametrize("bad, exc, words", [
    (np.eye(3), ValueError, r"J must have shape \(2, 2\)"), ([1.0, 2.0], ValueError, "J must have shape"),
    ([[1.0, np.nan], [0.0, 1.0]], ValueError, "J must be finite"), ([[np.inf, 0.0], [0.0, 1.0]], ValueError, "J must be finite"),
    ("1234", TypeError, "J must be an array of numbers"),
])
def test_det2_checks_its_matrix(bad, exc, words):
    with pytest.raises(exc, match=words):
        det2(bad)


def test_counts_and_numbers_are_checked():
    with pytest.raises(ValueError, match="n must be an integer >= 2"):
        grid_offsets(0.5, 1)
    with pytest.raises(TypeError, match="n must be an integer"):
        linearization_error("seed", (1.0, 2.0), 0.5, n=7.0)
    with pytest.raises(ValueError, match="count must be an integer >= 1"):
        sample_points("seed", count=0)
    with pytest.raises(ValueError, match="seed must be an integer >= 0"):
        sample_points("seed", seed=-1)
    with pytest.raises(ValueError, match="value must be finite"):
        fmt(float("nan"))
    with pytest.raises(TypeError, match="digits must be an integer"):
        fmt(1.0, 2.5)


def test_a_list_works_like_an_array():
    p = [0.3, -1.2]
    for name in FUNCTIONS:
        np.testing.assert_array_equal(explorer_f(name, p), explorer_f(name, np.array(p)))
        np.testing.assert_array_equal(explorer_jacobian(name, p), explorer_jacobian(name, np.array(p)))
        assert linearization_error(name, p, 0.5) == linearization_error(name, np.array(p), 0.5)
    assert det2([[1.0, 2.0], [3.0, 4.0]]) == det2(np.array([[1.0, 2.0], [3.0, 4.0]])) == -2.0
    assert sample_record("seed", (1, 2), 1) == sample_record("seed", np.array([1.0, 2.0]), 1.0)


# ---------------------------------------------------------------- Python side: the HTML


def embedded_data(page_html: str) -> list[dict]:
    """The JSON of every figure on a page."""
    blocks = re.findall(r'<script type="application/json" class="jx-data">(.*?)</script>', page_html, re.S)
    return [json.loads(b) for b in blocks]


def test_html_embeds_what_the_snippets_compute():
    for name in FUNCTIONS:
        out = explorer_html(name)
        assert out == explorer_html(name)  # deterministic: same build, same bytes
        assert out.startswith('<figure class="jx"') and f'data-jx-function="{name}"' in out
        assert 'aria-label="Interactive Jacobian explorer' in out
        assert "<figcaption>" in out and "\n\n" not in out  # one raw-HTML block for Markdown
        (data,) = embedded_data(out)
        assert data == json.loads(json.dumps(explorer_data()))
        assert {s["function"] for s in data["samples"]} == set(FUNCTIONS)
        for s in data["samples"]:  # floats survive JSON exactly
            assert s == sample_record(s["function"], s["p"], s["radius"])
        # The still image for readers without JavaScript, and its sentence
        assert re.search(r'<div class="jx-static"><figure class="jfig"><svg role="img" aria-label="Still image', out)
        assert htmllib.escape(summary_text(name, DEFAULT_POINT[name])) in out


def test_summary_text_states_the_numbers():
    text = summary_text("seed", (1.0, 2.0))
    J = explorer_jacobian("seed", (1.0, 2.0))
    assert f"[[{fmt(J[0, 0])}, {fmt(J[0, 1])}], [{fmt(J[1, 0])}, {fmt(J[1, 1])}]]" in text
    assert f"det J_f(p) = {fmt(explorer_det('seed', (1.0, 2.0)))}" in text and "flips orientation" in text
    assert "keeps orientation" in summary_text("polar", (2.0, 0.5))  # det = r > 0
    assert "flips orientation" in summary_text("polar", (-2.0, 0.5))  # det = r < 0
    assert fmt(-0.0001) == "0.000" and fmt(-1.5) == "\u22121.500"
    for h in (0.5, 0.2):
        error = linearization_error("seed", (1.0, 2.0), h)
        text = summary_text("seed", (1.0, 2.0), h)
        assert f"radius h = {h:.2f}, f and its linear map differ by at most {error:.3g} " in text
        assert f"(error / h² = {error / h**2:.3g})" in text


# ---------------------------------------------------------------- Browser: the figure's own JS


def open_page(browser, site_url: str, path: str, **context_args):
    context = browser.new_context(**context_args)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(site_url + path, wait_until="networkidle")
    return context, page, errors


def relative_gap(js: float, py: float) -> float:
    return 0.0 if js == py else abs(js - py) / abs(py)


JS_EVALUATE = """(points) => {
  const data = JSON.parse(document.querySelector("figure.jx script.jx-data").textContent);
  const E = window.JacobianExplorer;
  return points.map(([name, x, y, h]) => E.evaluate(name, data.layer, x, y, h, data.gridN));
}"""


@pytest.mark.parametrize("path", FIGURE_PAGES)
def test_browser_javascript_formulas_match_python(browser, site_url: str, path: str):
    # The page as built (before any JavaScript ran) has the figure, with the samples of the
    # current module: the build used these snippets.
    with urllib.request.urlopen(site_url + path) as response:
        built_html = response.read().decode("utf-8")
    assert built_html.count('<figure class="jx"') >= 1, f"/{path} has no explorer figure"
    samples = [s for data in embedded_data(built_html) for s in data["samples"]]
    for s in samples:
        assert s == sample_record(s["function"], s["p"], s["radius"])
    context, page, errors = open_page(browser, site_url, path)
    rng = np.random.default_rng(11)
    extra = [sample_record(name, p, h) for name in FUNCTIONS
             for p, h in zip(rng.uniform(*VIEW, size=(30, 2)), rng.uniform(RADIUS_MIN, 1.0, size=30))]
    records = samples + extra
    points = [[s["function"], s["p"][0], s["p"][1], s["radius"]] for s in records]
    results = page.evaluate(JS_EVALUATE, points)
    context.close()
    assert len(samples) >= 3 * 7 and errors == []
    worst = 0.0
    for s, js in zip(records, results):
        for a, b in zip(js["f"], s["f"]):
            worst = max(worst, relative_gap(a, b))
        for a, b in zip(np.ravel(js["J"]), np.ravel(s["J"])):
            worst = max(worst, relative_gap(a, b))
        (a, b), (c, d) = s["J"]
        # det = ad - bc: its relative error is measured against the size of ad and bc
        worst = max(worst, abs(js["det"] - s["det"]) / (abs(a * d) + abs(b * c)))
        worst = max(worst, relative_gap(js["error"], s["error"]))
    assert worst < REL, f"largest relative gap between JavaScript and Python: {worst:.2e}"


def displayed(page) -> dict:
    """What the live figure shows: p, J, det J and the error (full precision and text)."""
    return page.evaluate("""() => {
      const fig = document.querySelector("figure.jx");
      const num = (sel) => Number(fig.querySelector(sel).getAttribute("data-value"));
      const txt = (sel) => fig.querySelector(sel).textContent;
      const cells = ["11", "12", "21", "22"].map((k) => ".jx-J" + k);
      const p = fig.querySelector(".jx-p");
      return {
        name: fig.getAttribute("data-jx-function"),
        p: [Number(p.getAttribute("data-x")), Number(p.getAttribute("data-y"))],
        J: cells.map(num), J_text: cells.map(txt),
        det: num(".jx-det-value"), det_text: txt(".jx-det-value"),
        error: num(".jx-err-value"), h: num(".jx-radius-value"),
        summary: txt(".jx-summary"),
      };
    }""")


def assert_shows_python_values(shown: dict) -> None:
    name, p = shown["name"], shown["p"]
    J = explorer_jacobian(name, p)
    for js, py, text in zip(shown["J"], J.ravel(), shown["J_text"]):
        assert relative_gap(js, py) < REL
        assert text == fmt(py)  # the three decimals the reader sees
    scale = abs(J[0, 0] * J[1, 1]) + abs(J[0, 1] * J[1, 0])
    assert abs(shown["det"] - explorer_det(name, p)) <= REL * scale
    assert shown["det_text"] == fmt(explorer_det(name, p))
    assert relative_gap(shown["error"], linearization_error(name, p, shown["h"])) < REL


@pytest.mark.parametrize("path", FIGURE_PAGES)
def test_browser_keyboard_moves_the_point(browser, site_url: str, path: str):
    context, page, errors = open_page(browser, site_url, path)
    start = displayed(page)
    assert start["p"] == list(DEFAULT_POINT[start["name"]])
    assert_shows_python_values(start)
    page.focus("figure.jx .jx-handle")
    for key in ["ArrowRight"] * 3 + ["ArrowUp"] * 2 + ["Shift+ArrowLeft", "ArrowDown"]:
        page.keyboard.press(key)
    moved = displayed(page)
    expected = [start["p"][0] + 3 * KEY_STEP - KEY_STEP_FINE, start["p"][1] + KEY_STEP]
    assert moved["p"] == pytest.approx(expected, abs=1e-12)
    assert_shows_python_values(moved)
    # The aria-live sentence follows once the keys stop
    det = fmt(explorer_det(moved["name"], moved["p"]))
    page.wait_for_function(
        "(det) => document.querySelector('figure.jx .jx-summary').textContent.includes('= ' + det + ':')", arg=det
    )
    page.keyboard.press("Home")
    assert displayed(page)["p"] == start["p"]
    context.close()
    assert errors == []


def plot_box(page) -> dict:
    return page.locator("figure.jx .jx-in .jx-plot").bounding_box()


def to_data(box: dict, sx: float, sy: float) -> tuple[float, float]:
    """Screen position -> data coordinates of the input plane (window VIEW, padded by 0.25)."""
    lo, hi = VIEW[0] - 0.25, VIEW[1] + 0.25
    return (lo + (sx - box["x"]) / box["width"] * (hi - lo), hi - (sy - box["y"]) / box["height"] * (hi - lo))


@pytest.mark.parametrize("path", FIGURE_PAGES)
def test_browser_dragging_moves_the_point(browser, site_url: str, path: str):
    context, page, errors = open_page(browser, site_url, path, viewport={"width": 1200, "height": 900})
    page.locator("figure.jx .jx-handle").scroll_into_view_if_needed()
    handle = page.locator("figure.jx .jx-handle-dot").bounding_box()
    x0, y0 = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    box = plot_box(page)
    target = (box["x"] + 0.25 * box["width"], box["y"] + 0.7 * box["height"])
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(*target, steps=8)
    page.mouse.up()
    moved = displayed(page)
    expected = to_data(box, *target)
    # p snaps to 0.01; one screen pixel is about 0.03 here
    assert moved["p"] == pytest.approx(expected, abs=0.05)
    assert_shows_python_values(moved)
    context.close()
    assert errors == []


def test_browser_touch_moves_the_point(browser, site_url: str):
    context, page, errors = open_page(browser, site_url, FIGURE_PAGES[0], has_touch=True,
                                      viewport={"width": 800, "height": 900})
    page.locator("figure.jx .jx-handle").scroll_into_view_if_needed()
    box = plot_box(page)
    target = (box["x"] + 0.8 * box["width"], box["y"] + 0.3 * box["height"])
    page.touchscreen.tap(*target)
    moved = displayed(page)
    assert moved["p"] == pytest.approx(to_data(box, *target), abs=0.05)
    assert_shows_python_values(moved)
    context.close()
    assert errors == []


def test_browser_function_and_radius_controls(browser, site_url: str):
    context, page, errors = open_page(browser, site_url, FIGURE_PAGES[0])
    fig = page.locator("figure.jx").first
    for name in FUNCTIONS:
        fig.locator(f'input[type="radio"][value="{name}"]').check()
        shown = displayed(page)
        assert shown["name"] == name and shown["p"] == list(DEFAULT_POINT[name])
        assert_shows_python_values(shown)
    slider = fig.locator('input[type="range"]')
    slider.focus()
    page.keyboard.press("End")
    big = displayed(page)
    page.keyboard.press("Home")
    small = displayed(page)
    assert big["h"] == 1.0 and small["h"] == RADIUS_MIN
    assert_shows_python_values(big)
    assert_shows_python_values(small)
    # error ~ C h^2: a 20 times smaller radius gives a gap hundreds of times smaller
    assert small["error"] < big["error"] / 100
    # typed coordinates move p too
    fig.locator(".jx-coord-0").fill("-1.25")
    fig.locator(".jx-coord-0").press("Enter")
    assert displayed(page)["p"][0] == -1.25
    context.close()
    assert errors == []


@pytest.mark.parametrize("path", FIGURE_PAGES)
def test_browser_without_javascript_shows_the_still_image(browser, site_url: str, path: str):
    context, page, _ = open_page(browser, site_url, path, java_script_enabled=False)
    fig = page.locator("figure.jx").first
    assert fig.locator(".jx-static svg[role=img]").is_visible()
    name = fig.get_attribute("data-jx-function")
    text = fig.locator(".jx-static-text").inner_text()
    assert summary_text(name, DEFAULT_POINT[name]) in text
    assert fig.locator(".jx-app").count() == 0
    context.close()


def test_browser_pages_without_the_figure_are_left_alone(browser, site_url: str):
    context, page, errors = open_page(browser, site_url, "jacobian/")
    assert page.evaluate("typeof window.JacobianExplorer") == "undefined"
    assert page.locator(".jx-app").count() == 0
    context.close()
    assert errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_browser_palettes_and_accessibility(browser, site_url: str, scheme: str):
    from axe_playwright_python.sync_playwright import Axe

    expected = {"light": ("default", "rgb(0, 114, 178)"), "dark": ("slate", "rgb(86, 180, 233)")}[scheme]
    for path in FIGURE_PAGES:
        context, page, errors = open_page(browser, site_url, path, color_scheme=scheme)
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected[0]
        stroke = page.evaluate("getComputedStyle(document.querySelector('figure.jx .jx-curved path')).stroke")
        assert stroke == expected[1]
        # The live figure is named, reachable by keyboard, and announces changes
        fig = page.locator("figure.jx").first
        assert fig.get_attribute("aria-label")
        assert fig.locator(".jx-summary[aria-live=polite]").count() == 1
        assert fig.locator(".jx-handle[tabindex='0'][role=slider]").count() == 1
        # The whole page: no rule and no part of it excluded (the theme fixes live in overrides/ and site.css)
        results = Axe().run(page)
        bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        context.close()
        assert bad == [], f"/{path} ({scheme}):\n" + results.generate_report()
        assert errors == []
