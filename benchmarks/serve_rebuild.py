"""Benchmark: how long `mkdocs serve` takes to rebuild after an edit to one page.

Compares the site as committed at HEAD (math rendered at build time) with the same content on
Material's client-side KaTeX recipe (see math_rendering.py). For each, it starts `mkdocs serve`
on a free port, appends a line to docs/index.md a few times, and times each edit until the
server logs that it reloads the browsers.

Run on demand (not a test):  .venv/bin/python benchmarks/serve_rebuild.py
It prints a table and adds the numbers to benchmarks/results/math_rendering.json.
"""

from __future__ import annotations

import json
import os
import queue
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from math_rendering import RESULTS, copy_sources, make_client_side  # noqa: E402

EDITS = 3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rebuild_times(src: Path) -> list[float]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(src)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{free_port()}"],
        cwd=src, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()

    def wait_for(text: str, timeout: float = 300) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                if text in lines.get(timeout=1):
                    return
            except queue.Empty:
                pass
        raise TimeoutError(f"mkdocs serve never said {text!r}")

    try:
        wait_for("Serving on")
        times = []
        page = src / "docs" / "index.md"
        for i in range(EDITS):
            time.sleep(1.5)  # let the watcher settle
            start = time.perf_counter()
            page.write_text(page.read_text() + f"\nEdit {i}.\n")
            wait_for("Reloading browsers")
            times.append(time.perf_counter() - start)
        return times
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for variant in ("build-time", "client-side"):
            src = Path(tmp) / variant
            src.mkdir()
            copy_sources(src)
            if variant == "client-side":
                make_client_side(src)
            out[variant] = rebuild_times(src)
    print("| | median rebuild after one edit, s | all, s |\n|---|---|---|")
    for variant, times in out.items():
        print(f"| {variant} | {statistics.median(times):.1f} | {', '.join(f'{t:.1f}' for t in times)} |")
    if RESULTS.exists():
        results = json.loads(RESULTS.read_text())
        for variant, times in out.items():
            results["variants"].setdefault(variant, {})["serve_rebuild_seconds"] = times
        RESULTS.write_text(json.dumps(results, indent=1) + "\n")
        print(f"\nadded to {RESULTS.relative_to(RESULTS.parents[2])}")


if __name__ == "__main__":
    main()
