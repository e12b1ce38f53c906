"""MkDocs hook: notebook pages (mkdocs-jupyter) executed once, reproducible, lean, downloadable.

- Executed once, in an empty folder: the hook runs each notebook itself (nbclient, from a new
  temporary directory, so a notebook cannot import from this repository) and hands the
  executed notebook to mkdocs-jupyter to render. The same executed notebook is written next to
  the page as ``<name>.ipynb``, beside the Jupytext ``<name>.py`` that mkdocs-jupyter copies;
  its links to other pages of the site are made absolute, so they work in Jupyter or Colab.
  Under ``mkdocs serve`` only, the execution is kept in ``.cache/notebooks/`` and reused while
  the notebook's text, ``requirements.txt`` and the Python version stay the same
  (``cache_key``); ``mkdocs build`` always executes every notebook.
- Reproducible: cell ids are the cells' positions (nbformat draws random ones), no timings
  are recorded, consecutive printed outputs of a cell are joined (the kernel splits them at
  timing-dependent places), and figures carry no date and get ids numbered per figure.
- Figures: inline SVG (not a base64 ``<img>``), with alt text from the code cell's ``alt``
  metadata (Jupytext: ``# %% alt="..."``) as the SVG's ``<title>`` and accessible name;
  coordinates are rounded to 0.1 px, which no screen shows and which halves their weight; like
  the site's other figures, they scroll sideways rather than shrink their text below 9 px.
- Lean: the converter inlines about 590 KB of styles (JupyterLab's whole stylesheet, a
  Pygments theme, Mermaid's) plus a MathJax loader and a Mermaid module from a CDN. All are
  removed: math is rendered at build time (``katex_math.py``), nothing may leave the site's
  origin, and ``docs/stylesheets/notebook.css`` (linked from notebook pages only) styles the
  few elements these pages use, in Material's palette variables.
- "Open in Colab": when ``repo_url`` is a GitHub repository, Colab opens the notebook's
  ``.ipynb`` twin from the repository (``docs/notebooks/<name>.ipynb``, outputs stripped,
  kept equal to the Jupytext source by tests/test_notebooks.py), on the branch of ``edit_uri``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import math
import os
import re
import sys
import tempfile
from pathlib import Path
from urllib.parse import urljoin

import mkdocs.utils
from mkdocs.exceptions import PluginError

STYLESHEET = "stylesheets/notebook.css"
MIN_TEXT_PX = 9  # the smallest figure text on a phone, as for the other figures of the site
_executed: dict[str, object] = {}  # notebook source path -> executed notebook (this build)
CACHE = Path(".cache") / "notebooks"  # executed notebooks kept by `mkdocs serve`, beside mkdocs.yml
_serving = False  # `mkdocs serve` (on_startup)
_cache: Path | None = None  # the cache of this build: under `mkdocs serve` only

# Script tags with an empty or off-site src, and inline scripts that configure MathJax or
# import a module from another host.
INJECTED_SCRIPT = re.compile(
    r'<script[^>]*\bsrc="(?:|https?://[^"]*|//[^"]*)"[^>]*>\s*</script>'
    r"|<script[^>]*>(?:(?!</script>).)*(?:MathJax|import\(\s*[\"']https?://)(?:(?!</script>).)*</script>",
    re.S,
)
STYLE = re.compile(r"<style[^>]*>.*?</style>", re.S)
COMMENT = re.compile(r"<!--.*?-->", re.S)
SVG_IMG = re.compile(r'<img(?=[^>]*\bsrc="data:image/svg\+xml;base64,([^"]*)")[^>]*>')
EMPTY_DIV = re.compile(r'<div class="jp-(?:Collapser|InputPrompt|OutputPrompt)[^"]*">\s*</div>')
NUMBER = re.compile(r"-?\d+\.\d+")
MARKDOWN_LINK = re.compile(r"(\]\()([^)\s]+)(\))")


# ---- The notebook: execution and normalisation ------------------------------------------

def execute(nb, allow_errors: bool = False, kernel_name: str = "", timeout: int = 600):
    """Run every cell of ``nb`` in a new kernel started in an empty temporary directory."""
    import nbclient

    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # nothing of this repository
    with tempfile.TemporaryDirectory(prefix="notebook-") as empty:
        client = nbclient.NotebookClient(
            nb, timeout=timeout, allow_errors=allow_errors, record_timing=False,
            kernel_name=kernel_name or nb.metadata.get("kernelspec", {}).get("name", "python3"),
            resources={"metadata": {"path": empty}},
        )
        client.execute(env=env)
    return nb


def normalize(nb):
    """Make an executed notebook the same bytes on every build, with accessible figures."""
    nb.metadata.pop("jupytext", None)
    figures = itertools.count(1)
    for position, cell in enumerate(nb.cells, start=1):
        cell["id"] = str(position)
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        cell.outputs = join_streams(cell.outputs)
        for output in cell.outputs:
            svg = output.get("data", {}).get("image/svg+xml")
            if svg is not None:
                output.data["image/svg+xml"] = figure_svg(svg, cell.metadata.get("alt"), f"f{next(figures)}-")
    return nb


def join_streams(outputs: list) -> list:
    """Join consecutive outputs of the same stream (stdout, stderr) into one, as printed."""
    joined: list = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (output.get("output_type") == "stream" and previous is not None
                and previous.get("output_type") == "stream" and previous.get("name") == output.get("name")):
            previous["text"] += output["text"]
        else:
            joined.append(output)
    return joined


def figure_svg(svg: str, alt: str | None, prefix: str) -> str:
    """A matplotlib SVG as it goes on the page: no XML prologue, comments or metadata (the
    creation date); ids renumbered with ``prefix`` (unique on the page, the same on every
    build) and unreferenced ones dropped; coordinates rounded to 0.1 px; and, with ``alt``,
    a ``<title>`` and an accessible name."""
    svg = svg[svg.index("<svg"):]
    svg = COMMENT.sub("", re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S))
    referenced = set(re.findall(r'(?:url\(#|href="#)([^")]+)', svg))
    names = {old: f"{prefix}{n}" for n, old in enumerate(dict.fromkeys(i for i in re.findall(r'\bid="([^"]+)"', svg) if i in referenced), 1)}
    svg = re.sub(r'\s\bid="([^"]+)"', lambda m: f' id="{names[m.group(1)]}"' if m.group(1) in names else "", svg)
    svg = re.sub(r'(url\(#|href="#)([^")]+)', lambda m: m.group(1) + names.get(m.group(2), m.group(2)), svg)
    svg = re.sub(r'(\s(?:d|x|y|x1|x2|y1|y2|width|height|points)=")([^"]*)"',
                 lambda m: m.group(1) + NUMBER.sub(_round, m.group(2)) + '"', svg)
    svg = re.sub(r">\s+<", "><", svg).strip()
    sizes = [float(s) for s in re.findall(r"font(?:-size)?: ([\d.]+)px", svg)]
    if sizes:  # never narrower than where its smallest text shows at MIN_TEXT_PX (it scrolls)
        width = float(re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+)', svg).group(1))
        svg = svg.replace("<svg ", f'<svg style="min-width: {math.ceil(MIN_TEXT_PX * width / min(sizes))}px" ', 1)
    if alt:
        label = html.escape(alt, quote=True)
        svg = re.sub(r"<svg\b[^>]*>", lambda m: f"{m.group()}<title>{label}</title>", svg, count=1)
        svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    return svg


def _round(match: re.Match) -> str:
    text = f"{float(match.group()):.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def absolute_links(nb, page_url: str):
    """A copy of ``nb`` whose Markdown links to other pages of the site are absolute."""
    import copy

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = MARKDOWN_LINK.sub(
                lambda m: m.group(1) + (m.group(2) if re.match(r"[a-z]+:|#|/", m.group(2)) else urljoin(page_url, m.group(2))) + m.group(3),
                cell.source)
    return nb


def cache_key(nb_text: str, requirements: Path, **options) -> str:
    """What an execution's output depends on: the notebook's text, the pinned requirements, the
    Python version and the execution options. A notebook imports nothing from this repository:
    it runs in an empty folder without PYTHONPATH (``execute``)."""
    parts = [nb_text, requirements.read_text(encoding="utf-8") if requirements.is_file() else "",
             sys.version, repr(sorted(options.items()))]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


def executed(nb_path, cache: Path | None = None, **options):
    """The notebook at ``nb_path``, executed: from ``cache`` when it holds an execution of the
    same key (see ``cache_key``; the requirements are ``requirements.txt`` two folders above
    ``cache``), else run now (and stored in ``cache``, if given)."""
    import jupytext
    import nbformat

    text = Path(nb_path).read_text(encoding="utf-8")
    options = {"allow_errors": options.get("allow_errors", False), "kernel_name": options.get("kernel_name", "")}
    key = cache_key(text, cache.parent.parent / "requirements.txt", **options) if cache else ""
    stored = cache / f"{Path(nb_path).stem}-{key}.ipynb" if cache else None
    if stored is not None and stored.is_file():
        return nbformat.read(stored, as_version=4)
    nb = execute(jupytext.reads(text, fmt=Path(nb_path).suffix.lstrip(".") or "py"), **options)
    if stored is not None:
        stored.parent.mkdir(parents=True, exist_ok=True)
        for old in stored.parent.glob(f"{Path(nb_path).stem}-*.ipynb"):
            if re.fullmatch(rf"{re.escape(Path(nb_path).stem)}-[0-9a-f]{{32}}\.ipynb", old.name):
                old.unlink()  # one execution kept per notebook
        partial = stored.with_suffix(".partial")
        nbformat.write(nb, partial)
        partial.replace(stored)
    return nb


def render(nb_path, execute_notebook: bool = False, **options):
    """mkdocs-jupyter's ``nb2html`` on the notebook this hook executed and normalised."""
    import jupytext
    import nbformat

    nb = executed(nb_path, _cache, **options) if execute_notebook else jupytext.read(nb_path)
    _executed[str(nb_path)] = normalize(nb)
    with tempfile.TemporaryDirectory(prefix="notebook-") as folder:
        path = Path(folder) / (Path(nb_path).stem + ".ipynb")
        nbformat.write(nb, path)
        return _nb2html(str(path), execute=False, **options)


