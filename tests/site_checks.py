"""Checks of a built site as a reader meets it, written as plain functions.

Each ``*_problems`` function returns a list of messages, one per defect, each starting with the
page or file it concerns (``/jacobian/``); an empty list means the check passed. The tests run
them on the real site and on small hand-made broken sites (tests/test_site_checks.py), so each
check is itself tested.

Static checks read the HTML files: internal links and anchors, and the shown code. Every Python
block a page shows is the text of an example file under ``snippets/`` (or of a named section of
one, for a short chain of blocks that share state, each later block titled "Continued...");
:func:`run_example` runs such a file alone in a fresh interpreter from an empty directory and
compares what it prints with what the page shows. Browser checks read what
:func:`visit_pages` collected from each page in headless Chromium (one configuration:
:data:`CHROMIUM_ARGS`), from a site served by :func:`serve`.
"""

from __future__ import annotations

import difflib
import functools
import gzip
import http.server
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

# ---------------------------------------------------------------------------------------------
# Serving a site and the browser that visits it

# Debian's Chromium, run as root, with no background traffic to hosts this machine cannot reach.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def find_chromium() -> str | None:
    """A Chromium for Playwright: $CHROMIUM, else Debian's, else None (Playwright's own)."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output clean
        pass


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve a folder on 127.0.0.1 (a free port) in a background thread; the server and its URL.
    Stop it with ``server.shutdown()``."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


# ---------------------------------------------------------------------------------------------
# Pages


def reader_pages(site: Path) -> list[str]:
    """Every HTML page of a built site as a URL path relative to its root (``jacobian/``,
    ``404.html``), found by walking the folder."""
    return sorted(
        p.relative_to(site).as_posix().removesuffix("index.html") for p in Path(site).rglob("*.html")
    )


def source_pages(root: Path) -> list[str]:
    """The URL path of every page the site should have, told by its sources: each Markdown
    page of ``docs/`` and each notebook (``docs/notebooks/*.py``), plus ``404.html``. The tests
    check that the built site has exactly these and the printable edition (:func:`reader_pages`)."""
    docs = Path(root) / "docs"
    paths = ["404.html"]
    for md in docs.rglob("*.md"):
        rel = md.relative_to(docs).with_suffix("").as_posix()
        paths.append("" if rel == "index" else rel.removesuffix("/index") + "/")
    paths += [nb.relative_to(docs).with_suffix("").as_posix() + "/" for nb in (docs / "notebooks").glob("*.py")]
    return sorted(paths)


def page_name(path: str) -> str:
    """How messages name a page: its URL path from the site root."""
    return "/" + path


def _page_file(site: Path, path: str) -> Path:
    return site / (path + "index.html" if path == "" or path.endswith("/") else path)


def read_page(site: Path, path: str) -> str:
    """The HTML of the page at URL path ``path`` of a built site."""
    return _page_file(site, path).read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Parsing the HTML (standard library only)

LINK_ATTRS = {
    "a": ("href",),
    "link": ("href",),
    "script": ("src",),
    "img": ("src",),
    "source": ("src",),
    "iframe": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
}
PYTHON_LANGUAGES = {"language-python", "language-py", "language-python3"}


@dataclass
class CodeBlock:
    """One code block as Material's copy button copies it."""

    page: str  # URL path of the page
    index: int  # position among the page's code blocks (Material's __code_N)
    language: str | None  # "python", "text", ... (from pygments_lang_class), None if unknown
    title: str  # the block's title (``title="..."`` on the fence), "" if none
    text: str  # what the copy button copies
    output: str | None = None  # the text block directly after it (its shown output), if any
    notebook: bool = False  # a notebook cell (mkdocs-jupyter's copy button), not a Material block

    @property
    def is_python(self) -> bool:
        return f"language-{self.language}" in PYTHON_LANGUAGES

    @property
    def continued(self) -> bool:
        """Runs after the blocks before it: says so in its title, or is a notebook cell."""
        return self.notebook or self.title.strip().lower().startswith("continued")

    @property
    def where(self) -> str:
        kind = "notebook cell" if self.notebook else "code block"
        return f"{page_name(self.page)} {kind} {self.index + 1}" + (f" ({self.title!r})" if self.title else "")


class _PageParser(HTMLParser):
    """Collects ids, link targets and code blocks (``div.highlight > pre > code``) of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (tag, url)
        self.blocks: list[dict] = []
        self._stack: list[tuple[str, dict]] = []
        self._block: dict | None = None  # the highlight div being read
        self._in_code = 0
        self._in_title = False
        self._last_closed_block: dict | None = None  # for "the element right after a block"

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        for key in ("id", "name") if tag == "a" else ("id",):
            if a.get(key):
                self.ids.add(a[key])
        for attr in LINK_ATTRS.get(tag, ()):
            if attr in a:
                self.links.append((tag, a[attr]))
        classes = a.get("class", "").split()
        if tag == "div" and "clipboard-copy-txt" in classes and self._block is None:
            # mkdocs-jupyter: the text its copy button (<clipboard-copy for=id>) copies
            self._block = {"language": "python", "title": "", "text": [], "depth": len(self._stack),
                           "follows_block": False, "notebook": True}
            self._in_code += 1
        elif tag == "div" and "highlight" in classes and self._block is None:
            language = next((c.removeprefix("language-") for c in classes if c.startswith("language-")), None)
            self._block = {"language": language, "title": "", "text": [], "depth": len(self._stack),
                           "follows_block": self._last_closed_block is not None}
        elif self._block is not None:
            if tag == "code" and self._stack and self._stack[-1][0] == "pre":
                self._in_code += 1
            elif tag == "span" and "filename" in classes:
                self._in_title = True
        else:
            self._last_closed_block = None  # another element between two blocks
        if tag not in self.VOID:
            self._stack.append((tag, a))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID and self._stack and self._stack[-1][0] == tag:
            self._stack.pop()

    def handle_endtag(self, tag: str) -> None:
        # Pop to the matching open tag (tolerates unclosed <p>, <li>, ...)
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break
        else:
            return
        if self._block is None:
            return
        if tag == "code" and self._in_code:
            self._in_code -= 1
        elif tag == "span" and self._in_title:
            self._in_title = False
        elif tag == "div" and len(self._stack) == self._block["depth"]:
            block = self._block
            self._block = None
            self._in_code = 0
            block["text"] = "".join(block["text"])
            self.blocks.append(block)
            self._last_closed_block = block

    def handle_data(self, data: str) -> None:
        if data.strip() and self._block is None:
            self._last_closed_block = None  # text between blocks: they are not adjacent
        if self._block is None:
            return
        if self._in_code:
            self._block["text"].append(data)
        elif self._in_title:
            self._block["title"] += data


def parse_page(text: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    return parser


def code_blocks(page_html: str, page: str = "") -> list[CodeBlock]:
    """The code blocks of a page, each with the text its copy button copies (Material copies
    the ``code`` element's text, trailing whitespace removed), and the output shown under it."""
    raw = parse_page(page_html).blocks
    blocks: list[CodeBlock] = []
    counts = {False: 0, True: 0}
    for b in raw:
        notebook = b.get("notebook", False)
        text = b["text"] if notebook else b["text"].rstrip()  # clipboard-copy: textContent as is
        blocks.append(CodeBlock(page=page, index=counts[notebook], language=b["language"],
                                title=b["title"].strip(), text=text, notebook=notebook))
        counts[notebook] += 1
    for i, block in enumerate(blocks[:-1]):
        nxt = raw[i + 1]
        if block.is_python and not block.notebook and nxt["language"] == "text" and nxt["follows_block"] and not nxt["title"]:
            block.output = blocks[i + 1].text
    return blocks


# ---------------------------------------------------------------------------------------------
# Links and anchors

SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "blob:", "about:")
_LOCAL = "http://site.invalid/"


def link_problems(site: Path, site_url: str = "") -> list[str]:
    """Every internal link and anchor of every page resolves to a file (and an element id).

    Internal: relative URLs, root-absolute URLs, and absolute URLs under ``site_url`` (the
    configured address, used by ``<link rel="canonical">``). External links are not followed.
    """
    site = Path(site)
    parsed: dict[Path, _PageParser] = {}

    def page_of(file: Path) -> _PageParser:
        if file not in parsed:
            parsed[file] = parse_page(file.read_text(encoding="utf-8"))
        return parsed[file]

    prefix = urlsplit(site_url).path or "/"  # a site published under a sub-path: /jacobians/
    problems: list[str] = []
    for path in reader_pages(site):
        file = _page_file(site, path)
        seen: set[str] = set()
        for tag, url in page_of(file).links:
            url = url.strip()
            if not url or url.startswith(SKIP_SCHEMES) or url in seen:
                continue
            seen.add(url)
            if site_url and url.startswith(site_url):
                target = _LOCAL + url[len(site_url):]
            elif prefix != "/" and url.startswith(prefix):  # root-absolute, under the site's path
                target = _LOCAL + url[len(prefix):]
            else:
                target = urljoin(_LOCAL + path, url)
            parts = urlsplit(target)
            if f"{parts.scheme}://{parts.netloc}/" != _LOCAL:
                continue  # external
            rel = unquote(parts.path).lstrip("/")
            dest = site / rel
            if dest.is_dir():
                dest = dest / "index.html"
            if not dest.is_file() or not dest.resolve().is_relative_to(site.resolve()):
                problems.append(f"{page_name(path)}: <{tag}> {url!r} points to a missing file /{rel}")
                continue
            fragment = unquote(parts.fragment)
            if fragment and dest.suffix == ".html" and fragment not in page_of(dest).ids:
                where = "this page" if dest == file else "/" + dest.relative_to(site).as_posix()
                problems.append(f"{page_name(path)}: <{tag}> {url!r}: no element with id {fragment!r} on {where}")
    return problems


# ---------------------------------------------------------------------------------------------
# Shown code: every Python block a page shows is an example file under snippets/ (or a section
# of one), and every example file runs alone, as copied, and prints what the page shows.

INCLUDE = re.compile(r'^[ \t]*--8<--[ \t]+"([^"]+)"[ \t]*$', re.M)
SECTION_MARK = re.compile(r"^\s*# --8<-- \[(start|end):([a-z][-_0-9a-z]*)\]\s*$")


def included_examples(root: Path) -> list[str]:
    """Every ``file`` or ``file:section`` that a Markdown page of ``docs/`` includes, in page order."""
    refs: list[str] = []
    for md in sorted((Path(root) / "docs").rglob("*.md")):
        refs += [r for r in INCLUDE.findall(md.read_text(encoding="utf-8")) if r not in refs]
    return refs


def example_text(root: Path, ref: str) -> str:
    """The text a page shows for an include: the whole file less its section markers, or one
    section dedented (as pymdownx.snippets includes it), trailing white space removed."""
    file, _, section = ref.partition(":")
    lines = (Path(root) / file).read_text(encoding="utf-8").splitlines()
    if not section:
        return "\n".join(line for line in lines if not SECTION_MARK.match(line)).rstrip()
    inside, body = False, []
    for line in lines:
        mark = SECTION_MARK.match(line)
        if mark and mark.group(2) == section:
            inside = mark.group(1) == "start"
        elif inside and not mark:
            body.append(line)
    return textwrap.dedent("\n".join(body)).rstrip()


@dataclass
class Example:
    """An example file, and the blocks of the site that show it (or its sections)."""

    file: str  # path relative to the repository
    blocks: list[CodeBlock] = field(default_factory=list)

    @property
    def expected(self) -> str | None:
        """What the file prints when run alone: the outputs its blocks show, in order (None if
        a block shows no output)."""
        if not self.blocks or any(b.output is None for b in self.blocks):
            return None
        return "\n".join(b.output for b in self.blocks)


def shown_examples(site: Path, root: Path) -> tuple[dict[str, Example], list[str]]:
    """Match every Python block of the built site with the example file it shows.

    Problems: a block whose text is in no included file (nothing tests it), a section after
    the first of a file not marked as a continuation, pages without language classes.
    """
    refs = included_examples(root)
    by_text = {example_text(root, r): r for r in refs}
    examples = {r.partition(":")[0]: Example(r.partition(":")[0]) for r in refs}
    problems: list[str] = []
    for path in (p for p in reader_pages(site) if p != "print_page/"):  # the printable edition shows them again
        blocks = [b for b in code_blocks(_page_file(site, path).read_text(encoding="utf-8"), path) if not b.notebook]
        if blocks and all(b.language is None for b in blocks):
            problems.append(
                f"{page_name(path)}: its code blocks carry no language class, so Python blocks "
                "cannot be told from others: set `pygments_lang_class: true` under "
                "pymdownx.highlight in mkdocs.yml"
            )
            continue
        for block in (b for b in blocks if b.is_python):
            ref = by_text.get(block.text)
            if ref is None:
                problems.append(f"{block.where}: shows Python code that is in no example file under snippets/, "
                                "so no test runs it")
                continue
            example = examples[ref.partition(":")[0]]
            if example.blocks and ":" in ref and not block.continued:
                problems.append(f"{block.where}: shows a later section of {example.file} (it runs after the "
                                "sections before it) without a title starting with 'Continued'")
            example.blocks.append(block)
    return examples, problems


def _normalize_output(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def _error_lines(stderr: str, file: str) -> str:
    """The lines of a traceback that name the failing place in ``file`` and the error itself,
    whatever else the Python version adds (3.13 prints more lines than 3.11)."""
    lines = stderr.strip().splitlines()
    name = Path(file).name
    keep = [i for i, line in enumerate(lines) if line.lstrip().startswith("File ") and name in line]
    picked = [lines[keep[-1]], lines[keep[-1] + 1]] if keep and keep[-1] + 1 < len(lines) else []
    return "\n".join(picked + lines[-1:])


def run_example(path: Path, expected: str | None = None, python: str = sys.executable, timeout: float = 300) -> str | None:
    """Run one file alone (``python -I``: no PYTHONPATH, no user site, not even its own folder on
    the path) from a new empty directory; a problem message, or None."""
    with tempfile.TemporaryDirectory(prefix="example-") as empty:
        env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR") if k in os.environ}
        env["MPLBACKEND"] = "Agg"
        try:
            result = subprocess.run([python, "-I", str(path)], cwd=empty, env=env, capture_output=True, text=True,
                                    timeout=timeout)
        except subprocess.TimeoutExpired:
            return f"{path.name}: still running after {timeout:.0f} s in a fresh interpreter"
    if result.returncode != 0:
        return (f"{path}: fails when run alone in a fresh interpreter (exit {result.returncode}):\n"
                + _error_lines(result.stderr or result.stdout, str(path)))
    if expected is not None:
        got, want = _normalize_output(result.stdout), _normalize_output(expected)
        if got != want:
            diff = "\n".join(difflib.unified_diff(want.splitlines(), got.splitlines(), "shown on the page", "printed", lineterm=""))
            return f"{path}: prints something other than the output the page shows:\n{diff}"
    return None


def notebook_cell_problems(site: Path, source: Path, page: str) -> list[str]:
    """The cells a notebook page shows (and copies) are the code cells of its source, in order."""
    import jupytext

    cells = [c.source.rstrip() for c in jupytext.read(source).cells if c.cell_type == "code"]
    shown = [b.text.rstrip() for b in code_blocks(_page_file(site, page).read_text(encoding="utf-8"), page) if b.notebook]
    if shown == cells:
        return []
    for i, (a, b) in enumerate(zip(cells, shown)):
        if a != b:
            return [f"{page_name(page)}: notebook cell {i + 1} shows other code than {source.name}:\n{b[:200]!r}"]
    return [f"{page_name(page)}: shows {len(shown)} code cells, {source.name} has {len(cells)}"]

# ---------------------------------------------------------------------------------------------
# Reproducible output

_LASTMOD = re.compile(rb"<lastmod>[^<]*</lastmod>")


def _comparable(path: Path) -> bytes:
    """A file's bytes, minus what a build stamps with its date: sitemap.xml's <lastmod> (the
    build date, from SOURCE_DATE_EPOCH or the clock) and the gzip header of sitemap.xml.gz
    (whose mtime field is that date), whose contents are compared instead."""
    data = path.read_bytes()
    if path.name == "sitemap.xml.gz":
        data = gzip.decompress(data)
    if path.name.startswith("sitemap.xml"):
        data = _LASTMOD.sub(b"<lastmod></lastmod>", data)
    return data


def tree_differences(a: Path, b: Path) -> list[str]:
    """Files that differ between two site trees (missing on one side, or other bytes)."""
    a, b = Path(a), Path(b)
    files_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    problems = [f"/{f}: only in the first build" for f in sorted(files_a - files_b)]
    problems += [f"/{f}: only in the second build" for f in sorted(files_b - files_a)]
    for f in sorted(files_a & files_b):
        da, db = _comparable(a / f), _comparable(b / f)
        if da != db:
            problems.append(f"/{f}: differs between two builds{_first_difference(da, db)}")
    return problems


def _first_difference(da: bytes, db: bytes) -> str:
    i = next((k for k, (x, y) in enumerate(zip(da, db)) if x != y), min(len(da), len(db)))
    show = lambda d: d[max(0, i - 60) : i + 60].decode("utf-8", "replace")  # noqa: E731
    return f" (first at byte {i}):\n  first:  ...{show(da)}...\n  second: ...{show(db)}..."


# ---------------------------------------------------------------------------------------------
# In the browser

# TeX that should have been rendered: a control word, \( \) \[ \] delimiters, $$, or $...$
# holding TeX-ish characters. Only text outside code, KaTeX output and scripts is searched.
RAW_TEX = re.compile(r"\\[A-Za-z]+|\\[()\[\]]|\$\$|\$[^$\s][^$\n]{0,200}?[\\^_{}][^$\n]{0,200}?\$")

# Text nodes a reader sees as prose (not code, not rendered math, not the code a notebook cell's copy
# button copies), the page title included.
PROSE_JS = """() => {
  const skip = 'pre, code, kbd, samp, script, style, noscript, textarea, template, .katex, .arithmatex, .clipboard-copy-txt';
  const out = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (el && !el.closest(skip) && n.textContent.trim()) out.push(n.textContent);
  }
  return out;
}"""

_MATH_JS = """async () => {
  await document.fonts.ready;
  const katex = [...document.querySelectorAll('.katex')];
  const empty = katex.filter(k => { const r = k.getBoundingClientRect(); return r.width === 0 && r.height === 0
      && !k.closest('details:not([open])') && k.offsetParent !== null; }).length;
  const fonts = [...document.fonts].filter(f => f.family.replace(/"/g, '') === 'KaTeX_Main');
  return {
    katex: katex.length,
    errors: [...document.querySelectorAll('.katex-error')].map(e => e.getAttribute('title') || e.textContent),
    unrendered: [...document.querySelectorAll('.arithmatex, script[type^="math/tex"]')].map(e => e.textContent.slice(0, 80)),
    empty: empty,
    katex_font_loaded: fonts.some(f => f.status === 'loaded'),
  };
}"""

# Material's copy button (clipboard integration): the target's innerText while it carries
# data-md-copying (which hides annotations), or the closest [data-copy], trailing space removed.
# mkdocs-jupyter's <clipboard-copy for=id> copies the textContent of the element with that id.
_COPY_JS = """() => [...document.querySelectorAll('[data-clipboard-target], clipboard-copy[for]')].map(b => {
  if (b.matches('clipboard-copy')) {
    const el = document.getElementById(b.getAttribute('for'));
    return ['notebook', el ? el.textContent : null];
  }
  const el = document.querySelector(b.getAttribute('data-clipboard-target'));
  if (!el) return ['material', null];
  el.setAttribute('data-md-copying', '');
  const holder = el.closest('[data-copy]');
  const text = holder ? holder.getAttribute('data-copy') : el.innerText;
  el.removeAttribute('data-md-copying');
  return ['material', text.trimEnd()];
})"""

# A reader opens collapsed blocks (exercise solutions) before reading or copying them.
_OPEN_DETAILS_JS = "() => document.querySelectorAll('details:not([open])').forEach(d => { d.open = true; })"

_PALETTE_JS = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
      .reduce((acc, v, i) => acc + v * [0.2126, 0.7152, 0.0722][i], 0);
  const body = getComputedStyle(document.body);
  const main = document.querySelector('.md-content, main, article') || document.body;
  return {
    scheme: document.body.getAttribute('data-md-color-scheme'),
    background: lum(rgb(body.backgroundColor)),
    background_css: body.backgroundColor,
    text: lum(rgb(getComputedStyle(main).color)),
  };
}"""


@dataclass
class PageReport:
    """What a reader's browser met on one page, in one colour scheme."""

    path: str
    scheme: str  # "light" or "dark" (prefers-color-scheme)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    offsite_requests: list[str] = field(default_factory=list)
    math: dict = field(default_factory=dict)
    prose: list[str] = field(default_factory=list)
    copied: list[tuple[str, str | None]] = field(default_factory=list)  # (kind of button, text)
    axe: list[dict] = field(default_factory=list)
    palette: dict = field(default_factory=dict)
    content: bool = False  # math, prose and copy texts collected

    @property
    def name(self) -> str:
        return page_name(self.path) + ("" if self.scheme == "light" else " (dark)")


def same_origin(url: str, origin: str) -> bool:
    """True if the URL stays on the site (or is inline data)."""
    if url.startswith(("data:", "blob:", "about:")):
        return True
    p, o = urlsplit(url), urlsplit(origin)
    return (p.scheme, p.netloc) == (o.scheme, o.netloc)


def watch(context, origin: str, offsite=lambda page, url: None) -> None:
    """Abort every request of ``context`` that leaves ``origin`` (nothing reaches the
    network), telling ``offsite(page, url)`` (page is None for a worker's request)."""

    def route(r):
        if same_origin(r.request.url, origin):
            r.continue_()
            return
        try:
            page = r.request.frame.page
        except Exception:  # a worker's request has no frame
            page = None
        offsite(page, r.request.url)
        r.abort("blockedbyclient")

    context.route("**/*", route)


class Tab:
    """One browser page, reused for one URL after another; what happens while it shows a URL
    goes into that URL's PageReport."""

    def __init__(self, context, base_url: str) -> None:
        self.base_url = base_url
        self.page = context.new_page()
        self.report = PageReport(path="", scheme="")
        p = self.page
        p.on("console", lambda m: self.report.console_errors.append(m.text) if m.type == "error" else None)
        p.on("pageerror", lambda e: self.report.page_errors.append(str(e)))
        p.on("requestfailed", lambda r: None if not same_origin(r.url, base_url)
             else self.report.failed_requests.append(f"{r.url} ({r.failure})"))
        p.on("response", lambda r: self.report.failed_requests.append(f"{r.url} (HTTP {r.status})")
             if r.status >= 400 else None)

    def open(self, path: str, scheme: str) -> PageReport:
        self.report = PageReport(path=path, scheme=scheme)
        self.page.goto(self.base_url + path, wait_until="load")
        return self.report


AXE_OPTIONS = {"resultTypes": ["violations"]}
# The axe rules whose outcome depends on colours: run again in the dark palette (every rule
# runs in the light one).
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def start_axe(page, axe_script: str, rules: list[str] | None = None) -> None:
    """Inject axe-core and start it without waiting, so several pages can run at once;
    ``rules``: only these (default: all of axe's default rules)."""
    options = dict(AXE_OPTIONS)
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    page.evaluate(axe_script)
    page.evaluate("opts => { window.__axe = axe.run(document, opts).then(r => r.violations); }", options)


def finish_axe(page) -> list[dict]:
    violations = page.evaluate("() => window.__axe")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [{"target": n["target"], "html": n["html"][:160], "summary": n.get("failureSummary", "")} for n in v["nodes"]]}
        for v in violations
    ]


