"""The checker checked: each check of tests/site_checks.py fails on a deliberately broken page,
naming it, and passes on a clean one.

A small hand-made site in a temporary folder: one clean page, and one page per defect (raw TeX,
an off-site script, an image without alt text, a failing code block, ...). It is served on
127.0.0.1 and visited in the same headless Chromium as the real site.
"""

from __future__ import annotations

import base64
import gzip
import html
import itertools
import shutil
from pathlib import Path

import pytest

from hooks.katex_math import KATEX_DIST
from tests import site_checks as checks

# A 1x1 transparent PNG
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def page(title: str, body: str, scheme: str = "default") -> str:
    """A minimal page that passes axe-core when ``body`` has no defect."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title>"
        '<link rel="stylesheet" href="/katex/katex.min.css">'
        "<style>body{background:#fff;color:#222;font:16px sans-serif}"
        "[data-md-color-scheme=slate]{background:#1e2129;color:#eee}"
        "a{color:#1a4fbf;text-decoration:underline}</style></head>"
        f'<body data-md-color-scheme="{scheme}"><main><h1>{title}</h1>{body}</main>'
        # What Material does: follow the reader's preferred colour scheme
        "<script>if (matchMedia('(prefers-color-scheme: dark)').matches && document.body.dataset.mdColorScheme"
        " === 'default' && !document.body.hasAttribute('data-fixed')) document.body.dataset.mdColorScheme = 'slate'"
        "</script></body></html>"
    )


_ids = itertools.count()


def block(language: str, code: str, title: str = "", hidden: str = "") -> str:
    """A code block as pymdownx.highlight writes it (pygments_lang_class: true), with the copy
    button Material adds; ``hidden`` is code the reader does not see (nor copy)."""
    name = f'<span class="filename">{html.escape(title)}</span>' if title else ""
    n = next(_ids)
    extra = f'<span style="display:none">{html.escape(hidden)}</span>' if hidden else ""
    return (
        f'<div class="language-{language} highlight">{name}<pre id="__code_{n}"><span></span>'
        f"<code>{html.escape(code)}{extra}</code></pre>"
        f'<button aria-label="Copy" data-clipboard-target="#__code_{n} &gt; code"></button></div>'
    )


def python_block(code: str, title: str = "") -> str:
    return block("python", code, title)


def text_block(text: str) -> str:
    return block("text", text)


CLEAN = page(
    "Clean",
    '<h2 id="section">A section</h2>'
    '<p>Rendered math: <span class="katex"><span class="katex-html" aria-hidden="true">x²</span></span>. '
    'Prose may cost $5 and $6. <a href="#section">Back</a>, <a href="../notebook/#cell-heading">a notebook</a>, '
    '<a href="../notebook/nb.py" download>a download</a>, <a href="https://example.org/">an external link</a>.</p>'
    '<img src="../pixel.png" alt="A pixel">'
    # TeX inside code is not raw TeX on the page
    + python_block('import json\nprint(json.dumps({"tex": "$\\\\frac{a}{b}$"}))')
    + text_block('{"tex": "$\\\\frac{a}{b}$"}')
    + python_block("total = 1 + 1")
    + python_block("print(total)", title="Continued from the block above")
    + text_block("2"),
)

NOTEBOOK = page(
    "Notebook",
    '<div class="jupyter-wrapper"><h2 id="cell-heading">Cells</h2>'
    '<clipboard-copy role="button" tabindex="0" aria-label="Copy" for="cell-1"></clipboard-copy>'
    '<div class="clipboard-copy-txt" id="cell-1">%matplotlib inline\nx = 20</div>'
    '<clipboard-copy role="button" tabindex="0" aria-label="Copy" for="cell-2"></clipboard-copy>'
    '<div class="clipboard-copy-txt" id="cell-2">print(x + 1)\nx</div></div>',
)

BROKEN = {
    "raw-tex": page("Raw TeX", "<p>The Jacobian \\(\\J_\\vf(\\vx)\\) is $\\frac{\\partial f_i}{\\partial x_j}$.</p>"),
    "katex-error": page("KaTeX error", '<p><span class="katex-error" title="ParseError: Undefined control sequence">\\nope</span></p>'),
    "offsite-script": page("Off-site script", '<p>Text.</p><script src="https://cdn.example.com/lib.js"></script>'),
    "page-error": page("Errors", "<p>Text.</p><script>console.error('boom'); throw new Error('bang')</script>"),
    "missing-image": page("Missing image", '<img src="../nowhere.png" alt="Gone">'),
    "no-alt": page("No alt text", '<p>A figure:</p><img src="../pixel.png">'),
                "dead-links": page("Dead links", '<p><a href="../gone/">gone</a> and <a href="../clean/#no-such-anchor">no anchor</a> '
                       'and <a href="#nor-here">nor here</a>.</p>'),
    "always-light": page("Always light", "<p>Text.</p>").replace("<body ", "<body data-fixed ", 1),
    "copy-mismatch": page("Copy mismatch", block("python", "print(1)", hidden="  # not what the button copies")),
}


@pytest.fixture(scope="module")
def hand_made_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("hand-made-site")
    (site / "pixel.png").write_bytes(PIXEL)
    (site / "katex").mkdir()
    shutil.copy(KATEX_DIST / "katex.min.css", site / "katex")
    shutil.copytree(KATEX_DIST / "fonts", site / "katex" / "fonts")
    for name, html_text in {"clean": CLEAN, "notebook": NOTEBOOK, **BROKEN}.items():
        (site / name).mkdir()
        (site / name / "index.html").write_text(html_text, encoding="utf-8")
    (site / "notebook" / "nb.py").write_text("x = 1\n", encoding="utf-8")
    return site


@pytest.fixture(scope="module")
def hand_made_url(hand_made_site: Path):
    server, url = checks.serve(hand_made_site)
    yield url
    server.shutdown()


@pytest.fixture(scope="module")
def hand_made_reports(browser, hand_made_site: Path, hand_made_url: str):
    from axe_playwright_python.sync_playwright import Axe

    pages = checks.reader_pages(hand_made_site)
    light = checks.visit_pages(browser, hand_made_url, pages, "light", axe_script=Axe().axe_script)
    dark = checks.visit_pages(browser, hand_made_url, pages, "dark", axe_script=None, content=False)
    return light + dark


def pages_named(problems: list[str]) -> set[str]:
    """The pages the problems name (each message starts with the page's path)."""
    return {p.split(":")[0].split(" ")[0] for p in problems}


def test_the_hand_made_site_is_walked(hand_made_site: Path):
    assert set(checks.reader_pages(hand_made_site)) == {f"{n}/" for n in ["clean", "notebook", *BROKEN]}


def test_math_check_names_pages_with_raw_tex_or_katex_errors(hand_made_reports):
    problems = checks.math_problems(hand_made_reports)
    assert pages_named(problems) == {"/raw-tex/", "/katex-error/"}
    raw = next(p for p in problems if p.startswith("/raw-tex/"))
    assert "raw TeX" in raw and "\\frac" in raw and "\\(" in raw
    assert "ParseError" in next(p for p in problems if p.startswith("/katex-error/"))


def test_traffic_check_names_off_site_requests_errors_and_missing_files(hand_made_reports):
    problems = checks.traffic_problems(hand_made_reports)
    assert pages_named(problems) == {"/offsite-script/", "/page-error/", "/missing-image/"}
    offsite = [p for p in problems if p.startswith("/offsite-script/") and "off the site's origin" in p]
    assert offsite and "https://cdn.example.com/lib.js" in offsite[0]
    assert any(p.startswith("/page-error/") and "page errors" in p and "bang" in p for p in problems)
    assert any(p.startswith("/page-error/") and "console errors" in p and "boom" in p for p in problems)
    assert any(p.startswith("/missing-image/") and "nowhere.png (HTTP 404)" in p for p in problems)


def test_accessibility_check_names_the_image_without_alt_text(hand_made_reports):
    problems = checks.accessibility_problems(hand_made_reports)
    assert pages_named(problems) == {"/no-alt/"}, "\n".join(problems)
    assert "image-alt (critical)" in problems[0] and "pixel.png" in problems[0]


def test_palette_check_names_a_page_that_stays_light_in_the_dark(hand_made_reports):
    problems = checks.palette_problems(hand_made_reports)
    assert problems == ["/always-light/ (dark): data-md-color-scheme is 'default', expected 'slate'"]


def test_link_check_names_dead_links_and_anchors(hand_made_site: Path):
    problems = checks.link_problems(hand_made_site)
    assert pages_named(problems) == {"/dead-links/", "/missing-image/"}
    assert len(problems) == 4
    assert "/missing-image/: <img> '../nowhere.png' points to a missing file /nowhere.png" in problems
    assert any("'../gone/' points to a missing file /gone/" in p for p in problems)
    assert any("no element with id 'no-such-anchor' on /clean/index.html" in p for p in problems)
    assert any("no element with id 'nor-here' on this page" in p for p in problems)


def test_link_check_follows_the_configured_site_url(tmp_path: Path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        '<link rel="canonical" href="http://example.org/docs/a/"><a href="http://example.org/docs/b/">b</a>'
        '<link rel="stylesheet" href="/docs/a/index.html"><a href="/docs/c/">c</a>'  # root-absolute, under /docs/
    )
    assert checks.link_problems(tmp_path, "http://example.org/docs/") == [
        "/a/: <a> 'http://example.org/docs/b/' points to a missing file /b/",
        "/a/: <a> '/docs/c/' points to a missing file /c/",
    ]


def test_copy_button_check_names_a_block_whose_button_copies_other_text(hand_made_site: Path, hand_made_reports):
    problems = checks.copy_button_problems(hand_made_site, hand_made_reports)
    assert pages_named(problems) == {"/copy-mismatch/"}
    assert "the copy button copies other text than the block shows" in problems[0]
    assert "# not what the button copies" in problems[0]


def example_repo(root: Path, files: dict[str, str], page: str) -> None:
    """A repository with example files and one page (docs/p.md) that includes them."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "p.md").write_text(page, encoding="utf-8")


def test_shown_code_check_names_a_block_that_is_in_no_example_file(tmp_path: Path):
    example_repo(tmp_path, {"snippets/p/a.py": "print(6 * 7)\n"}, '```python\n--8<-- "snippets/p/a.py"\n```\n')
    site = tmp_path / "site"
    (site / "p").mkdir(parents=True)
    (site / "p" / "index.html").write_text(page("P", python_block("print(6 * 7)") + text_block("42")
                                                + python_block("print('typed into the page')")), encoding="utf-8")
    examples, problems = checks.shown_examples(site, tmp_path)
    assert problems == ["/p/ code block 3: shows Python code that is in no example file under snippets/, so no test runs it"]
    assert examples["snippets/p/a.py"].expected == "42"


def test_shown_code_check_wants_later_sections_marked_as_continued(tmp_path: Path):
    chain = "# --8<-- [start:one]\nx = 1\n# --8<-- [end:one]\n# --8<-- [start:two]\nprint(x)\n# --8<-- [end:two]\n"
    example_repo(tmp_path, {"snippets/p/chain.py": chain},
                 '--8<-- "snippets/p/chain.py:one"\n--8<-- "snippets/p/chain.py:two"\n')
    assert checks.example_text(tmp_path, "snippets/p/chain.py:two") == "print(x)"
    assert checks.example_text(tmp_path, "snippets/p/chain.py") == "x = 1\nprint(x)"
    site = tmp_path / "site"
    (site / "p").mkdir(parents=True)
    for title, count in (("", 1), ("Continued from the block above", 0)):
        (site / "p" / "index.html").write_text(page("P", python_block("x = 1") + python_block("print(x)", title)
                                                    + text_block("1")), encoding="utf-8")
        examples, problems = checks.shown_examples(site, tmp_path)
        assert len(problems) == count and all("without a title starting with 'Continued'" in p for p in problems)
    assert examples["snippets/p/chain.py"].expected is None  # the first block shows no output


def test_example_runner_runs_alone_from_an_empty_directory_and_compares_output(tmp_path: Path):
    files = {
        "empty.py": "import os\nassert os.listdir('.') == [], os.listdir('.')\nprint('ok')",
        "needs_repo.py": "import snippets",  # the repository is not on the path
        "sibling.py": "import empty",  # nor is the example's own folder
        "wrong.py": "print(6 * 7)",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert checks.run_example(tmp_path / "empty.py", "ok") is None
    for name in ("needs_repo.py", "sibling.py"):
        message = checks.run_example(tmp_path / name)
        assert "fails when run alone" in message and "ModuleNotFoundError" in message
        assert f'{name}", line 1' in message  # the line that names the failing place is kept
    wrong = checks.run_example(tmp_path / "wrong.py", "41")
    assert "prints something other than the output the page shows" in wrong and "-41" in wrong and "+42" in wrong


def test_shown_code_check_wants_language_classes(tmp_path: Path):
    example_repo(tmp_path, {}, "")
    (tmp_path / "site" / "p").mkdir(parents=True)
    (tmp_path / "site" / "p" / "index.html").write_text(
        '<div class="highlight"><pre><span></span><code>print(1)</code></pre></div>', encoding="utf-8"
    )
    _, (problem,) = checks.shown_examples(tmp_path / "site", tmp_path)
    assert problem.startswith("/p/:") and "pygments_lang_class: true" in problem


def test_code_blocks_pairs_each_python_block_with_the_output_below_it():
    blocks = checks.code_blocks(CLEAN, "clean/")
    python = [b for b in blocks if b.is_python]
    assert [b.output for b in python] == ['{"tex": "$\\\\frac{a}{b}$"}', None, "2"]
    assert [b.continued for b in python] == [False, False, True]
    assert python[0].text == 'import json\nprint(json.dumps({"tex": "$\\\\frac{a}{b}$"}))'
    # Something between a block and a text block: not its output
    separated = python_block("print(1)") + "<p>Then:</p>" + text_block("1")
    assert checks.code_blocks(separated)[0].output is None


def test_notebook_cell_check_names_a_cell_that_differs_from_the_source(tmp_path: Path, hand_made_site: Path):
    source = tmp_path / "nb.py"
    source.write_text("# %%\n# %matplotlib inline\nx = 20\n\n# %%\nprint(x + 1)\nx\n", encoding="utf-8")
    assert checks.notebook_cell_problems(hand_made_site, source, "notebook/") == []
    source.write_text("# %%\n# %matplotlib inline\nx = 20\n\n# %%\nprint(x + 2)\nx\n", encoding="utf-8")
    (problem,) = checks.notebook_cell_problems(hand_made_site, source, "notebook/")
    assert problem.startswith("/notebook/: notebook cell 2 shows other code than nb.py")


def test_tree_differences_ignores_only_the_build_date_of_the_sitemap(tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    for root, date, mtime in ((a, "2026-11-25", 1), (b, "2026-11-26", 2)):
        (root / "page").mkdir(parents=True)
        (root / "page" / "index.html").write_text("<p>same</p>")
        xml = f"<urlset><url><loc>x</loc><lastmod>{date}</lastmod></url></urlset>".encode()
        (root / "sitemap.xml").write_bytes(xml)
        (root / "sitemap.xml.gz").write_bytes(gzip.compress(xml, mtime=mtime))
    assert checks.tree_differences(a, b) == []
    (b / "page" / "index.html").write_text("<p>s4me</p>")
    (b / "extra.js").write_text("")
    (a / "sitemap.xml").write_bytes(b"<urlset><url><loc>y</loc></url></urlset>")
    problems = checks.tree_differences(a, b)
    assert [p.split(":")[0] for p in problems] == ["/extra.js", "/page/index.html", "/sitemap.xml"]
    assert "first at byte 4" in problems[1]