def _nb2html(*args, **kwargs):  # mkdocs-jupyter's converter, kept before on_config replaces it
    raise PluginError("notebook_pages: on_config has not run")


# ---- The page ---------------------------------------------------------------------------

def lean_html(html_text: str) -> str:
    """The notebook's HTML without the converter's inlined styles and off-site scripts, with
    figures as inline SVG, no empty prompt or collapser boxes, and Material's header links."""
    html_text = STYLE.sub("", strip_injected_scripts(html_text))
    html_text = COMMENT.sub("", html_text)
    html_text = SVG_IMG.sub(lambda m: base64.b64decode(m.group(1)).decode("utf-8"), html_text)
    html_text = EMPTY_DIV.sub("", html_text)
    # Figures scroll like the site's other figures (site.css: .jfig), on a white panel
    # (.jfig-colour: colours carry meaning, so the dark palette does not invert them).
    html_text = html_text.replace('class="jp-RenderedSVG ', 'class="jfig jfig-colour jp-RenderedSVG ')
    return html_text.replace('class="anchor-link"', 'class="headerlink"')


def strip_injected_scripts(html_text: str) -> str:
    """Remove MathJax loaders/configuration and script tags with an empty or off-site src."""
    return INJECTED_SCRIPT.sub("", html_text)


