"""hooks/notebook_pages.py: notebook pages lose the styles and scripts mkdocs-jupyter injects,
their figures become accessible inline SVG, the executed notebook is the same bytes on every
build, and the Colab address is built from the repository settings."""

from __future__ import annotations

import base64

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from hooks.notebook_pages import absolute_links, colab_url, figure_svg, join_streams, lean_html, normalize, strip_injected_scripts

SVG = ('<?xml version="1.0" encoding="utf-8" standalone="no"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x">\n'
       '<svg xmlns:xlink="http://www.w3.org/1999/xlink" width="100.123456pt" height="50pt" viewBox="0 0 100.123456 50">\n'
       ' <metadata><rdf:RDF><dc:date>2026-12-02T13:00:00</dc:date></rdf:RDF></metadata>\n <defs>\n'
       '  <clipPath id="p3a9f1c2b7e"><rect x="7.2" y="3.6" width="80.354688" height="40"/></clipPath>\n'
       '  <path id="m5d2e8a" d="M 0 1.5 L -0.04 0"/>\n </defs>\n <g id="figure_1"><!-- a comment -->\n'
       '  <path d="M 12.345678 -0.04 L 20 30.96" clip-path="url(#p3a9f1c2b7e)"/>\n'
       '  <use xlink:href="#m5d2e8a" x="57.640625" y="41.08" transform="rotate(-90 1.2345 2)"/>\n </g>\n</svg>\n')


def test_strip_injected_scripts():
    html = (
        '<script src="https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js"></script>'
        "<script>MathJax.Hub.Config({});</script>"
        '<script src=""></script>'
        '<script type="module">const m = await import("https://cdn.jsdelivr.net/npm/mermaid")</script>'
        '<script src="../assets/local.js"></script>'
    )
    assert strip_injected_scripts(html) == '<script src="../assets/local.js"></script>'


def test_a_figure_gets_alt_text_stable_ids_and_rounded_coordinates():
    svg = figure_svg(SVG, 'Loss "falls" <fast> & far', "f2-")
    assert svg.startswith('<svg role="img" aria-label="Loss &quot;falls&quot; &lt;fast&gt; &amp; far" ')
    assert "<title>Loss &quot;falls&quot; &lt;fast&gt; &amp; far</title>" in svg
    assert "metadata" not in svg and "<!--" not in svg and "figure_1" not in svg  # date, comments, unused ids
    assert '<clipPath id="f2-1">' in svg and 'clip-path="url(#f2-1)"' in svg  # renumbered, in order
    assert '<path id="f2-2" d="M 0 1.5 L 0 0"/>' in svg and 'xlink:href="#f2-2"' in svg  # -0.04 -> 0, not -0
    assert 'd="M 12.3 0 L 20 31"' in svg and 'x="57.6" y="41.1"' in svg and 'width="80.4"' in svg
    assert 'transform="rotate(-90 1.2345 2)"' in svg  # transforms keep their precision
    assert figure_svg(SVG, None, "f1-").startswith("<svg xmlns") and "<title>" not in figure_svg(SVG, None, "f1-")
    assert figure_svg(SVG, "a", "f1-") == figure_svg(SVG, "a", "f1-")


def test_an_executed_notebook_is_normalised():
    nb = new_notebook(metadata={"jupytext": {"formats": "py"}, "kernelspec": {"name": "python3", "display_name": "Python 3"}})
    figure = new_output("display_data", data={"image/svg+xml": SVG, "text/plain": "<Figure>"})
    nb.cells = [new_markdown_cell("# Title"),
                new_code_cell("print(1)", metadata={"execution": {"iopub.status.idle": "2026-12-02"}},
                              outputs=[new_output("stream", name="stdout", text="lo"), new_output("stream", name="stdout", text="ss\n"),
                                       new_output("stream", name="stderr", text="warn\n"), new_output("stream", name="stdout", text="x\n")]),
                new_code_cell("plt.show()", metadata={"alt": "A line"}, outputs=[figure])]
    normalize(nb)
    nbformat.validate(nb)
    assert [c.id for c in nb.cells] == ["1", "2", "3"] and "jupytext" not in nb.metadata
    assert nb.cells[1].metadata == {} and [o.text for o in nb.cells[1].outputs] == ["loss\n", "warn\n", "x\n"]
    assert '<title>A line</title>' in nb.cells[2].outputs[0].data["image/svg+xml"]


