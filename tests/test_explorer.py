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
from functools import cache, partial
from itertools import product

import matplotlib.pyplot as plt
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.shared.explorer import (DEFAULT_POINT, FUNCTIONS, GRID_N, KEY_STEP, KEY_STEP_FINE, LAYER_B, LAYER_W,
                                      RADIUS_MIN, VIEW, det2, explorer_data, explorer_f, explorer_html,
                                      explorer_jacobian, fmt, grid_offsets, linearization_error, sample_points,
                                      sample_record, static_figure, summary_text)
from snippets.shared.finite_differences import numerical_jacobian

FIGURE_PAGES = ("linear-map/", "determinant/")  # the pages that show the figure (each embeds explorer_html())
# JS and NumPy do the same operations in the same order; Math.sin/cos/tanh/cosh may differ by 1 ulp: 1e-12, margin 1000.
REL = 1e-12
JX_DATA = re.compile(r'<script type="application/json" class="jx-data">(.*?)</script>', re.S)  # a figure's JSON


def sympy_reference(name: str):
    """(f, J, (x, y)): the figure's function ``name`` as a 2 x 1 SymPy Matrix, and its Jacobian."""
    x, y = sp.symbols("x y", real=True)
    W, b = (sp.Matrix(a.tolist()).applyfunc(sp.nsimplify) for a in (LAYER_W, LAYER_B))
    f = {"seed": sp.Matrix([x**2 * y, 5 * x + sp.sin(y)]), "polar": sp.Matrix([x * sp.cos(y), x * sp.sin(y)]),
         "layer": (W * sp.Matrix([x, y]) + b).applyfunc(sp.tanh)}[name]
    return f, f.jacobian([x, y]), (x, y)


@cache
def numeric_reference(name: str):
    """f, J and det J of ``name`` from SymPy, as NumPy functions of a point (f takes complex points too)."""
    f, J, syms = sympy_reference(name)
    f_num, J_num, det_num = (sp.lambdify(syms, e, "numpy") for e in (f, J, J.det()))
    return lambda q: np.ravel(f_num(*q)), lambda q: np.asarray(J_num(*q), float), lambda q: float(det_num(*q))


