"""The built site's links and code, read from its HTML: what a reader follows and copies."""

from __future__ import annotations

from pathlib import Path

from tests import site_checks as checks
from tests.conftest import configured_site_url


def test_every_internal_link_and_anchor_resolves(built_site: Path):
    # Includes notebook pages, whose links the strict build does not check.
    problems = checks.link_problems(built_site, configured_site_url())
    assert problems == [], "\n".join(problems)


def test_every_python_block_runs_alone_as_copied(copy_paste_run):
    """Each Python block's copied text runs in a fresh interpreter from an empty directory
    and prints the output shown under it; notebook pages run their cells in order."""
    assert copy_paste_run.scripts, "the site shows no Python code block"
    problems = copy_paste_run.problems()
    assert problems == [], "\n\n".join(problems)