def test_join_streams_keeps_stdout_and_stderr_apart():
    parts = [{"output_type": "stream", "name": "stdout", "text": "a"}, {"output_type": "stream", "name": "stderr", "text": "b"}]
    assert join_streams(parts) == parts


def test_the_page_keeps_its_content_without_the_converters_styles():
    svg = figure_svg(SVG, "alt", "f1-")
    page = ('<style type="text/css">.jp-Cell { color: red }</style><!-- Load mathjax -->'
            '<div class="jp-Collapser jp-InputCollapser jp-Cell-inputCollapser">\n</div>'
            '<h2 id="x">X<a class="anchor-link" href="#x">¶</a></h2>'
            f'<div class="jp-RenderedSVG"><img alt="No description has been provided for this image" '
            f'src="data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}"/></div>')
    assert lean_html(page) == f'<h2 id="x">X<a class="headerlink" href="#x">¶</a></h2><div class="jp-RenderedSVG">{svg}</div>'


def test_colab_address_from_the_repository_settings():
    colab = "https://colab.research.google.com/github/me/jac/blob/"
    assert colab_url("https://github.com/me/jac", "edit/main/docs/", "notebooks/a.py") == colab + "main/docs/notebooks/a.ipynb"
    assert colab_url("https://github.com/me/jac.git/", "blob/dev/site/src/", "notebooks/a.py") == colab + "dev/site/src/notebooks/a.ipynb"
    assert colab_url("https://github.com/me/jac", None, "notebooks/a.py") == colab + "main/docs/notebooks/a.ipynb"
    assert colab_url("https://gitlab.com/me/jac", "edit/main/docs/", "notebooks/a.py") is None
    assert colab_url(None, None, "notebooks/a.py") is None


def test_links_of_the_download_are_absolute():
    nb = new_notebook(cells=[new_markdown_cell("[a](../../backprop/), [b](https://x.org/), [c](#here)"), new_code_cell("'](../../x)'")])
    out = absolute_links(nb, "https://example.org/jac/notebooks/mlp/")
    assert out.cells[0].source == "[a](https://example.org/jac/backprop/), [b](https://x.org/), [c](#here)"
    assert out.cells[1].source == "'](../../x)'" and nb.cells[0].source.startswith("[a](../../")  # a copy


def test_the_serve_cache_reuses_an_execution_only_of_the_same_notebook_and_requirements(tmp_path, monkeypatch):
    import hooks.notebook_pages as hook

    runs = []

    def fake_execute(nb, **options):  # a kernel that prints how many times it ran
        runs.append(options)
        nb.cells[-1].outputs = [new_output("stream", name="stdout", text=f"run {len(runs)}\n")]
        return nb

    monkeypatch.setattr(hook, "execute", fake_execute)
    cache = tmp_path / ".cache" / "notebooks"
    (tmp_path / "requirements.txt").write_text("numpy==2.4.1\n")
    notebook = tmp_path / "nb.py"
    notebook.write_text("# %%\nprint(1)\n")

    def output(cache_dir=cache):
        return hook.executed(notebook, cache_dir, allow_errors=False, kernel_name="").cells[-1].outputs[0].text

    assert [output(), output()] == ["run 1\n", "run 1\n"]  # unchanged: not executed again
    notebook.write_text("# %%\nprint(2)\n")
    assert [output(), output()] == ["run 2\n", "run 2\n"]
    (tmp_path / "requirements.txt").write_text("numpy==2.4.2\n")
    assert output() == "run 3\n" and len(list(cache.iterdir())) == 1  # one execution kept per notebook
    assert [output(None), output(None)] == ["run 4\n", "run 5\n"]  # no cache (mkdocs build): always executed
    assert hook.cache_key("a", tmp_path / "requirements.txt", allow_errors=True) != hook.cache_key("a", tmp_path / "requirements.txt", allow_errors=False)