def test_sympy_jacobians_are_the_hand_results():
    f, J, (x, y) = sympy_reference("seed")
    assert sp.simplify(J - sp.Matrix([[2 * x * y, x**2], [5, sp.cos(y)]])) == sp.zeros(2, 2)
    f, J, (r, t) = sympy_reference("polar")
    assert sp.simplify(J - sp.Matrix([[sp.cos(t), -r * sp.sin(t)], [sp.sin(t), r * sp.cos(t)]])) == sp.zeros(2, 2)
    assert sp.simplify(J.det()) == r  # polar coordinates scale areas by r
    f, J, (x, y) = sympy_reference("layer")
    z = f.applyfunc(lambda e: e.args[0])  # f = tanh(z), z = W (x, y) + b
    W, sech2 = z.jacobian([x, y]), sp.diag(*[1 - sp.tanh(zi) ** 2 for zi in z])  # tanh' = 1 - tanh^2
    assert sp.simplify(J - sech2 * W) == sp.zeros(2, 2)
    assert sp.simplify(J.det() - W.det() * sech2[0, 0] * sech2[1, 1]) == 0


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(FUNCTIONS), *[st.floats(*VIEW, allow_subnormal=False)] * 2)  # subnormal p: only underflow
def test_f_j_det_and_error_match_sympy_differences_signed_area_and_h_squared(name, px, py):
    (f_ref, J_ref, det_ref), p, J = numeric_reference(name), np.array([px, py]), explorer_jacobian(name, (px, py))
    det, scale = det2(J), abs(J[0, 0] * J[1, 1]) + abs(J[0, 1] * J[1, 0])  # det is a difference of products
    np.testing.assert_allclose(explorer_f(name, p), f_ref(p), rtol=1e-13, atol=1e-15)  # the same formulas: a few ulp
    # SymPy's tanh' = 1 - tanh(z)^2 cancels (|z| <= 7.75: up to 1.4e6 ulp, 3e-10); the module's 1/cosh^2 does not.
    rtol = 1e-9 if name == "layer" else REL
    np.testing.assert_allclose(J, J_ref(p), rtol=rtol, atol=1e-14)
    assert abs(det - det_ref(p)) <= 2 * rtol * scale  # a product of two entries: up to twice their error
    assert math.isclose(det, np.linalg.det(J), rel_tol=1e-12, abs_tol=1e-12 * np.max(np.abs(J)) ** 2)
    # The complex step (h = 1e-20) has no cancellation: error ~h^2, far below round-off, so 1e-13 relative.
    np.testing.assert_allclose(J, numerical_jacobian(f_ref, p, method="complex"), rtol=1e-13, atol=1e-15)
    # Central differences, step 6e-6: truncation ~ h^2 |f'''| / 6, round-off ~ 1e-16 |f| / h, both < 1e-9 (|f| <= 27).
    np.testing.assert_allclose(J, numerical_jacobian(lambda q: explorer_f(name, q), p), atol=1e-7, rtol=0)
    # The image of a tiny square has signed area ~ det J times the square's (sign = orientation).
    h, t, turn = 1e-4, np.linspace(-1e-4, 1e-4, 41)[:-1], np.array([[0, 1], [-1, 0]])  # turn: 90 degrees left
    side = np.stack([t, np.full_like(t, -h)], 1)  # the bottom side; the boundary runs counter-clockwise
    image = np.array([explorer_f(name, p + v) for v in np.concatenate([side, side @ turn, -side, -side @ turn])])
    image -= explorer_f(name, p)
    area = 0.5 * np.sum(image[:, 0] * np.roll(image[:, 1], -1) - np.roll(image[:, 0], -1) * image[:, 1])
    # Ratio error O(h |J| |f''|) ~ 1e-4 * 10 * 10, round-off ~ 1e-16 |f| / h^2 ~ 3e-7: 1e-2 + 1e-3 |J|^2 bounds both.
    assert abs(area / (2 * h) ** 2 - det) <= 1e-2 + 1e-3 * np.max(np.abs(J)) ** 2
    # Halving h divides the error by about 4 (8 where the second derivatives vanish).
    e1, e2 = linearization_error(name, (px, py), 0.01), linearization_error(name, (px, py), 0.005)
    assert e1 > 0 and e2 / e1 < 0.3


def test_error_is_the_largest_gap_at_the_grid_nodes_and_falls_like_h_squared_and_points_stay_in_view():
    p, offsets = np.array([1.0, 2.0]), grid_offsets(0.5)
    assert len(offsets) == GRID_N and offsets[0] == -0.5 and offsets[-1] == 0.5
    fp, J = explorer_f("seed", p), explorer_jacobian("seed", p)
    gaps = [np.linalg.norm(explorer_f("seed", p + [a, b]) - fp - J @ [a, b]) for a in offsets for b in offsets]
    assert math.isclose(linearization_error("seed", p, 0.5), max(gaps), rel_tol=1e-12)
    # Taylor: error = max |v^T H v| / 2 + O(h^3), with a nonzero Hessian term at the start points: ratio 1/4
    for name in FUNCTIONS:
        errors = [linearization_error(name, DEFAULT_POINT[name], h) for h in (0.02, 0.01, 0.005)]
        assert all(0.2 < small / big < 0.3 for big, small in zip(errors, errors[1:]))
    # "p stays inside" the window: the start points and the embedded samples lie in it.
    assert VIEW[0] < 0 < VIEW[1] and DEFAULT_POINT["seed"] == (1.0, 2.0)  # the pages' worked example
    assert all(VIEW[0] <= c <= VIEW[1] for name in FUNCTIONS for q in sample_points(name) for c in q)
    for name, fn in product(FUNCTIONS, (explorer_f, explorer_jacobian, partial(linearization_error, radius=0.5))):
        np.testing.assert_array_equal(fn(name, [0.3, -1.2]), fn(name, np.array([0.3, -1.2])))  # a list works as p
    assert det2([[1.0, 2.0], [3.0, 4.0]]) == det2(np.array([[1.0, 2.0], [3.0, 4.0]])) == -2.0
    assert sample_record("seed", (1, 2), 1) == sample_record("seed", np.array([1.0, 2.0]), 1.0)


