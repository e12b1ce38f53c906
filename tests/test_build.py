"""The built site (mkdocs build --strict): what a reader gets in the HTML."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import site_pages

OFFSITE = re.compile(r'<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)="((?:https?:)?//[^"]*)"', re.I)


def test_every_page_is_strict_clean_and_has_no_offsite_assets(built_site: Path):
    pages = site_pages(built_site)
    assert len(pages) >= 4
    for page in pages:
        html = page.read_text(encoding="utf-8")
        offsite = [url for url in OFFSITE.findall(html) if not url.startswith("http://127.0.0.1")]
        # <link rel="canonical"> names the site's own address; nothing else may point away.
        assert offsite == [], f"{page.relative_to(built_site)} loads {offsite}"
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html


def test_seed_page_shows_the_jacobian_and_the_sympy_output(built_site: Path):
    html = (built_site / "jacobian" / "index.html").read_text(encoding="utf-8")
    # Printed by the sympy block at build time
    assert "Matrix([[2*x*y, x**2], [5, cos(y)]])" in html
    # Rendered by KaTeX: the MathML annotation keeps the TeX of the hand result
    assert "2xy &amp; x^2 \\\\ 5 &amp; \\cos y" in html
    assert html.count('class="katex"') >= 30
    # The numeric evaluation at (1, 2), printed at build time
    assert "-0.41614684" in html


def test_notebook_page_shows_executed_output_and_download_link(built_site: Path):
    page = built_site / "notebooks" / "seed_example" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "largest difference from the exact Jacobian" in html  # printed by the last cell
    assert 'data-mime-type="text/latex"' in html  # sympy's rich output
    assert 'href="seed_example.py" download' in html
    assert (page.parent / "seed_example.py").is_file()
    assert "mathjax" not in re.sub(r"<!--.*?-->", "", html, flags=re.S).lower()


def test_katex_assets_are_served_by_the_site(built_site: Path):
    css = built_site / "assets" / "katex" / "katex.min.css"
    assert css.is_file()
    fonts = set(re.findall(r"url\((fonts/[^)]+)\)", css.read_text(encoding="utf-8")))
    assert fonts, "no font URLs in katex.min.css"
    missing = [f for f in fonts if not (css.parent / f).is_file()]
    assert missing == []
