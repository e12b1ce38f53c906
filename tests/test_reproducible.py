"""Reproducible output: two clean builds of the same sources give byte-identical site trees.

The second build runs from a copy of the repository at another path, into another folder, so
that absolute paths, random ids (notebook cell ids, figure ids), timestamps and set ordering
all show up as differences; and it holds a `make serve` notebook cache (fake executions),
which a build must ignore. The only thing not compared byte for byte is the build date that
MkDocs stamps into sitemap.xml (<lastmod>) and the gzip header of sitemap.xml.gz; both come
from SOURCE_DATE_EPOCH when it is set (see tests/site_checks.py: tree_differences).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from hooks.notebook_pages import CACHE, cache_key
from tests import site_checks as checks
from tests.conftest import ROOT, mkdocs_build

# Not sources: environments, caches, build output, version control.
NOT_SOURCES = shutil.ignore_patterns(
    ".venv", "node_modules", "site", ".git", ".cache", ".pytest_cache", ".hypothesis", "__pycache__", "*.pyc"
)


def test_two_clean_builds_are_byte_identical(built_site: Path, tmp_path: Path):
    copy = tmp_path / "elsewhere" / "repo"
    shutil.copytree(ROOT, copy, ignore=NOT_SOURCES, symlinks=True)
    os.symlink(ROOT / "node_modules", copy / "node_modules")  # KaTeX, installed once
    (copy / CACHE).mkdir(parents=True, exist_ok=True)
    for nb in (copy / "docs" / "notebooks").glob("*.py"):  # a `make serve` cache the build must ignore
        key = cache_key(nb.read_text(encoding="utf-8"), copy / "requirements.txt", allow_errors=False, kernel_name="")
        (copy / CACHE / f"{nb.stem}-{key}.ipynb").write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    second = tmp_path / "second-site"
    result = mkdocs_build(second, cwd=copy)
    assert result.returncode == 0, f"second build failed:\n{result.stdout}\n{result.stderr}"
    problems = checks.tree_differences(built_site, second)
    assert problems == [], "\n".join(problems)