@pytest.mark.parametrize("name, p, h", [("seed", (1, 2), 0.5), ("polar", (2, 0.5), 0.3), ("layer", (-1, 0.7), 0.8)])
def test_still_image_draws_the_grid_its_images_and_the_jacobian_columns(name, p, h):
    (f_ref, J_ref, _), p, fine = numeric_reference(name), np.array(p, float), np.linspace(-h, h, 25)
    fp, J, (ax_in, ax_out) = f_ref(p), J_ref(p), (fig := static_figure(name, list(p), h)).axes  # a list works as p
    for k, c in enumerate(np.linspace(-h, h, GRID_N)):  # the line x = c, then the line y = c
        for j, v in enumerate(np.stack(np.broadcast_arrays(c, fine)[::s], 1) for s in (1, -1)):
            np.testing.assert_allclose(ax_in.lines[2 * k + j].get_xydata(), p + v, rtol=1e-14, atol=1e-14)
            curved, straight = ax_out.lines[4 * k + 2 * j], ax_out.lines[4 * k + 2 * j + 1]
            np.testing.assert_allclose(curved.get_xydata(), [f_ref(p + d) for d in v], rtol=1e-9, atol=1e-12)
            np.testing.assert_allclose(straight.get_xydata(), fp + v @ J.T, rtol=1e-9, atol=1e-12)
    for k in range(2):  # the arrows h e_k from p (left) and h J e_k, column k of J times h, from f(p) (right)
        np.testing.assert_allclose([ax_in.texts[k].xy, ax_in.texts[k].xyann], [p + h * np.eye(2)[k], p], rtol=1e-14)
        arrow = [ax_out.texts[k].xy, ax_out.texts[k].xyann]
        np.testing.assert_allclose(arrow, [fp + h * J[:, k], fp], rtol=1e-9, atol=1e-12)
    corners = h * np.array([[-1, -1], [1, -1], [1, 1], [-1, 1], [-1, -1]])
    np.testing.assert_allclose(ax_out.lines[4 * GRID_N].get_xydata(), fp + corners, rtol=1e-9, atol=1e-12)
    plt.close(fig)


# One bad input per check, through each function that makes it: {argument: (its checkers, its bad values)}.
BAD = {
    "name": ([partial(explorer_f, p=(1, 2)), partial(explorer_jacobian, p=(1, 2)), partial(summary_text, p=(1, 2)),
              sample_points, static_figure],
             [(3, TypeError, "must be a function name"), ("tanh", ValueError, "must be one of seed, polar, layer")]),
    "p": ([partial(explorer_f, "seed"), partial(explorer_jacobian, "seed"), partial(static_figure, "seed"),
           partial(linearization_error, "seed", radius=1), partial(sample_record, "seed", radius=1)],
          [([1, 2, 3], ValueError, r"must have shape \(2,\)"), ([[1, 2]], ValueError, r"must have shape \(2,\)"),
           ([1, np.nan], ValueError, "must be finite"), (lambda: 0, TypeError, "must be an array of numbers"),
           ("12", TypeError, "must be an array of numbers")]),
    "radius": ([grid_offsets, partial(linearization_error, "seed", (1, 2)), partial(sample_record, "seed", (1, 2)),
                partial(static_figure, "seed", None)],
               [(0, ValueError, "must be a positive finite"), (np.inf, ValueError, "must be a positive finite"),
                ("0.5", TypeError, "must be a positive number"), (True, TypeError, "must be a positive number")]),
    "J": ([det2], [(np.eye(3), ValueError, r"must have shape \(2, 2\)"), ([1, 2], ValueError, r"must have shape"),
                   ([[1, np.nan], [0, 1]], ValueError, "must be finite"), ("12", TypeError, "must be an array")]),
}
BAD["function"] = ([explorer_html], BAD["name"][1])
BAD_INPUT = [(partial(c, v), e, f"{a} {m}") for a, (calls, bad) in BAD.items() for c in calls for v, e, m in bad] + [
    (partial(grid_offsets, 0.5, 1), ValueError, "n must be an integer >= 2"),
    (partial(linearization_error, "seed", (1.0, 2.0), 0.5, n=7.0), TypeError, "n must be an integer"),
    (partial(sample_points, "seed", count=0), ValueError, "count must be an integer >= 1"),
    (partial(sample_points, "seed", seed=-1), ValueError, "seed must be an integer >= 0"),
    (partial(fmt, float("nan")), ValueError, "value must be finite"),
    (partial(fmt, 1.0, 2.5), TypeError, "digits must be an integer"),
    (partial(explorer_html, "seed", caption=" "), ValueError, "caption must be a non-empty string")]


