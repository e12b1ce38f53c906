"""The built site (mkdocs build --strict): what a reader gets in the HTML."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests import site_checks as checks
from tests.conftest import configured_site_url

OFFSITE = re.compile(r'<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)="((?:https?:)?//[^"]*)"', re.I)


def test_every_page_is_strict_clean_and_has_no_offsite_assets(built_site: Path):
    pages = checks.reader_pages(built_site)
    assert len(pages) >= 4
    for page in pages:
        html = checks.read_page(built_site, page)
        offsite = [url for url in OFFSITE.findall(html) if not url.startswith("http://127.0.0.1")]
        # <link rel="canonical"> names the site's own address; nothing else may point away.
        assert offsite == [], f"/{page} loads {offsite}"
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
    assert "every entry within 1e-6 (1 + |J_ij|): True" in html  # printed by the check cell
    assert 'data-mime-type="text/latex"' in html  # sympy's rich output
    assert 'href="seed_example.py" download' in html
    assert (page.parent / "seed_example.py").is_file()
    assert "mathjax" not in re.sub(r"<!--.*?-->", "", html, flags=re.S).lower()
    mlp = checks.read_page(built_site, "notebooks/mlp_training/")
    assert "training accuracy" in mlp and '<svg role="img"' in mlp  # the executed figure, inline SVG
    assert 'href="mlp_training.py" download' in mlp and (built_site / "notebooks" / "mlp_training" / "mlp_training.py").is_file()


def test_katex_assets_are_served_by_the_site(built_site: Path):
    css = built_site / "assets" / "katex" / "katex.min.css"
    assert css.is_file()
    fonts = set(re.findall(r"url\((fonts/[^)]+)\)", css.read_text(encoding="utf-8")))
    assert fonts, "no font URLs in katex.min.css"
    missing = [f for f in fonts if not (css.parent / f).is_file()]
    assert missing == []


def test_every_internal_link_and_anchor_resolves(built_site: Path):
    # Includes notebook pages, whose links the strict build does not check.
    problems = checks.link_problems(built_site, configured_site_url())
    assert problems == [], "\n".join(problems)


def test_search_index_has_readable_math(built_site: Path):
    docs = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]

    def prose(text: str) -> str:  # TeX quoted in code is meant to be seen
        return re.sub(r"<code>.*?</code>|<pre>.*?</pre>", "", text, flags=re.S)

    leftovers = [d["location"] for d in docs if checks.RAW_TEX.search(d["title"]) or checks.RAW_TEX.search(prose(d["text"]))]
    assert leftovers == []
    # The first page's math is searchable as the reader sees it
    intuition = next(d for d in docs if d["location"] == "jacobian/#the-intuition")
    assert "f: R^n → R^m" in intuition["text"]
    # and a matrix reads as a person would type it
    assert any("J_f(1, 2) = [[" in d["text"] for d in docs if d["location"].startswith("jacobian/"))


def test_no_math_in_headings(built_site: Path):
    """Headings stay plain text, so the table of contents never shows KaTeX markup."""
    for page in checks.reader_pages(built_site):
        for heading in re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", checks.read_page(built_site, page), re.S):
            assert 'class="katex' not in heading, f"/{page}: math in heading {heading[:80]}"


def test_search_finds_words_after_punctuation(built_site: Path):
    """Material's search tokenizes with the configured separator: a word right after "(" or
    "/" must be a token of its own (the default splits on white space and "-" only)."""
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    words = {w.lower() for d in index["docs"] for w in separator.split(d["text"]) if w}
    assert {"rumelhart", "determinant"} <= words
    assert [w for w in separator.split("(Rumelhart, Pearlmutter/Schraudolph)") if w] == ["Rumelhart", "Pearlmutter", "Schraudolph"]


def test_every_page_has_its_own_description_and_open_graph_tags(built_site: Path):
    descriptions = {}
    for page in checks.reader_pages(built_site):
        html = checks.read_page(built_site, page)
        meta = re.search(r'<meta name="description" content="([^"]*)"', html).group(1)
        og = re.search(r'<meta property="og:description" content="([^"]*)"', html).group(1)
        assert og == meta and '<meta property="og:title"' in html, f"/{page}"
        if not page.startswith(("404", "notebooks/")):
            descriptions[page] = meta
    assert len(set(descriptions.values())) == len(descriptions) >= 10, "pages share a description"


def test_the_404_page_offers_search_and_the_curriculum(built_site: Path):
    html = checks.read_page(built_site, "404.html")
    assert 'for="__search"' in html and "Page not found" in html
    for page in ("jacobian/", "chain-rule/", "backprop/", "notebooks/mlp_training/"):
        assert f'href="/{page}"' in html, page
