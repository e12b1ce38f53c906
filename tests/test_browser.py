"""Every page of the built site in headless Chromium, as a reader meets it.

One visit per page and palette (light, then dark as the reader's system prefers) collects what
the checks in tests/site_checks.py need; each test below asserts one of them on every page.
axe-core runs all its default rules in the light palette, and the colour rules again in the
dark one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import site_checks as checks

# The page's text without code (where TeX is quoted on purpose) and without rendered math.
# (tests/test_math_render.py imports it; site_checks.math_problems reads the same text node by node.)
PROSE_JS = """() => { const c = document.body.cloneNode(true);
  c.querySelectorAll("pre, code, .katex, script, style").forEach((e) => e.remove());
  return c.textContent; }"""


@pytest.fixture(scope="module")
def reports(browser, built_site: Path, site_url: str, copy_paste_run) -> dict[str, list[checks.PageReport]]:
    # copy_paste_run: start the copy-paste subprocesses now, so they overlap with the browser.
    from axe_playwright_python.sync_playwright import Axe

    axe_script = Axe().axe_script
    pages = checks.reader_pages(built_site)
    light = checks.visit_pages(browser, site_url, pages, "light", axe_script=axe_script, batch=2)
    dark = checks.visit_pages(
        browser, site_url, pages, "dark", axe_script=axe_script, axe_rules=checks.COLOUR_RULES, content=False, batch=2
    )
    return {"light": light, "dark": dark}


def _all(reports) -> list[checks.PageReport]:
    return reports["light"] + reports["dark"]


def test_every_page_of_the_site_is_visited(reports, built_site: Path):
    visited = {r.path for r in reports["light"]}
    assert visited == set(checks.reader_pages(built_site))
    assert {"", "404.html"} <= visited and len(visited) >= 4
    assert any(r.math["katex"] for r in reports["light"]), "no page has a rendered formula"


def test_every_formula_is_rendered_and_no_raw_tex_is_visible(reports):
    problems = checks.math_problems(reports["light"])
    assert problems == [], "\n".join(problems)


def test_no_console_errors_page_errors_failed_or_offsite_requests(reports):
    problems = checks.traffic_problems(_all(reports))
    assert problems == [], "\n".join(problems)


def test_axe_finds_no_serious_or_critical_violation(reports):
    problems = checks.accessibility_problems(_all(reports))
    assert problems == [], "\n".join(problems)


def test_copy_buttons_copy_what_the_copy_paste_check_runs(reports, built_site: Path):
    problems = checks.copy_button_problems(built_site, reports["light"])
    assert problems == [], "\n".join(problems)


def test_light_and_dark_palettes_render(reports, browser, site_url: str, tmp_path: Path):
    problems = checks.palette_problems(_all(reports))
    # One page (the one with the most formulas) in both palettes, and the palette toggle.
    page_path = max(reports["light"], key=lambda r: (r.math["katex"], r.path)).path
    shots = checks.palette_screenshots(browser, site_url, page_path)
    problems += shots.problems
    if problems:
        for scheme, png in shots.images.items():
            (tmp_path / f"{page_path.strip('/').replace('/', '_') or 'index'}-{scheme}.png").write_bytes(png)
        problems.append(f"screenshots of {checks.page_name(page_path)} in both palettes: {tmp_path}")
    assert problems == [], "\n".join(problems)