@pytest.mark.parametrize("call, exc, words", BAD_INPUT)
def test_bad_input_is_rejected_naming_the_argument(call, exc, words):
    with pytest.raises(exc, match=words):
        call()


def test_html_embeds_what_the_module_computes_and_the_summary_states_the_numbers():
    for name in FUNCTIONS:
        out = explorer_html(name)
        assert out == explorer_html(name)  # deterministic: same build, same bytes
        assert out.startswith(f'<figure class="jx" data-jx-function="{name}" aria-label="Interactive Jacobian explorer')
        assert "<figcaption>" in out and "\n\n" not in out  # one raw-HTML block for Markdown
        (data,) = map(json.loads, JX_DATA.findall(out))
        assert data == json.loads(json.dumps(explorer_data()))
        assert {s["function"] for s in data["samples"]} == set(FUNCTIONS)
        assert all(s == sample_record(s["function"], s["p"], s["radius"]) for s in data["samples"])  # JSON keeps floats
        # The still image for readers without JavaScript, and its sentence
        assert re.search(r'<div class="jx-static"><figure class="jfig"><svg role="img" aria-label="Still image', out)
        assert htmllib.escape(summary_text(name, DEFAULT_POINT[name])) in out
    text, J = summary_text("seed", (1.0, 2.0)), explorer_jacobian("seed", (1.0, 2.0))
    assert f"[[{fmt(J[0, 0])}, {fmt(J[0, 1])}], [{fmt(J[1, 0])}, {fmt(J[1, 1])}]]" in text
    assert f"det J_f(p) = {fmt(det2(J))}" in text and "flips orientation" in text
    assert "keeps orientation" in summary_text("polar", (2.0, 0.5))  # det = r > 0
    assert "flips orientation" in summary_text("polar", (-2.0, 0.5))  # det = r < 0
    assert fmt(-0.0001) == "0.000" and fmt(-1.5) == "\u22121.500"
    for h in (0.5, 0.2):
        e, t = linearization_error("seed", (1.0, 2.0), h), summary_text("seed", (1.0, 2.0), h)
        assert f"radius h = {h:.2f}, f and its linear map differ by at most {e:.3g} (error / h² = {e / h**2:.3g})" in t


# ---------------------------------------------------------------- Browser: the figure's own JS


def open_page(browser, site_url: str, path: str, errors: list, **context_args):
    context = browser.new_context(**context_args)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(site_url + path, wait_until="networkidle")
    if context_args.get("java_script_enabled", True):  # a long page may still be parsing at networkidle
        page.wait_for_load_state("load")
    return context, page


def plot_point(page, fx: float, fy: float):
    """The screen point at fractions (fx, fy) of the input plot, and its data coordinates (VIEW padded by 0.25)."""
    box, lo, hi = page.locator("figure.jx .jx-in .jx-plot").bounding_box(), VIEW[0] - 0.25, VIEW[1] + 0.25
    return (box["x"] + fx * box["width"], box["y"] + fy * box["height"]), (lo + fx * (hi - lo), hi - fy * (hi - lo))


