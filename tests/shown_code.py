"""The code blocks a reader sees on a page, rebuilt from its Markdown source and run.

Used by the Part II test modules to compare what a shown block prints with what the snippet
functions compute. (tests/site_checks.py runs every block of the built site, from its HTML.)
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import ROOT

FENCE = re.compile(r"^( *)```python([^\n]*)\n(.*?)^\1```", re.M | re.S)
INCLUDE_LINE = re.compile(r'^\s*--8<--\s+"([^"]+):([a-z][-_0-9a-z]*)"\s*$')


def section_text(path: Path, name: str) -> str:
    """The dedented text of section ``name`` of a snippet file, as pymdownx.snippets includes it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == f"# --8<-- [start:{name}]")
    end = next(i for i, line in enumerate(lines) if line.strip() == f"# --8<-- [end:{name}]")
    body = [line for line in lines[start + 1 : end] if "--8<-- [" not in line]
    return textwrap.dedent("\n".join(body))


TITLE = re.compile(r'\btitle="([^"]*)"')

# Runs a chain of blocks in one namespace, as a reader pasting them one after another would,
# and reports each block's own output (so a continuation's output can be compared with the page).
CHAIN_DRIVER = """
import contextlib, io, json, sys
cells = json.loads(sys.argv[1])
namespace = {"__name__": "__main__"}
outputs = []
for i, text in enumerate(cells):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        exec(compile(text, f"<shown block {i + 1} of the chain>", "exec"), namespace)
    outputs.append(buffer.getvalue())
print(json.dumps(outputs))
"""


def is_continuation(options: str) -> bool:
    """A fence whose title starts with "Continued" runs after the block(s) it continues."""
    title = TITLE.search(options)
    return bool(title) and title.group(1).strip().lower().startswith("continued")


def shown_blocks(page: Path, workdir: Path) -> list[tuple[str, str]]:
    """Run every code block a reader sees on ``page``, in a fresh interpreter without the repo.

    A shown block is a ```python fence that is not executed, or is executed with its source shown.
    A block runs alone, except a continuation (title starting with "Continued"): it runs after
    the last block that is not one and the continuations between, in one interpreter, as a
    reader pasting them in order would. Returns (code, stdout of that block) pairs; fails with
    the block's error if one does not run.
    """
    results = []
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["MPLBACKEND"] = "Agg"
    chain: list[str] = []
    for match in FENCE.finditer(page.read_text(encoding="utf-8")):
        options, body = match.group(2), match.group(3)
        if 'exec="on"' in options and 'source="above"' not in options:
            continue  # builds page text or a figure; not shown as code
        parts = []
        for line in textwrap.dedent(body).splitlines():
            inc = INCLUDE_LINE.match(line)
            parts.append(section_text(ROOT / inc.group(1), inc.group(2)) if inc else line)
        code = "\n".join(parts)
        if is_continuation(options):
            assert chain, f"{page.name}: a continuation block has no block before it to continue:\n{code}"
            if 'exec="on"' in options:
                assert "session=" in options, f"{page.name}: an executed continuation needs session=:\n{code}"
            chain.append(code)
        else:
            chain = [code]
        run = subprocess.run([sys.executable, "-c", CHAIN_DRIVER, json.dumps(chain)], cwd=workdir, env=env,
                             capture_output=True, text=True)
        kind = f"a continuation (run after {len(chain) - 1} block(s))" if len(chain) > 1 else "a shown block"
        assert run.returncode == 0, f"{page.name}: {kind} fails:\n{code}\n{run.stderr}"
        results.append((code, json.loads(run.stdout)[-1]))
    assert results, f"{page.name}: no shown code blocks found"
    return results
