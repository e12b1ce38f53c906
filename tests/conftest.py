"""Shared fixtures: the site is built once per test session, and served once for the browser."""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import os
import runpy
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
os.environ.setdefault("MPLBACKEND", "Agg")  # figures draw without a display


@pytest.fixture(scope="session")
def example():
    """Run a page's example file as a reader would, and return its global names.

    ``example("rows_and_columns", "numeric_rows_columns")`` runs
    ``snippets/rows_and_columns/numeric_rows_columns.py`` (what the page shows, byte for byte)
    with its printing silenced; tests then compare the objects it made (arrays, functions,
    matrices) with an independent reference. Each file runs once per test session.
    """
    cache: dict[Path, dict] = {}

    def run(page: str, name: str) -> dict:
        path = SNIPPETS / page / f"{name}.py"
        if path not in cache:
            if not path.is_file():
                raise FileNotFoundError(f"no example file {path.relative_to(ROOT)}")
            with contextlib.redirect_stdout(io.StringIO()):
                cache[path] = runpy.run_path(str(path), run_name="__main__")
        return cache[path]

    return run


def mkdocs_build(site_dir: Path, config: Path | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run ``mkdocs build --strict`` into ``site_dir``; return the finished process."""
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)]
    if config is not None:
        cmd += ["--config-file", str(config)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(cwd)}
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built once with --strict into a temporary folder."""
    site = tmp_path_factory.mktemp("site")
    result = mkdocs_build(site)
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}", pytrace=False)
    return site


def site_pages(site: Path) -> list[Path]:
    """Every HTML page of a built site, found by walking it (404.html excluded)."""
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output clean
        pass


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The built site served over HTTP on 127.0.0.1 (a free port)."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def find_chromium() -> str | None:
    """A Chromium for Playwright: $CHROMIUM, else Debian's, else None (Playwright's own)."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium driven by Playwright. Skips locally without one; fails when CI is set."""
    from playwright.sync_api import Error, sync_playwright

    executable = find_chromium()
    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except Error as exc:
            message = (
                "No Chromium for the browser tests. Install Debian's: `apt-get install chromium` "
                f"(or set CHROMIUM=/path/to/chrome). Playwright said: {str(exc).splitlines()[0]}"
            )
            if os.environ.get("CI"):
                pytest.fail(message, pytrace=False)
            pytest.skip(message)
        yield browser
        browser.close()


# ---- Reader-facing checks (tests/test_browser.py, tests/test_links_and_code.py) --------------


def configured_site_url() -> str:
    """``site_url`` from mkdocs.yml: the address <link rel="canonical"> points to."""
    import re

    match = re.search(r"^site_url:\s*(\S+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    return match.group(1) if match else ""


@pytest.fixture(scope="session")
def copy_paste_run(built_site: Path):
    """Every Python code block of the built site, started running in the background (parallel
    subprocesses) as soon as a test asks for it; ``.problems()`` waits for the results."""
    from tests.site_checks import CopyPasteRun

    run = CopyPasteRun(built_site)
    yield run
    run.shutdown()