def shows_python_values(page, p=None, tol: float = 0.0) -> dict:
    """What the live figure shows (p, J, det J, the error; full precision and text), checked against the module."""
    shown = page.evaluate("""() => {
      const fig = document.querySelector("figure.jx"), p = fig.querySelector(".jx-p");
      const num = (sel) => Number(fig.querySelector(sel).getAttribute("data-value"));
      const txt = (sel) => fig.querySelector(sel).textContent;
      const cells = ["11", "12", "21", "22"].map((k) => ".jx-J" + k);
      return {name: fig.getAttribute("data-jx-function"), p: [Number(p.getAttribute("data-x")),
              Number(p.getAttribute("data-y"))], J: cells.map(num), J_text: cells.map(txt), det: num(".jx-det-value"),
              det_text: txt(".jx-det-value"), error: num(".jx-err-value"), h: num(".jx-radius-value")};
    }""")
    name, J = shown["name"], explorer_jacobian(shown["name"], shown["p"])
    assert p is None or shown["p"] == (pytest.approx(p, abs=tol) if tol else list(p))
    for js, py, text in zip(shown["J"], J.ravel(), shown["J_text"]):
        assert math.isclose(js, py, rel_tol=REL, abs_tol=0) and text == fmt(py)  # and the 3 decimals the reader sees
    scale = abs(J[0, 0] * J[1, 1]) + abs(J[0, 1] * J[1, 0])
    assert abs(shown["det"] - det2(J)) <= REL * scale and shown["det_text"] == fmt(det2(J))
    assert math.isclose(shown["error"], linearization_error(name, shown["p"], shown["h"]), rel_tol=REL, abs_tol=0)
    return shown


@pytest.mark.parametrize("path", FIGURE_PAGES)
def test_browser_figure_computes_like_python_moves_has_a_still_image_and_is_accessible(browser, site_url, path):
    from axe_playwright_python.sync_playwright import Axe
    # The page as built (before any JavaScript ran) has the figure, with the samples of the current module.
    with urllib.request.urlopen(site_url + path) as response:
        built_html = response.read().decode("utf-8")
    assert built_html.count('<figure class="jx"') >= 1, f"/{path} has no explorer figure"
    samples = [s for data in map(json.loads, JX_DATA.findall(built_html)) for s in data["samples"]]
    assert len(samples) >= 3 * 7 and all(s == sample_record(s["function"], s["p"], s["radius"]) for s in samples)
    errors, rng = [], np.random.default_rng(11)
    context, page = open_page(browser, site_url, path, errors, viewport={"width": 1200, "height": 900})
    records = samples + [sample_record(name, p, h) for name in FUNCTIONS
                         for p, h in zip(rng.uniform(*VIEW, size=(30, 2)), rng.uniform(RADIUS_MIN, 1.0, size=30))]
    results = page.evaluate("""(points) => {
      const data = JSON.parse(document.querySelector("figure.jx script.jx-data").textContent);
      return points.map(([name, x, y, h]) => window.JacobianExplorer.evaluate(name, data.layer, x, y, h, data.gridN));
    }""", [[s["function"], *s["p"], s["radius"]] for s in records])
    values = [[[*r["f"], *np.ravel(r["J"]), r["error"]] for r in rs] for rs in (results, records)]
    np.testing.assert_allclose(*values, rtol=REL, atol=0, err_msg="JavaScript (actual) differs from Python (desired)")
    for s, js in zip(records, results):  # det = ad - bc: its error is measured against the size of ad and bc
        (a, b), (c, d) = s["J"]
        assert abs(js["det"] - s["det"]) <= REL * (abs(a * d) + abs(b * c)), (s, js)
    # The arrow keys move p by KEY_STEP (with Shift by KEY_STEP_FINE); Home returns it to the start.
    start = shows_python_values(page)
    assert start["p"] == list(DEFAULT_POINT[start["name"]])
    page.focus("figure.jx .jx-handle")
    for key in ["ArrowRight"] * 3 + ["ArrowUp"] * 2 + ["Shift+ArrowLeft", "ArrowDown"]:
        page.keyboard.press(key)
    moved = shows_python_values(page, [start["p"][0] + 3 * KEY_STEP - KEY_STEP_FINE, start["p"][1] + KEY_STEP], 1e-12)
    det = fmt(det2(explorer_jacobian(moved["name"], moved["p"])))  # the aria-live sentence follows once the keys stop
    page.wait_for_function(
        "(det) => document.querySelector('figure.jx .jx-summary').textContent.includes('= ' + det + ':')", arg=det)
    page.keyboard.press("Home")
    shows_python_values(page, start["p"])
    # Dragging the handle moves p to the pointer: p snaps to 0.01; one screen pixel is about 0.03 here.
    page.locator("figure.jx .jx-handle").scroll_into_view_if_needed()
    handle, (target, expected) = page.locator("figure.jx .jx-handle-dot").bounding_box(), plot_point(page, 0.25, 0.7)
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(*target, steps=8)
    page.mouse.up()
    shows_python_values(page, expected, 0.05)
    context.close()
    # Without JavaScript: the still image and its sentence, and no live figure.
    context, page = open_page(browser, site_url, path, [], java_script_enabled=False)
    fig = page.locator("figure.jx").first
    assert fig.locator(".jx-static svg[role=img]").is_visible() and fig.locator(".jx-app").count() == 0
    name = fig.get_attribute("data-jx-function")
    assert summary_text(name, DEFAULT_POINT[name]) in fig.locator(".jx-static-text").inner_text()
    context.close()
    for scheme, palette, stroke in (("light", "default", "rgb(0, 114, 178)"), ("dark", "slate", "rgb(86, 180, 233)")):
        context, page = open_page(browser, site_url, path, errors, color_scheme=scheme)
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == palette
        assert page.evaluate("getComputedStyle(document.querySelector('figure.jx .jx-curved path')).stroke") == stroke
        # The live figure is named, reachable by keyboard, and announces changes
        fig = page.locator("figure.jx").first
        assert fig.get_attribute("aria-label") and fig.locator(".jx-summary[aria-live=polite]").count() == 1
        assert fig.locator(".jx-handle[tabindex='0'][role=slider]").count() == 1
        # The whole page: no rule and no part of it excluded (the theme fixes live in overrides/ and site.css)
        results = Axe().run(page)
        bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        context.close()
        assert bad == [], f"/{path} ({scheme}):\n" + results.generate_report()
    assert errors == []