def collect(page, report: PageReport, *, content: bool) -> None:
    """Read what the checks need from a loaded page (math, prose and copy texts if content)."""
    page.evaluate(_OPEN_DETAILS_JS)
    report.content = content
    if content:
        report.math = page.evaluate(_MATH_JS)
        report.prose = page.evaluate(PROSE_JS)
        report.copied = [tuple(x) for x in page.evaluate(_COPY_JS)]
    report.palette = page.evaluate(_PALETTE_JS)


def visit_pages(browser, base_url: str, paths: Iterable[str], scheme: str, *, axe_script: str | None,
                axe_rules: list[str] | None = None, content: bool = True, batch: int = 2) -> list[PageReport]:
    """Visit pages in one colour scheme (``light``/``dark``, as the reader's system prefers)
    in ``batch`` tabs, so that axe runs on that many pages at a time."""
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    tabs: list[Tab] = []
    unattributed: list[str] = []

    def offsite(page, url):
        tab = next((t for t in tabs if t.page == page), None)
        (tab.report.offsite_requests if tab else unattributed).append(url)

    watch(context, base_url, offsite)
    out: list[PageReport] = []
    paths = list(paths)
    try:
        tabs += [Tab(context, base_url) for _ in range(min(batch, len(paths)))]
        for start in range(0, len(paths), len(tabs)):
            group = list(zip(tabs, paths[start : start + len(tabs)]))
            for tab, path in group:
                collect(tab.page, tab.open(path, scheme), content=content)
                if axe_script:
                    start_axe(tab.page, axe_script, axe_rules)
            for tab, _ in group:
                if axe_script:
                    tab.report.axe = finish_axe(tab.page)
                # A request no page can be blamed for (a worker's) counts against the group
                tab.report.offsite_requests += unattributed
                out.append(tab.report)
            unattributed.clear()
    finally:
        context.close()
    return out


