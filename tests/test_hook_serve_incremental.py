"""hooks/serve_incremental.py: under `make serve` an edit rebuilds exactly the pages it affects,
and nothing served is stale; `mkdocs build` ignores the serve cache.

The dependency map is checked on the real docs/ and snippets/ against an independent reference
(the files a page names, and the modules Python really loads when a page's build-time imports
run); the rebuilds themselves on a tiny MkDocs project built through MkDocs' own API, as
`mkdocs serve --dirty` builds it, in a separate process (its `snippets` is not this one's).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hooks.serve_incremental import affected_pages, dependency_map, page_dependencies
from tests.conftest import ROOT

DOCS = ROOT / "docs"
PAGES = sorted(str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md"))


@pytest.fixture(scope="module")
def deps():
    return dependency_map(DOCS, PAGES, ROOT)


LOADING = ["backprop.md", "linear-map.md", "custom-derivatives.md"]


@pytest.fixture(scope="module")
def loaded() -> dict[str, set[Path]]:
    """Reference: the snippets files Python loads when each page's build-time imports run (one
    process; the snippets modules are forgotten between pages)."""
    code = "import json, sys\nloaded = {}\n"
    for page in LOADING:
        lines = re.findall(r"^\s*((?:from|import) snippets\b.*)$", (DOCS / page).read_text(encoding="utf-8"), re.M)
        code += "".join(f"{line.strip()}\n" for line in lines) + (
            f"loaded[{page!r}] = [m.__file__ for n, m in list(sys.modules.items()) if n.split('.')[0] == 'snippets']\n"
            "for n in [n for n in sys.modules if n.split('.')[0] == 'snippets']: del sys.modules[n]\n")
    done = subprocess.run([sys.executable, "-c", code + "print(json.dumps(loaded))"], cwd=ROOT, capture_output=True,
                          text=True, check=True, env={**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"})
    return {page: {Path(f).resolve() for f in files} for page, files in json.loads(done.stdout).items()}


def test_a_shown_file_marks_exactly_the_pages_that_include_it(deps):
    for shown in ("snippets/chain_rule/numeric_chain.py", "snippets/jacobian/sympy_seed.py"):
        naming = {p for p in PAGES if f'"{shown}' in (DOCS / p).read_text(encoding="utf-8")}
        assert naming and affected_pages(deps, {ROOT / shown}) == naming


@pytest.mark.parametrize("page", LOADING)
def test_every_module_a_page_loads_at_build_time_is_a_dependency(deps, loaded, page):
    assert ROOT / "snippets" / "shared" / "figures.py" in loaded[page]  # the page draws figures
    assert loaded[page] <= deps[page], sorted(map(str, loaded[page] - deps[page]))


def test_the_shared_figure_module_marks_every_page_that_imports_it(deps):
    # Pages whose Markdown imports it directly, or imports a module of its own package that does.
    def imports_figures(path: Path) -> bool:
        return "snippets.shared.figures" in path.read_text(encoding="utf-8")

    expected = {p for p in PAGES if imports_figures(DOCS / p) or any(
        imports_figures(ROOT.joinpath(*m.split(".")).with_suffix(".py"))
        for m in re.findall(r"from (snippets\.\w+\.\w+) import", (DOCS / p).read_text(encoding="utf-8"))
        if ROOT.joinpath(*m.split(".")).with_suffix(".py").is_file())}
    assert len(expected) >= 10 and affected_pages(deps, {ROOT / "snippets/shared/figures.py"}) >= expected
    assert "index.md" not in affected_pages(deps, {ROOT / "snippets/shared/figures.py"})


def test_include_and_import_forms(tmp_path):
    files = {
        "snippets/__init__.py": "", "snippets/a/__init__.py": "", "snippets/b/__init__.py": "",
        "snippets/a/sections.py": "# --8<-- [start:one]\nx = 1\n# --8<-- [end:one]\n",
        "snippets/a/listed.py": "", "snippets/a/notes.md": '--8<-- "snippets/a/nested.py"\n', "snippets/a/nested.py": "",
        "snippets/a/figures.py": "from . import helpers\nfrom ..b.tools import f\nimport runpy\nrunpy.run_path('data.py')\n",
        "snippets/a/helpers.py": "", "snippets/a/data.py": "", "snippets/b/tools.py": "from snippets.b import deep\n",
        "snippets/b/deep.py": "", "snippets/b/unused.py": "",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    page = ('```python exec="on"\n--8<-- "snippets/a/sections.py:one"\n```\n\n--8<--\nsnippets/a/listed.py\n'
            'snippets/a/notes.md\n--8<--\n\n```python exec="on" html="1"\nfrom snippets.a.figures import draw\n```\n')
    found = {str(p.relative_to(tmp_path)) for p in page_dependencies(page, tmp_path)}
    assert found == set(files) - {"snippets/b/unused.py"}


# ---- Rebuilds of a tiny project, as `mkdocs serve --dirty` runs them ------------------

NOTEBOOK = '# %% [markdown]\n# Notebook\n\n# %%\nprint("executed", 6 * 7)\n'
PROJECT = {
    "mkdocs.yml": f"""\
        site_name: Tiny
        hooks:
          - {ROOT}/hooks/serve_incremental.py
          - {ROOT}/hooks/notebook_pages.py
        plugins:
          - search
          - markdown-exec
          - mkdocs-jupyter:
              include: ["notebooks/*.py"]
              execute: true
              allow_errors: false
              cache: false
        markdown_extensions:
          - pymdownx.superfences
          - pymdownx.snippets:
              base_path: ["."]
              check_paths: true
        nav:
          - index.md
          - other.md
          - notebooks/nb.py
        """,
    "docs/index.md": '# Home\n\n```python exec="on"\nfrom snippets.page.figures import value\nprint("value", value())\n```\n',
    "docs/other.md": '# Other\n\n```python exec="on" source="above"\n--8<-- "snippets/other/shown.py"\n```\n',
    "docs/notebooks/nb.py": NOTEBOOK,
    "snippets/__init__.py": "", "snippets/page/__init__.py": "", "snippets/other/__init__.py": "",
    "snippets/shared/__init__.py": "", "snippets/shared/base.py": "BASE = 1\n",
    "snippets/page/figures.py": "from snippets.shared.base import BASE\n\n\ndef value():\n    return 100 + BASE\n",
    "snippets/other/shown.py": 'print("shown", 1)\n',
}
# Builds as `mkdocs serve --dirty` runs them: the config reloaded before each build, one process.
DRIVER = """
import json, os, sys, time
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config

