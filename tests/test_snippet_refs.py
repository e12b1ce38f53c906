"""Every snippet include in docs/ names an existing file and section, and sections are closed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

INCLUDE = re.compile(r'^\s*(?:;*)--8<--\s+"([^"]+)"\s*$', re.M)
MARK = re.compile(r"--8<-- \[(start|end):([^\]]+)\]")
SECTION_NAME = re.compile(r"[a-z][-_0-9a-z]*")


def includes() -> list[tuple[Path, str]]:
    found = []
    for page in sorted((ROOT / "docs").rglob("*.md")):
        found += [(page, ref) for ref in INCLUDE.findall(page.read_text(encoding="utf-8"))]
    return found


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


def test_pages_include_snippets():
    assert len(includes()) >= 5


@pytest.mark.parametrize(("page", "ref"), includes(), ids=lambda v: v.name if isinstance(v, Path) else v)
def test_include_names_an_existing_file_and_section(page: Path, ref: str):
    assert ":" in ref, f"{page.name}: {ref!r} includes a whole file; name a section"
    file_part, section = ref.rsplit(":", 1)
    assert not section.isdigit() and not re.fullmatch(r"\d*-?\d*", section), (
        f"{page.name}: {ref!r} uses line numbers; use a section name"
    )
    path = ROOT / file_part
    assert path.is_file(), f"{page.name}: {ref!r} names a missing file"
    assert section in sections(path), f"{page.name}: {ref!r} names a missing section"


@pytest.mark.parametrize("path", sorted((ROOT / "snippets").rglob("*.py")), ids=lambda p: p.name)
def test_every_section_is_closed_and_well_named(path: Path):
    for name, (start, end) in sections(path).items():
        assert SECTION_NAME.fullmatch(name), f"{path.name}:{start}: bad section name {name!r}"
        assert end is not None, f"{path.name}:{start}: [start:{name}] has no [end:{name}]"
        assert end > start