def test_browser_touch_function_and_radius_controls_and_pages_without_the_figure(browser, site_url: str):
    errors = []
    context, page = open_page(browser, site_url, FIGURE_PAGES[0], errors, has_touch=True,
                              viewport={"width": 390, "height": 844})
    page.locator("figure.jx .jx-handle").scroll_into_view_if_needed()
    # On a phone: nothing sticks out sideways, each plot fits the screen, and the caption
    # names panels by what they show, not by a side they are no longer on.
    fit = page.evaluate("""() => { const fig = document.querySelector("figure.jx");
      return {wide: fig.scrollWidth - fig.clientWidth, caption: fig.querySelector("figcaption").textContent,
              plots: [...fig.querySelectorAll(".jx-plot")].map((e) => [e.ownerSVGElement.getBoundingClientRect().width, e.ownerSVGElement.getBoundingClientRect().height])}; }""")
    assert fit["wide"] <= 0 and len(fit["plots"]) == 2 and all(w <= 390 and h <= 844 - 60 for w, h in fit["plots"]), fit
    assert not re.search(r"\b(left|right)\b", fit["caption"], re.I), fit["caption"]
    target, expected = plot_point(page, 0.8, 0.3)
    page.touchscreen.tap(*target)
    shows_python_values(page, expected, 0.05)
    context.close()
    context, page = open_page(browser, site_url, FIGURE_PAGES[0], errors)
    fig = page.locator("figure.jx").first
    for name in FUNCTIONS:
        fig.locator(f'input[type="radio"][value="{name}"]').check()
        assert shows_python_values(page, DEFAULT_POINT[name])["name"] == name
    fig.locator('input[type="range"]').focus()
    page.keyboard.press("End")
    big = shows_python_values(page)
    page.keyboard.press("Home")
    small = shows_python_values(page)
    assert big["h"] == 1.0 and small["h"] == RADIUS_MIN
    assert small["error"] < big["error"] / 100  # error ~ C h^2: radius 20 times smaller, gap 100s of times smaller
    fig.locator(".jx-coord-0").fill("-1.25")  # typed coordinates move p too
    fig.locator(".jx-coord-0").press("Enter")
    assert shows_python_values(page)["p"][0] == -1.25
    context.close()
    context, page = open_page(browser, site_url, "jacobian/", errors)  # a page without the figure is left alone
    assert page.evaluate("typeof window.JacobianExplorer") == "undefined" and page.locator(".jx-app").count() == 0
    context.close()
    assert errors == []