# -- checks on reports ---------------------------------------------------------------------------


def math_problems(reports: Iterable[PageReport]) -> list[str]:
    """Every formula rendered by KaTeX, no .katex-error, no raw TeX in the visible text."""
    problems = []
    for r in reports:
        if not r.content:
            continue
        m = r.math
        if m["errors"]:
            problems.append(f"{r.name}: {len(m['errors'])} .katex-error element(s): {m['errors'][:3]}")
        if m["unrendered"]:
            problems.append(f"{r.name}: formulas left unrendered: {m['unrendered'][:3]}")
        if m["empty"]:
            problems.append(f"{r.name}: {m['empty']} formula(s) rendered with no size")
        if m["katex"] and not m["katex_font_loaded"]:
            problems.append(f"{r.name}: has formulas but KaTeX's fonts did not load")
        raw = [hit for text in r.prose for hit in RAW_TEX.findall(text)]
        if raw:
            context = next(t for t in r.prose if RAW_TEX.search(t)).strip()[:120]
            problems.append(f"{r.name}: raw TeX visible in the text: {raw[:5]} (in {context!r})")
    return problems


def traffic_problems(reports: Iterable[PageReport]) -> list[str]:
    """No console errors, no page errors, no failed requests, nothing requested off the origin."""
    problems = []
    for r in reports:
        for label, items in (
            ("requests off the site's origin", r.offsite_requests),
            ("page errors", r.page_errors),
            ("failed requests", r.failed_requests),
            ("console errors", r.console_errors),
        ):
            if items:
                problems.append(f"{r.name}: {label}: {sorted(set(items))[:5]}")
    return problems


