"""Math is in the HTML at first paint: present without JavaScript, fonts preloaded, no shift."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import site_pages
from tests.test_browser import PROSE_JS

RAW_TEX = re.compile(r"\\\(|\\\[|\$\$|\\begin\{|\\frac|\\mathbf|\\displaystyle|\\partial")


def urls(site: Path) -> list[str]:
    return [p.relative_to(site).as_posix().removesuffix("index.html") for p in site_pages(site)]


def test_math_is_rendered_without_javascript(browser, built_site: Path, site_url: str):
    context = browser.new_context(java_script_enabled=False)
    problems, with_math = [], 0
    for path in urls(built_site):
        page = context.new_page()
        page.goto(site_url + path)
        formulas = page.locator(".katex").count()
        with_math += formulas > 0
        raw = RAW_TEX.findall(page.evaluate(PROSE_JS))
        errors = page.locator(".katex-error").count()
        mathml = page.locator(".katex math").count()
        if raw or errors or mathml != formulas:
            problems.append(f"/{path}: raw TeX {raw[:5]}, {errors} .katex-error, {mathml}/{formulas} with MathML")
        page.close()
    context.close()
    assert with_math >= 3
    assert problems == [], "\n".join(problems)


def test_fonts_are_preloaded_and_nothing_shifts(browser, built_site: Path, site_url: str):
    """Every KaTeX font a page loads comes from a preload link (so the math never repaints in
    another font), and the cumulative layout shift after load is exactly 0.

    A page that shifts is loaded once more (its files now cached): a shift built into the page
    shifts again and fails; a font that lost a race on a busy machine does not. First-load
    timing on an empty cache is what benchmarks/math_rendering.py measures."""
    context = browser.new_context()
    context.add_init_script(
        "window.__cls = 0; new PerformanceObserver((l) => { for (const e of l.getEntries())"
        " if (!e.hadRecentInput) window.__cls += e.value; }).observe({type: 'layout-shift', buffered: true});"
    )
    problems = []
    for path in urls(built_site):
        page = context.new_page()
        page.goto(site_url + path, wait_until="load")
        page.evaluate("document.fonts.ready")
        page.wait_for_timeout(300)
        late = page.evaluate(
            "performance.getEntriesByType('resource').filter((r) => r.name.includes('/fonts/KaTeX_')"
            " && r.initiatorType !== 'link').map((r) => r.name.split('/').pop())"
        )
        cls = page.evaluate("window.__cls")
        if cls > 0:
            page.reload(wait_until="load")
            page.evaluate("document.fonts.ready")
            page.wait_for_timeout(300)
            cls = page.evaluate("window.__cls")
        if late or cls > 0:
            problems.append(f"/{path}: fonts not preloaded {late}, layout shift {cls:.4f}")
        page.close()
    context.close()
    assert problems == [], "\n".join(problems)


def test_search_index_has_readable_math(built_site: Path):
    docs = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    def prose(text: str) -> str:  # TeX quoted in code is meant to be seen
        return re.sub(r"<code>.*?</code>|<pre>.*?</pre>", "", text, flags=re.S)

    leftovers = [d["location"] for d in docs if RAW_TEX.search(d["title"]) or RAW_TEX.search(prose(d["text"]))]
    assert leftovers == []
    # The seed page's math is searchable as the reader sees it
    intuition = next(d for d in docs if d["location"] == "jacobian/#the-intuition")
    assert "f:Rn→Rm" in intuition["text"].replace(" ", "")


def test_no_math_in_headings(built_site: Path):
    """Headings stay plain text, so the table of contents never shows KaTeX markup."""
    for page in site_pages(built_site):
        html = page.read_text(encoding="utf-8")
        for heading in re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", html, re.S):
            assert 'class="katex' not in heading, f"{page.relative_to(built_site)}: math in heading {heading[:80]}"
