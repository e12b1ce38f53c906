"""What someone who picks the project up finds: licenses, a valid citation file, a changelog,
and the licenses named on every page of the site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import site_checks as checks
from tests.conftest import ROOT


def test_code_is_mit_and_text_is_cc_by_4():
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in license_text and "CC BY 4.0" in license_text
    assert (ROOT / "LICENSE-TEXT").read_text(encoding="utf-8").startswith("Creative Commons Attribution 4.0 International")


def test_citation_file_is_valid_cff():
    cffconvert = Path(sys.executable).with_name("cffconvert")
    result = subprocess.run([str(cffconvert), "--validate", "-i", str(ROOT / "CITATION.cff")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_changelog_names_the_version_of_the_citation_file():
    version = next(line.split('"')[1] for line in (ROOT / "CITATION.cff").read_text().splitlines() if line.startswith("version:"))
    assert f"## [{version}]" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_every_page_names_both_licenses(built_site: Path):
    for page in checks.reader_pages(built_site):
        html = checks.read_page(built_site, page)
        assert "creativecommons.org/licenses/by/4.0/" in html and "MIT License" in html, f"/{page}: no license in the footer"


def test_publishing_workflow_passes_actionlint(tmp_path: Path):
    actionlint = Path(sys.executable).with_name("actionlint")
    if not actionlint.exists():  # its wheel exists for Linux x86_64 only (requirements.txt)
        message = f"actionlint is not installed for this platform ({sys.platform})"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    workflow = ROOT / ".github" / "workflows" / "pages.yml"
    result = subprocess.run([str(actionlint), str(workflow)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    # The linter fails on a mistake: an undefined context property in the same workflow.
    broken = tmp_path / "pages.yml"
    broken.write_text(workflow.read_text().replace("github.repository_owner", "github.repository_ownr"))
    assert subprocess.run([str(actionlint), str(broken)], capture_output=True).returncode == 1
