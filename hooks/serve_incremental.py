"""MkDocs hook: under ``mkdocs serve --dirty`` (``make serve``) an edit rebuilds only what it
affects, and nothing served is ever stale.

- A page edit: MkDocs' own ``--dirty`` re-renders only pages whose source is newer than their
  output (``File.is_modified``); everything else (nav, sitemap, static files, search index,
  ``on_post_build`` hooks) still runs for the whole site.
- A file a page depends on: a page depends on every file it includes (``--8<-- "file"``,
  ``"file.py:section"``, and, recursively, what an included Markdown file includes) and every
  ``snippets`` module its Markdown imports (the build-time code of ``exec="on"`` blocks),
  transitively through the modules those import, their packages' ``__init__.py``, and sibling
  files a module names (``runpy.run_path("x.py")``). Before each build the hook compares
  these files' contents with the last build's; the output of each page that depends on a
  changed file is marked out of date (its modification time set to 0), so ``--dirty``
  re-renders it. Build-time code runs in this process (markdown-exec): every ``snippets``
  module is dropped from ``sys.modules`` before each build, so the code that runs is the code
  on disk, and markdown-exec's sessions start empty.
- Whole-site changes rebuild everything: ``mkdocs.yml``, ``hooks/``, ``overrides/`` or
  ``requirements.txt`` changed, a page added or removed, or a page's title changed (titles
  appear in other pages' navigation). Edited hooks are re-executed before the build (MkDocs
  loads a hook once per process).
- The search index: Material keeps the entries of pages not rebuilt, but only for one rebuilt
  page; this hook assembles it from the rebuilt pages' entries and the last build's entries
  of the others, in page order, as a full build writes it.
- Fixed costs of every rebuild, under ``mkdocs serve`` only: the theme's Jinja environment
  (compiled templates, the list of theme files) is kept until a template under ``overrides/``
  changes, and mkdocs-jupyter no longer reads every Markdown page to look for a notebook
  (its ``include`` names ``.py`` notebooks only).

Notebooks are executed by ``notebook_pages.py``, which, under ``mkdocs serve`` only, reuses a
previous execution of the same notebook text with the same requirements (``.cache/``).
``mkdocs build`` is untouched: every page is rendered, every notebook executed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sys
import types
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.serve_incremental")

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "snippets"
# Inputs of every page: a change rebuilds the whole site.
SITE_WIDE = ("mkdocs.yml", "requirements.txt", "hooks", "overrides")

# --8<-- "file" (inline) and the block form: --8<-- / one file per line / --8<--
INCLUDE = re.compile(r'^[ \t]*-{1,}8<-{1,}[ \t]+(["\'])([^"\'\n]+)\1', re.M)
INCLUDE_BLOCK = re.compile(r"^[ \t]*-{1,}8<-{1,}[ \t]*\n(.*?)^[ \t]*-{1,}8<-{1,}[ \t]*$", re.M | re.S)
IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+(snippets(?:\.\w+)*)[ \t]+import[ \t]+\(?([\w \t,]+)|import[ \t]+(snippets(?:\.\w+)*))", re.M)
FILE_NAME = re.compile(r"""["']([\w.-]+\.\w+)["']""")
RELATIVE_IMPORT = re.compile(r"^[ \t]*from[ \t]+(\.+)([\w.]*)[ \t]+import[ \t]+\(?([\w \t,]+)", re.M)
_IMPORTS: dict[tuple, set[Path]] = {}  # (file, mtime, size) -> its direct dependencies
_HASHES: dict[str, tuple] = {}  # file -> ((mtime, size), sha1 of its bytes)


# ---- The dependency map (pure functions of the files on disk) --------------------------

def module_file(name: str, root: Path = ROOT) -> Path | None:
    """The file of module ``name`` (``snippets.a.b`` -> snippets/a/b.py or .../b/__init__.py)."""
    base = root.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _packages(name: str, root: Path) -> set[Path]:
    """The files that importing ``name`` runs: the module and every enclosing package."""
    parts = name.split(".")
    found = (module_file(".".join(parts[:i]), root) for i in range(1, len(parts) + 1))
    return {p for p in found if p is not None}


def imported_modules(text: str, root: Path = ROOT) -> set[Path]:
    """The ``snippets`` files that code in ``text`` imports directly (with their packages):
    ``from snippets.a import b`` is ``snippets/a`` and, if it is a module, ``snippets/a/b``."""
    found: set[Path] = set()
    for m in IMPORT.finditer(text):
        module = m.group(1) or m.group(3)
        found |= _packages(module, root)
        for name in (m.group(2) or "").replace("(", " ").split(","):
            name = name.split()[0] if name.split() else ""
            if name and module_file(f"{module}.{name}", root):
                found |= _packages(f"{module}.{name}", root)
    return found


def _python_imports(path: Path, root: Path) -> set[Path]:
    """Direct dependencies of one Python file: the ``snippets`` modules it imports (absolute or
    relative) and sibling files it names in a string, such as ``run_path("hutchinson.py")``."""
    stat = path.stat()
    key = (path, stat.st_mtime_ns, stat.st_size)
    if key not in _IMPORTS:
        text = path.read_text(encoding="utf-8")
        found = imported_modules(text, root)
        package = path.parent.relative_to(root).parts  # the enclosing package
        for dots, module, names in RELATIVE_IMPORT.findall(text):  # from . import x, from ..a import b
            base = ".".join(package[: len(package) - len(dots) + 1] + ((module,) if module else ()))
            found |= _packages(base, root)
            for name in names.replace("(", " ").split(","):
                if name.split() and module_file(f"{base}.{name.split()[0]}", root):
                    found |= _packages(f"{base}.{name.split()[0]}", root)
        found |= {path.parent / n for n in FILE_NAME.findall(text) if (path.parent / n).is_file() and n != path.name}
        _IMPORTS[key] = found
    return _IMPORTS[key]


def python_closure(paths: set[Path], root: Path = ROOT) -> set[Path]:
    """``paths`` and every file they import, transitively."""
    seen: set[Path] = set()
    todo = [p.resolve() for p in paths]
    while todo:
        path = todo.pop()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        if path.suffix == ".py":
            todo += [p.resolve() for p in _python_imports(path, root) - seen]
    return seen


def included_files(text: str, root: Path = ROOT) -> set[Path]:
    """Files ``text`` includes with pymdownx.snippets (base path: the repository), recursively
    through included files that are not Python (a Markdown file may include more)."""
    names = [m.group(2) for m in INCLUDE.finditer(text)]
    for block in INCLUDE_BLOCK.finditer(text):
        names += [line.strip() for line in block.group(1).splitlines() if line.strip() and not line.strip().startswith(";")]
    found: set[Path] = set()
    for name in names:
        name = re.sub(r"(\.\w+)(?::[\w:,-]*)$", r"\1", name)  # file.py:section, file.md:3:9
        path = (root / name).resolve()
        if path.is_file() and path not in found:
            found.add(path)
            if path.suffix != ".py":
                found |= included_files(path.read_text(encoding="utf-8", errors="replace"), root)
    return found


def page_dependencies(text: str, root: Path = ROOT) -> set[Path]:
    """Every file outside docs/ whose content a page with Markdown (or notebook) ``text`` shows
    or runs at build time."""
    direct = included_files(text, root) | imported_modules(text, root)
    for path in [p for p in direct if p.suffix != ".py"]:
        direct |= imported_modules(path.read_text(encoding="utf-8", errors="replace"), root)
    return python_closure(direct, root) | direct


def dependency_map(docs_dir: Path, pages: list[str], root: Path = ROOT) -> dict[str, set[Path]]:
    """``{page src_uri: files it depends on}`` for the pages ``pages`` of ``docs_dir``."""
    return {uri: page_dependencies((docs_dir / uri).read_text(encoding="utf-8"), root) for uri in pages}


def affected_pages(deps: dict[str, set[Path]], changed: set[Path]) -> set[str]:
    """The pages that depend on a changed file."""
    changed = {p.resolve() for p in changed}
    return {uri for uri, files in deps.items() if files & changed}


def fingerprints(paths, root: Path = ROOT) -> dict[str, str]:
    """``{path relative to root: sha1 of its bytes}`` for files and every file under folders."""
    out: dict[str, str] = {}
    for path in paths:
        path = Path(path)
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else []
        for f in files:
            if "__pycache__" in f.parts or f.suffix == ".pyc":
                continue
            try:
                key = str(f.resolve().relative_to(root))
            except ValueError:
                key = str(f.resolve())
            stat = f.stat()
            seen = _HASHES.get(key)
            if seen is None or seen[0] != (stat.st_mtime_ns, stat.st_size):
                seen = _HASHES[key] = ((stat.st_mtime_ns, stat.st_size), hashlib.sha1(f.read_bytes()).hexdigest())
            out[key] = seen[1]
    return out


def changed_files(before: dict[str, str], after: dict[str, str], root: Path = ROOT) -> set[Path]:
    return {(root / k).resolve() for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


def drop_modules(package: str = PACKAGE) -> list[str]:
    """Forget every imported module of ``package``: the next import reads the file on disk."""
    names = [n for n in sys.modules if n == package or n.startswith(package + ".")]
    for name in names:
        del sys.modules[name]
    return names


# ---- State kept across the rebuilds of one `mkdocs serve` process ----------------------
# MkDocs reloads mkdocs.yml before each rebuild (and this module when a hook changes), so the
# state lives in a module of its own.

def _state() -> types.SimpleNamespace:
    module = sys.modules.get("_serve_incremental_state")
    if module is None:
        module = types.ModuleType("_serve_incremental_state")
        module.state = types.SimpleNamespace(
            serving=False, dirty=False, prints=None, titles={}, pages=None, hook_prints=None,
            building=set(), built_urls=set(), full=True, previous_index=None, page_urls=[],
            dests={}, new_titles={}, extra=set(), deps_cache={},
        )
        sys.modules[module.__name__] = module
    return module.state


class _QuietDirty(logging.Filter):
    """The warning that a dirty build gives inaccurate navigation: this hook makes it accurate."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (_state().dirty and "'dirty' build is being performed" in record.getMessage())


def _site_wide(config) -> list[Path]:
    base = Path(config.config_file_path).parent
    return [base / name for name in SITE_WIDE]


def _mark(file) -> None:
    """Make MkDocs' ``--dirty`` rebuild this page (its output older than its source)."""
    if os.path.isfile(file.abs_dest_path):
        os.utime(file.abs_dest_path, (0, 0))


# ---- MkDocs events ---------------------------------------------------------------------

def on_startup(command, dirty):
    state = _state()
    state.serving, state.dirty = command == "serve", dirty
    logging.getLogger("mkdocs.commands.build").addFilter(_QuietDirty())
    if state.serving:
        _reuse_theme_environment()


def _reuse_theme_environment() -> None:
    """Serve only: one Jinja environment for the theme across rebuilds, so its templates are
    compiled and its folders listed once (about 1 s a rebuild here) and not after every edit.
    It is made anew when a template in a theme folder of the project (overrides/) changes."""
    from mkdocs.theme import Theme

    original = getattr(Theme.get_env, "__wrapped__", Theme.get_env)
    environments: dict[tuple, object] = {}

    def get_env(theme):
        local = [d for d in theme.dirs if "site-packages" not in Path(d).parts]
        key = (tuple(theme.dirs), repr(theme.locale), tuple(sorted(fingerprints(local).items())))
        if key not in environments:
            environments.clear()
            env = environments[key] = original(theme)
            names = env.loader.list_templates()  # the walk over the theme folders, once
            env.loader.list_templates = lambda: list(names)
        return environments[key]

    get_env.__wrapped__ = original
    Theme.get_env = get_env


def on_serve(server, config, builder):
    """Before each rebuild, re-execute the hooks if one of them changed."""
    state, hooks = _state(), dict(config.hooks)
    folder = Path(config.config_file_path).parent / "hooks"
    state.hook_prints = fingerprints([folder])
    original = server.builder

    def rebuild():
        now = fingerprints([folder])
        if now != state.hook_prints:
            state.hook_prints = now
            for name, module in hooks.items():
                if hasattr(module, "on_shutdown"):
                    module.on_shutdown()  # e.g. the KaTeX process of the old code
                module.__spec__.loader.exec_module(module)
                if hasattr(module, "on_startup"):
                    module.on_startup(command="serve", dirty=state.dirty)
                log.info("reloaded the hook %s", name)
        original()

    server.builder = rebuild
    return server


def on_config(config):
    drop_modules()  # build-time code runs as it is on disk now
    try:  # markdown-exec sessions (`session="..."`) start empty, as in a first build
        from markdown_exec._internal.formatters import python as exec_python

        exec_python._sessions_globals.clear()
        exec_python._sessions_counter.clear()
    except (ImportError, AttributeError):
        pass
    jupyter = config.plugins.get("mkdocs-jupyter")
    if _state().serving and jupyter is not None and not any(p.endswith(".md") for p in jupyter.config["include"]):
        # mkdocs-jupyter reads every Markdown page with jupytext to look for a notebook front
        # matter before it applies `include` (about 1 s a rebuild here); none can be included.
        jupyter.config["ignore"] = [*jupyter.config["ignore"], "*.md"]
    return config


def on_files(files, config):
    state = _state()
    if not (state.serving and state.dirty):
        return files
    root = Path(config.config_file_path).parent
    docs = Path(config.docs_dir)
    pages = [f for f in files.documentation_pages() if f.abs_src_path]
    # The inputs: snippets/, the site-wide files, and files outside them that pages include.
    known = {root / PACKAGE, *_site_wide(config), *state.extra}
    prints = fingerprints(sorted(known), root)
    changed = changed_files(state.prints, prints, root) if state.prints is not None else None
    if changed != set():
        state.deps_cache = {}  # a dependency may have gained or lost an import
    deps = {}
    for f in pages:
        text = Path(f.abs_src_path).read_text(encoding="utf-8", errors="replace")
        key = hashlib.sha1(text.encode("utf-8")).hexdigest()
        if state.deps_cache.get(f.src_uri, (None,))[0] != key:
            state.deps_cache[f.src_uri] = (key, page_dependencies(text, root))
        deps[f.src_uri] = state.deps_cache[f.src_uri][1]
    package = (root / PACKAGE).resolve()
    state.extra = {p for p in set().union(*deps.values()) if package not in p.parents}
    prints.update(fingerprints(sorted(state.extra - known), root))
    if state.prints is None:
        full, affected = True, set()
    else:
        changed = changed_files(state.prints, prints, root)
        wide = [p.resolve() for p in _site_wide(config)]
        full = any(p == w or w in p.parents for p in changed for w in wide) or {f.src_uri for f in pages} != state.pages
        affected = affected_pages(deps, changed)
    if full and state.pages is not None:  # pages removed: their output goes too
        for uri, dest in state.dests.items():
            if uri not in {f.src_uri for f in pages} and os.path.isfile(dest):
                os.remove(dest)
    for f in pages:
        if full or f.src_uri in affected:
            _mark(f)
    state.building = {f.src_uri for f in pages if f.is_modified()}
    state.next = (prints, {f.src_uri for f in pages}, {f.src_uri: f.abs_dest_path for f in pages})
    state.page_urls = ["" if f.url in (".", "./") else f.url for f in pages]  # as Page.url
    state.built_urls, state.new_titles = set(), {}
    state.full = full
    index = Path(config.site_dir) / "search" / "search_index.json"
    state.previous_index = json.loads(index.read_text(encoding="utf-8")) if index.is_file() and not full else None
    if state.prints is not None:
        log.info("incremental rebuild: %s", "every page" if full else ", ".join(sorted(state.building)) or "no page")
    return files


def on_env(env, config, files):
    """A rebuilt page whose title changed: every other page shows it in its navigation."""
    state = _state()
    if not (state.serving and state.dirty) or state.full:
        return env
    pages = [f for f in files.documentation_pages() if f.page is not None]
    changed = [f.src_uri for f in pages if f.page.markdown is not None and f.src_uri in state.titles
               and state.titles[f.src_uri] != f.page.title]
    if changed:
        from mkdocs.commands.build import _populate_page

        log.info("incremental rebuild: the title of %s changed, rebuilding every page", ", ".join(changed))
        for f in pages:
            if f.page.markdown is None:
                _populate_page(f.page, config, files)
            _mark(f)
        state.full, state.previous_index = True, None
    return env


def on_page_context(context, page, config, nav):
    _state().built_urls.add(page.url)
    return context


def on_post_build(config):
    """The search index as a full build writes it; then remember this build."""
    state = _state()
    if not (state.serving and state.dirty):
        return
    index = Path(config.site_dir) / "search" / "search_index.json"
    if state.previous_index is not None and index.is_file():
        data = json.loads(index.read_text(encoding="utf-8"))
        by_page: dict[str, list] = {}
        for source, urls in ((state.previous_index, None), (data, state.built_urls)):
            fresh = {}
            for entry in source.get("docs", []):
                url = entry["location"].split("#")[0]
                if urls is None or url in urls:
                    fresh.setdefault(url, []).append(entry)
            by_page.update(fresh if urls is None else {u: fresh.get(u, []) for u in urls})
        data["docs"] = [e for url in state.page_urls for e in by_page.get(url, [])]
        index.write_text(json.dumps(data, separators=(",", ":"), default=str), encoding="utf-8")
    state.prints, state.pages, state.dests = state.next
    state.titles = {uri: t for uri, t in {**state.titles, **state.new_titles}.items() if uri in state.pages}
    state.new_titles = {}


def on_page_content(html, page, config, files):
    _state().new_titles[page.file.src_uri] = page.title
    return html
