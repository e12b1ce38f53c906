"""hooks/notebook_pages.py: notebook pages lose the scripts mkdocs-jupyter injects, and their
cell ids are numbered so builds are reproducible."""

from __future__ import annotations

from hooks.notebook_pages import join_streams, number_cells, strip_injected_scripts


def test_strip_injected_scripts():
    html = (
        '<script src="https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js"></script>'
        "<script>MathJax.Hub.Config({});</script>"
        '<script src=""></script>'
        '<script type="module">const m = await import("https://cdn.jsdelivr.net/npm/mermaid")</script>'
        '<script src="../assets/local.js"></script>'
    )
    assert strip_injected_scripts(html) == '<script src="../assets/local.js"></script>'


def test_notebook_cell_ids_are_numbered_in_order():
    html = '<div id="cell-id=1f0c9a2b"></div><div id="cell-id=00ff00aa"></div><p id="cell-id=keep"></p>'
    assert number_cells(html) == '<div id="cell-id=1"></div><div id="cell-id=2"></div><p id="cell-id=keep"></p>'


def test_a_print_split_by_the_kernel_is_joined():
    def output(text: str) -> str:
        return ('<div class="jp-OutputArea-child">\n<div class="jp-OutputPrompt jp-OutputArea-prompt"></div>\n'
                '<div class="jp-RenderedText jp-OutputArea-output" data-mime-type="text/plain" tabindex="0">\n'
                f"<pre>{text}</pre>\n</div>\n</div>\n")

    assert join_streams(output("loss 0.1") + output("\n")) == output("loss 0.1\n")
    other = output("a").replace("text/plain", "application/vnd.jupyter.stderr")
    assert join_streams(output("a") + other) == output("a") + other  # stdout then stderr stay apart