SERIOUS = {"serious", "critical"}


def accessibility_problems(reports: Iterable[PageReport], impacts: set[str] = SERIOUS) -> list[str]:
    """axe-core: no violation of serious or critical impact."""
    problems = []
    for r in reports:
        for v in r.axe:
            if v["impact"] in impacts:
                nodes = "; ".join(f"{n['target']} {n['html']!r}" for n in v["nodes"][:3])
                more = f" (+{len(v['nodes']) - 3} more)" if len(v["nodes"]) > 3 else ""
                problems.append(f"{r.name}: axe {v['id']} ({v['impact']}): {v['help']}: {nodes}{more}")
    return problems


def palette_problems(reports: Iterable[PageReport]) -> list[str]:
    """Light pages show Material's default scheme on a light background; dark pages the slate
    scheme on a dark one; and the text contrasts with the background."""
    expected = {"light": ("default", lambda lum: lum > 0.7), "dark": ("slate", lambda lum: lum < 0.1)}
    problems = []
    for r in reports:
        p = r.palette
        scheme, ok = expected[r.scheme]
        if p.get("scheme") != scheme:
            problems.append(f"{r.name}: data-md-color-scheme is {p.get('scheme')!r}, expected {scheme!r}")
        elif not ok(p["background"]):
            problems.append(f"{r.name}: background {p['background_css']} does not look like the {r.scheme} palette")
        elif (max(p["background"], p["text"]) + 0.05) / (min(p["background"], p["text"]) + 0.05) < 4.5:
            problems.append(f"{r.name}: body text hardly contrasts with the background")
    return problems


