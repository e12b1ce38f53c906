"""Shared fixtures: a page's examples run in-process; the site is built once per test run (shared
by the pytest-xdist workers), served once per worker, and visited in one Chromium per worker."""

from __future__ import annotations

import os

# Before NumPy loads: one BLAS thread per process. The tests run in one process per core and
# do many small matrix operations, which OpenBLAS's threads slow down a hundredfold here.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import contextlib
import fcntl
import hashlib
import io
import re
import runpy
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import site_checks as checks

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


# Settings a reader's shell may carry that change the site (mkdocs.yml reads them with !ENV).
SITE_ENV = ("SITE_URL", "REPO_URL", "EDIT_URI")


def mkdocs_build(site_dir: Path, config: Path | None = None, cwd: Path = ROOT,
                 env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``mkdocs build --strict`` into ``site_dir``; return the finished process. The site's
    address and repository come from ``env`` only (default: none, the defaults of mkdocs.yml)."""
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)]
    if config is not None:
        cmd += ["--config-file", str(config)]
    env = {**{k: v for k, v in os.environ.items() if k not in SITE_ENV}, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


# Everything a build reads besides the installed packages, which requirements.txt and
# package-lock.json pin.
BUILD_INPUTS = ("docs", "snippets", "hooks", "overrides", "benchmarks", "mkdocs.yml", "pyproject.toml",
                "requirements.txt", "package-lock.json")
SITE_CACHE = ROOT / ".cache" / "test-site"


def build_key(env: dict[str, str]) -> str:
    """A hash of the build's inputs: every file of BUILD_INPUTS, the Python version and ``env``."""
    digest = hashlib.sha256(f"{sys.version}\0{sorted(env.items())}".encode())
    for name in BUILD_INPUTS:
        path = ROOT / name
        files = [path] if path.is_file() else sorted(
            f for f in path.rglob("*") if f.is_file() and "__pycache__" not in f.parts)
        for f in files:
            digest.update(f.relative_to(ROOT).as_posix().encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()[:20]


def cached_build(site_dir: Path, env: dict[str, str] | None = None) -> str | None:
    """``mkdocs build --strict`` into ``site_dir``, or a copy of the site that an earlier test run
    built from exactly the same inputs (kept in ``.cache/test-site/``, the latest few). A clean
    build is still made in every run: tests/test_reproducible.py builds again and compares the
    two byte for byte. Returns the build's error output, or None."""
    env = env or {}
    cached = SITE_CACHE / build_key(env)
    if cached.is_dir():
        shutil.copytree(cached, site_dir)
        return None
    result = mkdocs_build(site_dir, env=env)
    if result.returncode != 0:
        return f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    SITE_CACHE.mkdir(parents=True, exist_ok=True)
    partial = SITE_CACHE / f"{cached.name}.partial-{os.getpid()}"
    shutil.copytree(site_dir, partial)
    partial.rename(cached)
    for old in sorted(SITE_CACHE.iterdir(), key=lambda p: p.stat().st_mtime)[:-4]:
        shutil.rmtree(old, ignore_errors=True)  # keep the four latest
    return None


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built once with --strict. Under pytest-xdist the first worker to get here
    builds it into the run's shared temporary folder while the others wait on a file lock."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the folder all workers of this run share
    site, failed = shared / "built-site", shared / "built-site.failed"
    with open(shared / "built-site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not site.exists() and not failed.exists():
            error = cached_build(site)
            if error:
                failed.write_text(error)
        fcntl.flock(lock, fcntl.LOCK_UN)
    if failed.exists():
        pytest.fail(failed.read_text(), pytrace=False)
    return site


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The built site served over HTTP on 127.0.0.1 (a free port)."""
    server, url = checks.serve(built_site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium driven by Playwright. Skips locally without one; fails when CI is set."""
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=checks.find_chromium(), args=checks.CHROMIUM_ARGS)
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


def pytest_collection_modifyitems(items) -> None:
    """Mark every test that needs a browser, so a run can leave them out (-m "not browser");
    .ci/run does that only for its extra runs on other Python versions."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


def configured_site_url() -> str:
    """``site_url`` from mkdocs.yml: the address <link rel="canonical"> points to."""
    match = re.search(r"^site_url:\s*(\S+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    return match.group(1) if match else ""
