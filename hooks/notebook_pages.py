"""MkDocs hook: notebook pages (mkdocs-jupyter) cleaned up for this site.

- mkdocs-jupyter injects a MathJax loader (a script tag with an empty src), its inline
  configuration and an inline module that imports Mermaid from a CDN: all removed, since math is
  rendered at build time (``katex_math.py``) and nothing may leave the site's origin.
- nbformat draws a random id per cell when jupytext reads a ``.py`` notebook: ids are replaced
  by the cell's position, so two builds of the same sources are byte-identical.
- The kernel sends printed text in pieces whose boundaries depend on timing (a busy machine
  can split one ``print`` in two): consecutive plain-text outputs of a cell are joined into
  one, so the page and its search entry do not depend on the machine's load.
"""

from __future__ import annotations

import itertools
import re

# Script tags with an empty or off-site src, and inline scripts that configure MathJax or
# import a module from another host.
INJECTED_SCRIPT = re.compile(
    r'<script[^>]*\bsrc="(?:|https?://[^"]*|//[^"]*)"[^>]*>\s*</script>'
    r"|<script[^>]*>(?:(?!</script>).)*(?:MathJax|import\(\s*[\"']https?://)(?:(?!</script>).)*</script>",
    re.S,
)
CELL_ID = re.compile(r'id="cell-id=[0-9a-f]{8}"')
# The end of one stdout output and the start of the next, in nbconvert's HTML.
STREAM_SEAM = re.compile(
    r'</pre>\s*</div>\s*</div>\s*<div class="jp-OutputArea-child">\s*<div class="jp-OutputPrompt jp-OutputArea-prompt"></div>'
    r'\s*<div class="jp-RenderedText jp-OutputArea-output" data-mime-type="text/plain"[^>]*>\s*<pre>'
)


def number_cells(html_text: str) -> str:
    """Replace the random notebook cell ids (``id="cell-id=1f0c9a2b"``) with their position."""
    counter = itertools.count(1)
    return CELL_ID.sub(lambda m: f'id="cell-id={next(counter)}"', html_text)


def strip_injected_scripts(html_text: str) -> str:
    """Remove MathJax loaders/configuration and script tags with an empty or off-site src."""
    return INJECTED_SCRIPT.sub("", html_text)


def join_streams(html_text: str) -> str:
    """Join consecutive plain-text outputs of a cell into one, as the kernel meant them."""
    return STREAM_SEAM.sub("", html_text)


def _is_notebook(page) -> bool:
    return page.file.src_uri.endswith((".ipynb", ".py"))


def on_page_content(html_text: str, page, config, files) -> str:
    # Before the search index reads the page's content.
    return join_streams(html_text) if _is_notebook(page) else html_text


def on_post_page(output: str, page, config) -> str:
    if _is_notebook(page):
        output = number_cells(strip_injected_scripts(output))
    return output
