"""MkDocs hook: notebook pages (mkdocs-jupyter) cleaned up for this site.

- mkdocs-jupyter injects a MathJax loader (a script tag with an empty src), its inline
  configuration and an inline module that imports Mermaid from a CDN: all removed, since math is
  rendered at build time (``katex_math.py``) and nothing may leave the site's origin.
- nbformat draws a random id per cell when jupytext reads a ``.py`` notebook: ids are replaced
  by the cell's position, so two builds of the same sources are byte-identical.
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


def number_cells(html_text: str) -> str:
    """Replace the random notebook cell ids (``id="cell-id=1f0c9a2b"``) with their position."""
    counter = itertools.count(1)
    return CELL_ID.sub(lambda m: f'id="cell-id={next(counter)}"', html_text)


def strip_injected_scripts(html_text: str) -> str:
    """Remove MathJax loaders/configuration and script tags with an empty or off-site src."""
    return INJECTED_SCRIPT.sub("", html_text)


def on_post_page(output: str, page, config) -> str:
    if page.file.src_uri.endswith((".ipynb", ".py")):
        output = number_cells(strip_injected_scripts(output))
    return output
