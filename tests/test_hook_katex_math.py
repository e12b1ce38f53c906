"""hooks/katex_math.py: formulas rendered by KaTeX at build time, errors fail the build."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from yaml_env_tag import construct_env_tag

from hooks.katex_math import (
    KatexRenderer,
    fonts_used,
    preload_fonts,
    readable,
    readable_math,
    render_math,
)
from tests.conftest import ROOT, mkdocs_build


@pytest.fixture(scope="module")
def render():
    renderer = KatexRenderer()
    yield renderer
    renderer.close()


def test_arithmatex_inline_and_display(render):
    html = (
        '<p>Let <span class="arithmatex">\\(x^2\\)</span> be.</p>'
        '<div class="arithmatex">\\[\\begin{bmatrix} a &amp; b \\end{bmatrix}\\]</div>'
    )
    out, errors = render_math(html, render)
    assert errors == []
    assert "arithmatex" not in out and "\\(" not in out
    assert out.count('class="katex"') == 2
    assert out.count('class="katex-display"') == 1
    assert "<math" in out  # MathML for screen readers
    assert "a &amp; b" in out  # the TeX annotation, entity-escaped exactly once


def test_shared_macros(render):
    out, errors = render_math('<span class="arithmatex">\\(\\R^n \\to \\J\\)</span>', render)
    assert errors == []
    assert 'mathvariant="double-struck"' in out  # \R is \mathbb{R}
    assert "<mi mathvariant=\"bold\">J</mi>" in out  # \J is \mathbf{J}


def test_dollars_only_on_notebook_pages_and_never_in_code(render):
    copied = '<div class="clipboard-copy-txt" id="cell-1">plt.xlabel("$x_1$")<div>$z$</div></div>'  # a cell's code
    html = "<p>cost $5 and $6, $a+b$ and $c$</p><pre>$x$</pre><code>$y$</code><div>$$\\sum_i i$$</div>" + copied
    untouched, _ = render_math(html, render, dollars=False)
    assert untouched == html
    out, errors = render_math(html, render, dollars=True)
    assert errors == []
    assert "<pre>$x$</pre>" in out and "<code>$y$</code>" in out and copied in out
    assert "<p>cost $5 and $6, " in out  # prices are not math
    assert out.count('class="katex"') == 3
    assert 'class="katex-display"' in out


def test_sympy_latex_output_is_rendered(render):
    html = '<div class="jp-RenderedLatex">$\\displaystyle \\left[\\begin{matrix}2 x y &amp; x^{2}\\end{matrix}\\right]$</div>'
    out, errors = render_math(html, render, dollars=True)
    assert errors == [] and "$" not in out.replace("$\\displaystyle", "")
    assert 'class="katex"' in out


def test_unparsable_formula_is_reported(render):
    out, errors = render_math('<span class="arithmatex">\\(\\frac{1}{\\)</span>', render)
    assert len(errors) == 1
    tex, message = errors[0]
    assert tex == "\\frac{1}{" and "KaTeX parse error" in message
    assert "katex-error" in out  # what `mkdocs serve` shows while the build warns


def test_readable_text(render):
    assert readable_math("Let \\(x_1 \\to \\R\\) go", render) == "Let x_1 → R go"
    cases = {  # TeX -> what a person would type in a search box
        "\\alpha": "α",
        "\\J_\\vf(1, 2) = \\begin{bmatrix} 4 & 1 \\\\ 5 & \\cos 2 \\end{bmatrix}": "J_f(1, 2) = [[4, 1], [5, cos 2]]",
        "\\vf: \\R^n \\to \\R^m": "f: R^n → R^m",
        "\\frac{\\partial f_i}{\\partial x_j}": "(∂f_i)/(∂x_j)",
        "x^{n+1} + \\sqrt{2}": "x^(n + 1) + sqrt(2)",
        "\\nabla g(\\vx)^\\top": "∇g(x)ᵀ",
    }
    for tex, text in cases.items():
        assert readable(render([(tex, False)])[0]["html"]) == text


def one_page_site(tmp_path: Path, page: str, text: str) -> Path:
    """The site's configuration and hooks with ``docs/`` holding one page only, to break on purpose.

    With a single page, the only thing that can fail the strict build is that page."""
    for name in ("hooks", "overrides"):
        shutil.copytree(ROOT / name, tmp_path / name)
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    loader = type("EnvLoader", (yaml.SafeLoader,), {})  # mkdocs.yml reads settings with !ENV
    loader.add_constructor("!ENV", construct_env_tag)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=loader)
    config["nav"] = [page]
    config.pop("watch", None)  # no snippets/ folder here
    config["plugins"] = [p for p in config["plugins"] if p != "search"]
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    target = tmp_path / "docs" / page
    target.parent.mkdir(parents=True)
    target.write_text(text)
    return tmp_path


GOOD_NOTEBOOK = """# %% [markdown]
# # A notebook
# Fine: $x^2$.

# %%
print(1 + 1)
"""


def test_a_clean_one_page_site_builds(tmp_path: Path):
    """The control for the two tests below: the same one-page sites build without the fault."""
    for page, text in (("page.md", "# Page\n\nFine: $\\vx^2$.\n"), ("notebooks/nb.py", GOOD_NOTEBOOK)):
        site = one_page_site(tmp_path / page.replace("/", "_"), page, text)
        result = mkdocs_build(site / "site", cwd=site)
        assert result.returncode == 0, result.stdout + result.stderr


def test_bad_formula_on_a_markdown_page_fails_the_strict_build(tmp_path: Path):
    site = one_page_site(tmp_path, "page.md", "# Page\n\n$$\\notacommand{x}$$\n")
    result = mkdocs_build(site / "site", cwd=site)
    assert result.returncode != 0
    log = result.stdout + result.stderr
    assert "page.md: KaTeX cannot render the formula '\\\\notacommand{x}'" in log


def test_bad_formula_in_a_notebook_markdown_cell_fails_the_strict_build(tmp_path: Path):
    notebook = GOOD_NOTEBOOK + "\n# %% [markdown]\n# Broken: $\\frac{1}{$\n"
    site = one_page_site(tmp_path, "notebooks/nb.py", notebook)
    result = mkdocs_build(site / "site", cwd=site)
    assert result.returncode != 0
    log = result.stdout + result.stderr
    assert "notebooks/nb.py: KaTeX cannot render the formula '\\\\frac{1}{'" in log


def test_preloads_exactly_the_fonts_a_page_uses(render):
    body, _ = render_math('<span class="arithmatex">\\(\\R \\to \\mathbf{x}\\)</span>', render)
    page = '<head><link rel="stylesheet" href="../assets/katex/katex.min.css"></head><body>' + body + "</body>"
    out = preload_fonts(page)
    preloaded = re.findall(r'href="\.\./assets/katex/fonts/([^"]+)\.woff2" as="font"', out)
    assert preloaded == fonts_used(body)
    assert {"KaTeX_Main-Regular", "KaTeX_AMS-Regular", "KaTeX_Main-Bold"} <= set(preloaded)
    assert "KaTeX_Size4-Regular" not in preloaded
    assert out.index("preload") < out.index("katex.min.css")
    no_math = '<head><link rel="stylesheet" href="assets/katex/katex.min.css"></head><p>x</p>'
    assert preload_fonts(no_math) == no_math