def colab_url(repo_url: str | None, edit_uri: str | None, src_uri: str) -> str | None:
    """Colab's address for the ``.ipynb`` twin of ``docs/<src_uri>`` in a GitHub repository, on
    the branch (and docs folder) that ``edit_uri`` names (MkDocs' ``edit/<branch>/docs/``)."""
    match = re.fullmatch(r"https?://github\.com/([^/]+)/([^/]+?)(?:\.git)?/?", repo_url or "")
    if not match:
        return None
    where = re.fullmatch(r"/?(?:edit|blob|tree)/([^/]+)/(.*?)/?", edit_uri or "")
    branch, docs = (where.group(1), where.group(2)) if where else ("main", "docs")
    path = "/".join(p for p in (docs, src_uri.rsplit(".", 1)[0] + ".ipynb") if p)
    return f"https://colab.research.google.com/github/{match.group(1)}/{match.group(2)}/blob/{branch}/{path}"


def _is_notebook(page) -> bool:
    return page.file.src_uri.endswith((".ipynb", ".py"))


def on_startup(command, dirty):
    # `mkdocs serve` reuses executions of unchanged notebooks; `mkdocs build` (and the tests)
    # always execute every notebook.
    global _serving
    _serving = command == "serve"


def on_config(config):
    import mkdocs_jupyter.convert as convert

    global _nb2html, _cache
    _cache = Path(config.config_file_path).parent / CACHE if _serving else None
    _nb2html = getattr(convert.nb2html, "__wrapped__", convert.nb2html)  # also after a reload
    _render.__wrapped__ = _nb2html
    convert.nb2html = _render
    _executed.clear()
    return config


def _render(nb_path, execute=False, **options):
    return render(nb_path, execute_notebook=execute, **options)


def on_files(files, config):
    # The .ipynb twins are for Colab (it opens them from the repository); the site offers the
    # executed notebook instead.
    for file in [f for f in files if f.src_uri.startswith("notebooks/") and f.src_uri.endswith(".ipynb")]:
        files.remove(file)
    return files


def on_page_content(html_text: str, page, config, files) -> str:
    # Before the search index and the printable edition read the page's content.
    return lean_html(html_text) if _is_notebook(page) else html_text


def on_page_context(context, page, config, nav):
    if _is_notebook(page):
        page.colab_url = colab_url(config.repo_url, config.edit_uri, page.file.src_uri)
    return context


def on_post_page(output: str, page, config) -> str:
    if not _is_notebook(page):
        return output
    nb = _executed.get(str(page.file.abs_src_path))
    if nb is None:
        raise PluginError(f"{page.file.src_uri}: no executed notebook (is the mkdocs-jupyter cache on? it must be off)")
    import nbformat

    target = Path(page.file.abs_dest_path).parent / (Path(page.file.src_uri).stem + ".ipynb")
    target.parent.mkdir(parents=True, exist_ok=True)
    page_url = urljoin(config.site_url or "/", page.url)
    target.write_text(nbformat.writes(absolute_links(nb, page_url)) + "\n", encoding="utf-8")
    css = mkdocs.utils.get_relative_url(STYLESHEET, page.url)
    return output.replace("</head>", f'<link rel="stylesheet" href="{css}">\n</head>', 1)
