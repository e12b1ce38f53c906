"""Every page of the built site in headless Chromium: math rendered, nothing leaves the origin."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import site_pages

# The page's text without code (where TeX is quoted on purpose) and without rendered math.
PROSE_JS = """() => { const c = document.body.cloneNode(true);
  c.querySelectorAll("pre, code, .katex, script, style").forEach((e) => e.remove());
  return c.textContent; }"""
RAW_TEX = re.compile(r"\\\(|\\\[|\$\$|\\begin\{|\\frac|\\mathbf|\\displaystyle")


def page_urls(site: Path) -> list[str]:
    return [p.relative_to(site).as_posix().removesuffix("index.html") for p in site_pages(site)]


def test_every_page_renders_math_and_stays_on_its_origin(browser, built_site: Path, site_url: str):
    origin = site_url.rstrip("/")
    context = browser.new_context()
    problems: list[str] = []
    checked = 0
    for path in page_urls(built_site):
        requests: list[str] = []
        errors: list[str] = []
        page = context.new_page()
        page.on("request", lambda r, requests=requests: requests.append(r.url))
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
        page.goto(site_url + path, wait_until="networkidle")
        offsite = [u for u in requests if not (u.startswith(origin) or u.startswith("data:"))]
        visible = page.evaluate(PROSE_JS)
        raw = RAW_TEX.findall(visible)
        katex_errors = page.locator(".katex-error").count()
        if offsite or raw or katex_errors or errors:
            problems.append(f"/{path}: offsite={offsite} raw_tex={raw} katex_errors={katex_errors} errors={errors}")
        page.close()
        checked += 1
    context.close()
    assert checked >= 4
    assert problems == [], "\n".join(problems)