@dataclass
class PaletteShots:
    images: dict[str, bytes]  # PNG screenshots by palette
    problems: list[str]


def palette_screenshots(browser, base_url: str, path: str) -> PaletteShots:
    """Screenshot one page in the light and the dark palette, and check that the palette
    toggle switches the light page to the dark palette."""
    images: dict[str, bytes] = {}
    problems: list[str] = []
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
        watch(context, base_url)
        try:
            page = context.new_page()
            page.goto(base_url + path, wait_until="load")
            page.evaluate("document.fonts.ready")
            images[scheme] = page.screenshot()
            if scheme == "light":
                toggle = page.locator('form[data-md-component="palette"] label:not([hidden])')
                if toggle.count() != 1:
                    problems.append(f"{page_name(path)}: {toggle.count()} visible palette toggles, expected 1")
                else:
                    toggle.click()
                    after = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
                    if after != "slate":
                        problems.append(f"{page_name(path)}: the palette toggle switched to {after!r}, not 'slate'")
                    images["light-toggled"] = page.screenshot()
        finally:
            context.close()
    if images.get("light") == images.get("dark"):
        problems.append(f"{page_name(path)}: looks the same in the light and the dark palette")
    return PaletteShots(images, problems)


def copy_button_problems(site: Path, reports: Iterable[PageReport]) -> list[str]:
    """What each copy button copies in the browser is the block text the static copy-paste
    check runs (so that check runs what a reader pastes)."""
    problems = []
    for r in reports:
        if not r.content:
            continue
        static = code_blocks(_page_file(site, r.path).read_text(encoding="utf-8"), r.path)
        # Compare each kind of button (Material's, mkdocs-jupyter's) in its own order
        static = [b for b in static if not b.notebook] + [b for b in static if b.notebook]
        copied = [t for k, t in r.copied if k == "material"] + [t for k, t in r.copied if k == "notebook"]
        if len(copied) != len(static):
            problems.append(f"{r.name}: {len(copied)} copy buttons for {len(static)} code blocks")
            continue
        for block, text in zip(static, copied):
            if text != block.text:
                diff = "\n".join(difflib.unified_diff(block.text.splitlines(), (text or "").splitlines(), "in the HTML", "copied", lineterm=""))
                problems.append(f"{block.where}: the copy button copies other text than the block shows:\n{diff}")
    return problems
