"""hooks/import_path.py: build-time code on pages can import this repository's snippets package."""

from __future__ import annotations

import sys

from hooks import import_path
from tests.conftest import ROOT


def test_on_config_puts_the_repository_first_on_the_path_once(monkeypatch):
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p != str(ROOT)])
    config = {"site_name": "x"}
    assert import_path.on_config(config) is config
    import_path.on_config(config)
    assert sys.path[0] == str(ROOT) and sys.path.count(str(ROOT)) == 1
