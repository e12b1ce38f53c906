"""The one runner for shown code: every Python block on the site is an example file under
snippets/ (or a section of one), and every example file and notebook runs alone, as a reader
who copies it would run it, and prints what the page shows.

Each file runs with ``python -I`` (no PYTHONPATH, no user site) from an empty directory: a
block that needs the repository, or a block before it, fails here. Tests of each page then
assert on the values the same files compute (tests/test_<page>.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import site_checks as checks
from tests.conftest import ROOT

EXAMPLE_FILES = sorted({ref.partition(":")[0] for ref in checks.included_examples(ROOT)})
NOTEBOOKS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "docs" / "notebooks").glob("*.py"))


@pytest.fixture(scope="session")
def shown(built_site: Path):
    return checks.shown_examples(built_site, ROOT)


def test_pages_show_example_files():
    assert len(EXAMPLE_FILES) >= 20 and all(f.startswith("snippets/") for f in EXAMPLE_FILES)


def test_every_python_block_on_the_site_is_an_example_file(shown):
    examples, problems = shown
    assert problems == [], "\n".join(problems)
    unshown = [f for f, e in examples.items() if not e.blocks]
    assert unshown == [], f"included by a page but shown nowhere on the built site: {unshown}"


@pytest.mark.parametrize("file", EXAMPLE_FILES)
def test_example_runs_alone_and_prints_what_the_page_shows(file: str, shown):
    examples, _ = shown
    problem = checks.run_example(ROOT / file, examples[file].expected)
    assert problem is None, problem


@pytest.mark.parametrize("file", NOTEBOOKS)
def test_notebook_runs_alone_as_a_script_and_its_page_shows_its_cells(file: str, built_site: Path):
    problem = checks.run_example(ROOT / file)
    assert problem is None, problem
    page = Path(file).relative_to("docs").with_suffix("").as_posix() + "/"
    problems = checks.notebook_cell_problems(built_site, ROOT / file, page)
    assert problems == [], "\n".join(problems)
