"""The layout a newcomer relies on: page docs/<page>.md <-> package snippets/<page>/ <-> test
module tests/test_<page>.py; includes name existing files and closed sections; no page code
hides behind ``if __name__ == "__main__"``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import site_checks as checks
from tests.conftest import ROOT

MARK = re.compile(r"--8<-- \[(start|end):([^\]]+)\]")
SECTION_NAME = re.compile(r"[a-z][-_0-9a-z]*")
REFS = checks.included_examples(ROOT)


def sections(path: Path) -> dict[str, tuple[int, int | None]]:
    """Section name -> (start line, end line or None) for one snippet file."""
    found: dict[str, tuple[int, int | None]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for kind, name in MARK.findall(line):
            if kind == "start":
                assert name not in found, f"{path.name}:{number}: section {name!r} starts twice"
                found[name] = (number, None)
            else:
                assert name in found, f"{path.name}:{number}: [end:{name}] without [start:{name}]"
                found[name] = (found[name][0], number)
    return found


def pages_with_code() -> list[Path]:
    """Pages that show example files or build tables and figures from a page package."""
    code = re.compile(r'--8<--\s+"snippets/|^from snippets\.(?!shared\.)', re.M)
    return sorted(md for md in (ROOT / "docs").glob("*.md") if code.search(md.read_text(encoding="utf-8")))


@pytest.mark.parametrize("page", pages_with_code(), ids=lambda p: p.name)
def test_a_page_its_examples_and_its_tests_share_one_name(page: Path):
    name = page.stem.replace("-", "_")
    assert (ROOT / "snippets" / name / "__init__.py").is_file(), f"{page.name}: no package snippets/{name}/"
    assert (ROOT / "tests" / f"test_{name}.py").is_file(), f"{page.name}: no test module tests/test_{name}.py"
    own = [r for r in checks.INCLUDE.findall(page.read_text(encoding="utf-8"))
           if not r.startswith((f"snippets/{name}/", "snippets/shared/"))]
    assert own == [], f"{page.name} shows examples of another page: {own}"


@pytest.mark.parametrize("ref", REFS)
def test_include_names_an_existing_file_and_section(ref: str):
    file_part, _, section = ref.partition(":")
    assert not re.fullmatch(r"[\d:,-]*", section) or not section, f"{ref!r} uses line numbers; use a section name"
    path = ROOT / file_part
    assert path.is_file(), f"{ref!r} names a missing file"
    if section:
        assert section in sections(path), f"{ref!r} names a missing section"


@pytest.mark.parametrize("path", sorted((ROOT / "snippets").rglob("*.py")), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_snippet_files_have_closed_sections_and_no_main_block(path: Path):
    for name, (start, end) in sections(path).items():
        assert SECTION_NAME.fullmatch(name), f"{path.name}:{start}: bad section name {name!r}"
        assert end is not None and end > start, f"{path.name}:{start}: [start:{name}] has no [end:{name}]"
    assert "__main__" not in path.read_text(encoding="utf-8"), f"{path.name}: page code behind __main__"


def test_no_test_runs_a_snippet_as_a_script_or_parses_its_output():
    runs = re.compile(r"""["']-m["'],\s*["']snippets|python -m snippets|tests\.shown_code|section_output\(|run_section\(""")
    offenders = [p.name for p in (ROOT / "tests").glob("test_*.py")
                 if p.name != "test_layout.py" and runs.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


@pytest.mark.parametrize("page", pages_with_code(), ids=lambda p: p.name)
def test_each_shown_block_includes_one_file_or_section(page: Path):
    fences = re.findall(r"^( *)```python[^\n]*\n(.*?)^\1```", page.read_text(encoding="utf-8"), re.M | re.S)
    crowded = [body.strip() for _, body in fences if len(checks.INCLUDE.findall(body)) > 1]
    assert crowded == [], f"{page.name}: a block includes several sections; make them one: {crowded}"
