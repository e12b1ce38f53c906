"""Every page of the built site in headless Chromium, as a reader meets it.

One test per page (the page list comes from the sources, :func:`site_checks.source_pages`, and
is checked against the built site): the page is visited in the light palette, where axe-core
runs all its default rules, and in the dark one, where it runs the colour rules again; math,
traffic, accessibility, copy buttons and palette are all asserted on that visit. Then, with
JavaScript off, the math must already be there; and the KaTeX fonts must come from preloads
with no layout shift.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import site_checks as checks
from tests.conftest import ROOT

PAGES = checks.source_pages(ROOT)


@pytest.fixture(scope="session")
def axe_script() -> str:
    from axe_playwright_python.sync_playwright import Axe

    return Axe().axe_script


def test_the_page_list_is_the_built_site(built_site: Path):
    assert set(PAGES) == set(checks.reader_pages(built_site))
    assert {"", "404.html"} <= set(PAGES) and len(PAGES) >= 4


@pytest.mark.parametrize("path", PAGES, ids=lambda p: "/" + p)
def test_page_as_a_reader_meets_it(path: str, browser, built_site: Path, site_url: str, axe_script: str):
    light = checks.visit_pages(browser, site_url, [path], "light", axe_script=axe_script, batch=1)
    dark = checks.visit_pages(browser, site_url, [path], "dark", axe_script=axe_script,
                              axe_rules=checks.COLOUR_RULES, content=False, batch=1)
    both = light + dark
    problems = (
        checks.math_problems(light)
        + checks.traffic_problems(both)
        + checks.accessibility_problems(both)
        + checks.copy_button_problems(built_site, light)
        + checks.palette_problems(both)
    )
    assert problems == [], "\n".join(problems)


# On a phone: the smallest text of each figure as shown (an SVG scales its text with its width),
# whether the page itself scrolls sideways, and which wide formulas or figures scroll without the
# shadow that says so.
PHONE_JS = """() => {
  const small = [...document.querySelectorAll('.jfig svg')].map((svg) => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll('text, tspan')].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
    return Math.min(...sizes);
  });
  const hidden = [...document.querySelectorAll('.katex-display, .jfig')].filter((e) => e.scrollWidth > e.clientWidth + 1
    && !getComputedStyle(e).backgroundImage.includes('gradient')).map((e) => e.textContent.slice(0, 40));
  return {small, hidden, width: document.querySelector(".md-main").scrollWidth};
}"""


@pytest.mark.parametrize("path", PAGES, ids=lambda p: "/" + p)
def test_without_javascript_on_a_phone(path: str, browser, site_url: str):
    """With JavaScript off the math is already there; at 390 px figure text stays >= 9 px (the
    figure scrolls instead), the page does not scroll sideways, and what scrolls shows it."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(site_url + path)
        formulas = page.locator(".katex").count()
        raw = [hit for text in page.evaluate(checks.PROSE_JS) for hit in checks.RAW_TEX.findall(text)]
        errors = page.locator(".katex-error").count()
        mathml = page.locator(".katex math").count()
        phone = page.evaluate(PHONE_JS)
    finally:
        context.close()
    assert (raw, errors, mathml) == ([], 0, formulas), f"/{path}: raw TeX {raw[:5]}, {errors} .katex-error, {mathml}/{formulas} with MathML"
    assert [round(px, 1) for px in phone["small"] if px < 8.95] == [], f"/{path}: figure text below 9 px at 390 px"
    assert (phone["width"], phone["hidden"]) == (390, []), f"/{path}: content width {phone['width']}; scrolls unmarked: {phone['hidden']}"


def test_print_view_shows_the_explorers_still_image(browser, site_url: str):
    """Printed, the explorer shows its still image and caption, not its controls."""
    page = browser.new_page()
    try:
        page.goto(site_url + "linear-map/")
        page.wait_for_selector(".jx.jx-live")
        page.emulate_media(media="print")
        shown = {part: page.locator(f".jx {part}").first.is_visible() for part in (".jx-app", ".jx-static svg", "figcaption")}
    finally:
        page.close()
    assert shown == {".jx-app": False, ".jx-static svg": True, "figcaption": True}



CLS_OBSERVER = (
    "window.__cls = 0; new PerformanceObserver((l) => { for (const e of l.getEntries())"
    " if (!e.hadRecentInput) window.__cls += e.value; }).observe({type: 'layout-shift', buffered: true});"
)
LATE_FONTS = (
    "performance.getEntriesByType('resource').filter((r) => r.name.includes('/fonts/KaTeX_')"
    " && r.initiatorType !== 'link').map((r) => r.name.split('/').pop())"
)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: "/" + p)
def test_fonts_are_preloaded_and_nothing_shifts(path: str, browser, site_url: str):
    """Every KaTeX font a page loads comes from a preload link (so the math never repaints in
    another font), and the cumulative layout shift after load is exactly 0.

    A page that shifts is loaded once more (its files now cached): a shift built into the page
    shifts again and fails; a font that lost a race on a busy machine does not. First-load
    timing on an empty cache is what benchmarks/math_rendering.py measures."""
    context = browser.new_context()
    context.add_init_script(CLS_OBSERVER)
    try:
        page = context.new_page()
        for attempt in range(2):
            page.goto(site_url + path, wait_until="load") if attempt == 0 else page.reload(wait_until="load")
            page.evaluate("document.fonts.ready")
            page.wait_for_timeout(300)
            late, cls = page.evaluate(LATE_FONTS), page.evaluate("window.__cls")
            if cls == 0:
                break
    finally:
        context.close()
    assert (late, cls) == ([], 0), f"/{path}: fonts not preloaded {late}, layout shift {cls:.4f}"


def test_light_and_dark_palettes_and_the_toggle(browser, built_site: Path, site_url: str, tmp_path: Path):
    # The page with the most formulas, in both palettes, and the palette toggle.
    page_path = max(PAGES, key=lambda p: (checks.read_page(built_site, p).count('class="katex"'), p))
    shots = checks.palette_screenshots(browser, site_url, page_path)
    problems = list(shots.problems)
    if problems:
        for scheme, png in shots.images.items():
            (tmp_path / f"{page_path.strip('/').replace('/', '_') or 'index'}-{scheme}.png").write_bytes(png)
        problems.append(f"screenshots of {checks.page_name(page_path)} in both palettes: {tmp_path}")
    assert problems == [], "\n".join(problems)
