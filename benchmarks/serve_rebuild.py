"""Benchmark: how long after a save an edit is visible under `make serve`.

Starts the server `make serve` runs (`mkdocs serve --dirty --watch overrides`, incremental:
hooks/serve_incremental.py) on a free port, in a copy of the working tree, waits for the
first build, then times three kinds of edit, several times each:

- page: a one-word paragraph appended to docs/chain-rule.md;
- snippet: a line appended to snippets/chain_rule/numeric_chain.py, which that page includes
  in a markdown-exec block (the page shows the line and runs it);
- notebook: a Markdown cell appended to docs/notebooks/seed_example.py (the notebook is
  executed again: its text changed).

Each time runs from the file write until the new text is served at the page's address (polled
over HTTP, as a browser reloading would see it); the server's "Reloading browsers" log line is
recorded too. The notebook's own execution time (nbclient, as the build runs it) is measured
on its own, for the target "execution time + 2 s".

Run on demand (not a test):  .venv/bin/python benchmarks/serve_rebuild.py [--edits 5]
It prints a table and writes benchmarks/results/serve_rebuild.json (with the machine, the
commit, whether the tree had uncommitted changes, and the load average, since other work on
the machine slows every number).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import queue
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "serve_rebuild.json"
TARGETS = {"page": 2.0, "snippet": 3.0}  # seconds; the notebook's is its execution time + 2 s
EDITS = {  # kind: (file edited, page address, text appended: {n} is the edit's marker)
    "page": ("docs/chain-rule.md", "chain-rule/", "\nBenchword{n}.\n"),
    "snippet": ("snippets/chain_rule/numeric_chain.py", "chain-rule/", '\nprint("Benchword{n}")\n'),
    "notebook": ("docs/notebooks/seed_example.py", "notebooks/seed_example/", "\n# %% [markdown]\n# Benchword{n}\n"),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


class Server:
    """`make serve`'s command in ``src``; its log lines with the time each arrived."""

    def __init__(self, src: Path) -> None:
        self.port = free_port()
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "OPENBLAS_NUM_THREADS": "1", "JAX_PLATFORMS": "cpu"}
        env.pop("PYTHONPATH", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--watch", "overrides",
             "--dev-addr", f"127.0.0.1:{self.port}"],
            cwd=src, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        self.log: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.log.append(line.rstrip())
            self.lines.put((time.perf_counter(), line))

    def wait_for(self, text: str, timeout: float = 600) -> float:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                when, line = self.lines.get(timeout=1)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            if text in line:
                return when
        raise TimeoutError(f"mkdocs serve never said {text!r}:\n" + "\n".join(self.log[-30:]))

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def time_edit(server: Server, src: Path, kind: str, n: int, timeout: float = 300) -> dict:
    path, address, text = EDITS[kind]
    marker = f"Benchword{n}"
    while not server.lines.empty():  # log lines of earlier edits
        server.lines.get()
    target = src / path
    start = time.perf_counter()
    target.write_text(target.read_text(encoding="utf-8") + text.format(n=n), encoding="utf-8")
    visible = None
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if marker in fetch(server.url(address)):
            visible = time.perf_counter() - start
            break
        time.sleep(0.02)
    if visible is None:
        raise TimeoutError(f"{kind} edit {n} never appeared at /{address}:\n" + "\n".join(server.log[-30:]))
    reloaded = server.wait_for("Reloading browsers", timeout=60) - start
    return {"visible_s": round(visible, 3), "reload_log_s": round(reloaded, 3)}


def notebook_execution_seconds(src: Path, runs: int = 3) -> list[float]:
    """The notebook's execution alone, as hooks/notebook_pages.py runs it (new kernel, empty folder)."""
    code = ("import sys, time, jupytext; sys.path.insert(0, sys.argv[1]); "
            "from hooks.notebook_pages import execute; nb = jupytext.read(sys.argv[2]); "
            "t = time.perf_counter(); execute(nb); print(time.perf_counter() - t)")
    out = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", code, str(src), str(src / EDITS["notebook"][0])],
                              capture_output=True, text=True, check=True, cwd=src)
        out.append(round(float(done.stdout.split()[-1]), 3))
    return out


def copy_sources(dest: Path) -> None:
    """The tracked files as they are in the working tree, plus the hooks (a new hook may not be
    committed yet); other untracked files (pages in progress) stay out. KaTeX is linked."""
    names = git("ls-files").splitlines() + git("ls-files", "--others", "--exclude-standard", "hooks").splitlines()
    for name in names:
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    (dest / "node_modules").symlink_to(ROOT / "node_modules")


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def summary(values: list[float]) -> dict:
    return {"median_s": round(statistics.median(values), 3), "min_s": min(values), "max_s": max(values)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=5, help="edits of each kind (default 5)")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between edits")
    args = parser.parse_args()
    load_before = os.getloadavg()
    results: dict[str, list[dict]] = {kind: [] for kind in EDITS}
    with tempfile.TemporaryDirectory(prefix="serve-bench-") as tmp:
        src = Path(tmp) / "repo"
        copy_sources(src)
        execution = notebook_execution_seconds(src)
        started = time.perf_counter()
        server = Server(src)
        try:
            first_build = server.wait_for("Serving on") - started
            n = 0
            for kind in EDITS:
                for _ in range(args.edits):
                    time.sleep(args.pause)  # the file watcher polls every 0.5 s
                    n += 1
                    results[kind].append(time_edit(server, src, kind, n))
                    print(f"{kind} edit {n}: {results[kind][-1]}", file=sys.stderr)
            rebuilt = [line for line in server.log if "incremental rebuild:" in line]
        finally:
            server.stop()
    targets = {**TARGETS, "notebook": round(statistics.median(execution) + 2.0, 3)}
    out = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "commit": git("rev-parse", "HEAD"),
        "uncommitted_changes": bool(git("status", "--porcelain", "--untracked-files=no")),
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "cpus": os.cpu_count(), "processor": platform.processor() or platform.machine()},
        "load_average_1_5_15": {"before": [round(x, 2) for x in load_before],
                                "after": [round(x, 2) for x in os.getloadavg()]},
        "command": "mkdocs serve --dirty --watch overrides (make serve)",
        "first_build_s": round(first_build, 3),
        "notebook_execution_s": execution,
        "edits": {kind: {"file": EDITS[kind][0], "page": "/" + EDITS[kind][1], "target_s": targets[kind],
                         **summary([r["visible_s"] for r in runs]),
                         "reload_log_median_s": round(statistics.median(r["reload_log_s"] for r in runs), 3),
                         "runs": runs}
                  for kind, runs in results.items()},
        "server_log_rebuilds": rebuilt,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"first build {out['first_build_s']:.1f} s; notebook execution alone {statistics.median(execution):.1f} s; "
          f"load average {out['load_average_1_5_15']['before']}\n")
    print("| edit | median visible, s | min-max, s | target, s | met |\n|---|---|---|---|---|")
    for kind, r in out["edits"].items():
        print(f"| {kind} | {r['median_s']:.2f} | {r['min_s']:.2f}-{r['max_s']:.2f} | {r['target_s']:.1f} | "
              f"{'yes' if r['median_s'] <= r['target_s'] else 'no'} |")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