site, command, steps = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
pages = {"index": "index.html", "other": "other/index.html", "nb": "notebooks/nb/index.html"}
report = []
for i, edits in enumerate(steps):
    for name, (old, new) in edits.items():
        path = Path(name)
        time.sleep(0.01)
        path.write_text(path.read_text().replace(old, new))
    config = load_config("mkdocs.yml", site_dir=site)
    if i == 0:
        config.plugins.on_startup(command=command, dirty=command == "serve")
    before = {p: os.path.getmtime(Path(site, f)) if Path(site, f).exists() else 0 for p, f in pages.items()}
    time.sleep(0.01)
    build(config, serve_url="http://127.0.0.1:8000/" if command == "serve" else None, dirty=command == "serve")
    report.append({"written": sorted(p for p, f in pages.items() if os.path.getmtime(Path(site, f)) != before[p]),
                   "html": {p: Path(site, f).read_text() for p, f in pages.items()},
                   "search": json.loads(Path(site, "search/search_index.json").read_text())["docs"]})
print(json.dumps(report))
"""


ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONPATH"}, "NO_MKDOCS_2_WARNING": "1", "MPLBACKEND": "Agg",
       "SOURCE_DATE_EPOCH": "0"}  # no build date in the pages


def make_project(where: Path) -> Path:
    for name, text in PROJECT.items():
        (where / name).parent.mkdir(parents=True, exist_ok=True)
        (where / name).write_text(textwrap.dedent(text))
    return where


def run(project: Path, site: Path, command: str, steps: list[dict]) -> list[dict]:
    done = subprocess.run([sys.executable, "-c", DRIVER, str(site), command, json.dumps(steps)], cwd=project,
                          capture_output=True, text=True, env=ENV)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def seed_cache(project: Path) -> Path:
    """A previous execution of the tiny notebook in the serve cache, with an output no kernel
    prints: whoever shows "from the cache" did not execute the notebook."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from hooks.notebook_pages import cache_key

    cached = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}}, cells=[
        new_markdown_cell("# Notebook"),
        new_code_cell('print("executed", 6 * 7)', outputs=[new_output("stream", name="stdout", text="from the cache\n")])])
    key = cache_key(NOTEBOOK, project / "requirements.txt", allow_errors=False, kernel_name="")
    store = project / ".cache" / "notebooks" / f"nb-{key}.ipynb"
    store.parent.mkdir(parents=True)
    nbformat.write(cached, store)
    return project / ".cache"


def test_serve_rebuilds_what_an_edit_affects_and_never_serves_stale_output(tmp_path):
    project = make_project(tmp_path / "project")
    seed_cache(project)
    full, nothing, imported, shown, notebook, title, config = run(project, tmp_path / "site", "serve", [
        {},
        {},
        {"snippets/shared/base.py": ("BASE = 1", "BASE = 2")},  # imported through snippets/page/figures.py
        {"snippets/other/shown.py": ('"shown", 1', '"shown", 2')},
        {"docs/notebooks/nb.py": ("6 * 7", "6 * 8")},
        {"docs/other.md": ("# Other", "# Renamed")},  # the title every page's navigation shows
        {"mkdocs.yml": ("site_name: Tiny", "site_name: Small")},
    ])
    assert full["written"] == ["index", "nb", "other"]
    assert "value 101" in text_of(full["html"]["index"]) and "from the cache" in full["html"]["nb"]  # not executed
    assert nothing["written"] == [] and nothing["search"] == full["search"]
    assert imported["written"] == ["index"] and "value 102" in text_of(imported["html"]["index"])
    assert shown["written"] == ["other"] and "shown 2" in text_of(shown["html"]["other"])
    assert notebook["written"] == ["nb"] and "executed 48" in text_of(notebook["html"]["nb"])
    assert title["written"] == ["index", "nb", "other"] and all("Renamed" in h for h in title["html"].values())
    assert config["written"] == ["index", "nb", "other"] and all("Small" in h for h in config["html"].values())
    # The search index is the whole site's after each partial rebuild, with the new text.
    assert [e["location"] for e in shown["search"]] == [e["location"] for e in full["search"]]
    assert "shown 2" in json.dumps(shown["search"]) and "shown 1" not in json.dumps(shown["search"])


def test_build_ignores_the_serve_cache(tmp_path):
    project = make_project(tmp_path / "project")
    cache = seed_cache(project)
    (built,) = run(project, tmp_path / "built", "build", [{}])
    cache.rename(project / "moved")
    (clean,) = run(project, tmp_path / "clean", "build", [{}])
    assert "executed 42" in text_of(built["html"]["nb"]) and "from the cache" not in built["html"]["nb"]
    assert built["html"] == clean["html"] and built["search"] == clean["search"]
