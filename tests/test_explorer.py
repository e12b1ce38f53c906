"""snippets/explorer.py and the interactive figure it feeds (docs/javascripts/jacobian-explorer.js).

Design: explorer_html() embeds the sample data (p, f(p), J_f(p), det J_f(p) and the
linearization error, computed by snippets/explorer.py at build time) as JSON in a
<script type="application/json" class="jx-data"> inside the figure. The browser tests read it
from the built pages, check it still equals what the snippets compute, evaluate the figure's
own JavaScript functions at those points (and at more points drawn here) and compare.
"""

from __future__ import annotations

import html as htmllib
import json
import math
import re
from pathlib import Path

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
    check_function,
    check_radius,
    det2,
    explorer_data,
    explorer_det,
    explorer_f,
    explorer_html,
    explorer_jacobian,
    explorer_sympy,
    fmt,
    grid_offsets,
    linearization_error,
    sample_points,
    sample_record,
    summary_text,
)
from snippets.shared.finite_differences import numerical_jacobian

# The pages that show the figure (the lead inserts explorer_html() into both).
FIGURE_PAGES = ("linear-map/", "determinant/")

# JavaScript and NumPy run the same operations in the same order; they can differ only where
# Math.sin/cos/tanh/cosh and NumPy's round differently (about 1 ulp, relative 2e-16), which
# the formulas amplify by at most a few units on the figure's window. 1e-12 leaves a margin
# of > 1000 and still catches any wrong term.
REL = 1e-12

coordinate = st.floats(min_value=VIEW[0], max_value=VIEW[1], allow_nan=False, allow_infinity=False)
function_name = st.sampled_from(FUNCTIONS)


# ---------------------------------------------------------------- Python side: the maths


def test_sympy_jacobians_are_the_hand_results():
    f, J, (x, y) = explorer_sympy("seed")
    assert sp.simplify(J - sp.Matrix([[2 * x * y, x**2], [5, sp.cos(y)]])) == sp.zeros(2, 2)
    f, J, (r, t) = explorer_sympy("polar")
    assert sp.simplify(J - sp.Matrix([[sp.cos(t), -r * sp.sin(t)], [sp.sin(t), r * sp.cos(t)]])) == sp.zeros(2, 2)
    assert sp.simplify(J.det()) == r  # polar coordinates scale areas by r
    f, J, (x, y) = explorer_sympy("layer")
    W = sp.Matrix(LAYER_W.tolist()).applyfunc(sp.nsimplify)
    z = W * sp.Matrix([x, y]) + sp.Matrix(LAYER_B.tolist()).applyfunc(sp.nsimplify)
    sech2 = sp.diag(*[1 - sp.tanh(zi) ** 2 for zi in z])  # tanh' = 1 - tanh^2
    assert sp.simplify(J - sech2 * W) == sp.zeros(2, 2)
    assert sp.simplify(J.det() - W.det() * sech2[0, 0] * sech2[1, 1]) == 0


@pytest.mark.parametrize("name", FUNCTIONS)
def test_numpy_matches_sympy(name):
    f, J, syms = explorer_sympy(name)
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


# ---------------------------------------------------------------- Python side: validation


@pytest.mark.parametrize("bad, exc, words", [
    (3, TypeError, "name"), (None, TypeError, "name"), ("tanh", ValueError, "seed, polar, layer"),
])
def test_check_function_rejects(bad, exc, words):
    with pytest.raises(exc, match=words):
        check_function(bad)


@pytest.mark.parametrize("bad, exc, words", [
    ([1.0, 2.0, 3.0], ValueError, "shape"), ([[1.0, 2.0]], ValueError, "shape"),
    ([1.0, float("nan")], ValueError, "finite"), ([float("inf"), 0.0], ValueError, "finite"),
    (lambda: 0, TypeError, "function"), ("12", TypeError, "str"),
])
def test_functions_reject_bad_points(bad, exc, words):
    for call in (explorer_f, explorer_jacobian, explorer_det):
        with pytest.raises(exc, match=words):
            call("seed", bad)


@pytest.mark.parametrize("bad, exc, words", [
    (0, ValueError, "> 0"), (-0.5, ValueError, "> 0"), (float("nan"), ValueError, "finite"),
    (float("inf"), ValueError, "finite"), ("0.5", TypeError, "number"), (True, TypeError, "number"),
])
def test_radius_is_checked(bad, exc, words):
    with pytest.raises(exc, match=words):
        check_radius(bad)
    with pytest.raises(exc, match=words):
        linearization_error("seed", (1.0, 2.0), bad)


def test_other_inputs_are_checked():
    with pytest.raises(ValueError, match="2 x 2"):
        det2(np.eye(3))
    with pytest.raises(ValueError, match="integer >= 2"):
        grid_offsets(0.5, 1)
    with pytest.raises(ValueError, match="unknown function"):
        explorer_html("softmax")
    with pytest.raises(TypeError, match="name"):
        explorer_html(None)


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


def test_every_figure_page_has_a_figure(built_site: Path):
    for path in FIGURE_PAGES:
        page_html = (built_site / path / "index.html").read_text(encoding="utf-8")
        assert page_html.count('<figure class="jx"') >= 1, f"/{path} has no explorer figure"
        for data in embedded_data(page_html):
            for s in data["samples"]:  # the build used the current snippets
                assert s == sample_record(s["function"], s["p"], s["radius"])


JS_EVALUATE = """(points) => {
  const data = JSON.parse(document.querySelector("figure.jx script.jx-data").textContent);
  const E = window.JacobianExplorer;
  return points.map(([name, x, y, h]) => E.evaluate(name, data.layer, x, y, h, data.gridN));
}"""


@pytest.mark.parametrize("path", FIGURE_PAGES)
def test_javascript_formulas_match_python(browser, site_url: str, path: str):
    context, page, errors = open_page(browser, site_url, path)
    page_html = page.content()
    samples = [s for data in embedded_data(page_html) for s in data["samples"]]
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
def test_keyboard_moves_the_point(browser, site_url: str, path: str):
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
def test_dragging_moves_the_point(browser, site_url: str, path: str):
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


def test_touch_moves_the_point(browser, site_url: str):
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


def test_function_and_radius_controls(browser, site_url: str):
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
def test_without_javascript_the_still_image_shows(browser, site_url: str, path: str):
    context, page, _ = open_page(browser, site_url, path, java_script_enabled=False)
    fig = page.locator("figure.jx").first
    assert fig.locator(".jx-static svg[role=img]").is_visible()
    name = fig.get_attribute("data-jx-function")
    text = fig.locator(".jx-static-text").inner_text()
    assert summary_text(name, DEFAULT_POINT[name]) in text
    assert fig.locator(".jx-app").count() == 0
    context.close()


def test_pages_without_the_figure_are_left_alone(browser, site_url: str):
    context, page, errors = open_page(browser, site_url, "jacobian/")
    assert page.evaluate("typeof window.JacobianExplorer") == "undefined"
    assert page.locator(".jx-app").count() == 0
    context.close()
    assert errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_palettes_and_accessibility(browser, site_url: str, scheme: str):
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
