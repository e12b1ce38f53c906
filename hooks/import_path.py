"""MkDocs hook: the one place that puts this repository on the import path.

Build-time code on pages (markdown-exec blocks that draw figures or tables) imports the
``snippets`` package; the repository is the folder above this file, wherever it is cloned.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def on_config(config):
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return config
