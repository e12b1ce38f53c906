"""Mutation run over snippets/: does a wrong formula anywhere in the code fail a test?

For every file under ``snippets/`` (or the ones named), each mutant changes one operator:
``+``/``-`` swapped, ``*``/``/`` swapped, ``@`` made ``*``, ``**`` made ``*``, a ``.T`` dropped,
a unary minus dropped, a returned value negated. The tests that use the file run against
each mutant: a failing test kills it; a mutant that every test survives is printed with its
line, to be killed by a new test or explained (an equivalent mutant, or one that changes only
printed text).

Which tests: for an example file ``snippets/<page>/<name>.py``, the tests in
``tests/test_<page>.py`` whose code names ``"<name>"`` (the ``example`` fixture's argument), or
the whole module if none does; for any other module, every page test module that imports it.
Site-level test modules (build, browser) and browser tests are never run.

Each worker mutates its own copy of the repository, and runs each mutant's tests in a forked
child of a process that has already imported NumPy, SymPy, Matplotlib and pytest, so a mutant
costs its tests' time and little more.

    .venv/bin/python tools/mutate.py                   # every file under snippets/
    .venv/bin/python tools/mutate.py snippets/layers   # one page's package (or files)
    .venv/bin/python tools/mutate.py --json out.json   # also write the results
"""

from __future__ import annotations

import argparse
import ast
import json
import multiprocessing as mp
import os
import re
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE_TESTS = {"test_build.py", "test_browser.py", "test_links_and_code.py", "test_reproducible.py",
              "test_site_checks.py", "test_examples.py", "test_layout.py",
              "test_hook_katex_math.py", "test_hook_notebook_pages.py", "test_hook_import_path.py"}
SWAP = {ast.Add: ("+", "-"), ast.Sub: ("-", "+"), ast.Mult: ("*", "/"), ast.Div: ("/", "*"),
        ast.MatMult: ("@", "*"), ast.Pow: ("**", "*")}


@dataclass
class Mutant:
    file: str  # path relative to the repository
    line: int
    description: str
    start: int  # character offsets of the replaced text in the file
    end: int
    replacement: str
    killed: bool | None = None
    seconds: float = 0.0


def _offsets(text: str) -> list[int]:
    """Character offset of the start of each line (1-based line numbers index it from 1)."""
    starts = [0, 0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def mutants_of(path: Path) -> list[Mutant]:
    """Every one-operator mutant of a Python file, as text edits."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    starts = _offsets(text)
    rel = path.relative_to(ROOT).as_posix()

    def pos(line: int, col: int) -> int:  # ast columns count UTF-8 bytes
        line_text = text[starts[line]:starts[line + 1]]
        return starts[line] + len(line_text.encode("utf-8")[:col].decode("utf-8"))

    found: list[Mutant] = []
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                  and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and type(node.op) in SWAP:
            if isinstance(node.op, ast.Mult) and any(isinstance(s, ast.Constant) and isinstance(s.value, str)
                                                     for s in (node.left, node.right)):
                continue  # "-" * 40: text, not a formula
            if isinstance(node.op, ast.Add) and any(isinstance(s, (ast.JoinedStr,)) or (isinstance(s, ast.Constant) and isinstance(s.value, str))
                                                    for s in (node.left, node.right)):
                continue  # string concatenation
            old, new = SWAP[type(node.op)]
            a, b = pos(node.left.end_lineno, node.left.end_col_offset), pos(node.right.lineno, node.right.col_offset)
            gap = text[a:b]
            i = gap.find(old)
            while i >= 0 and old in ("*", "/") and gap[i:i + 2] in ("**", "//"):
                i = gap.find(old, i + 2)
            if i < 0:
                continue
            found.append(Mutant(rel, node.lineno, f"{old} -> {new}", a + i, a + i + len(old), new))
        elif isinstance(node, ast.Attribute) and node.attr == "T" and isinstance(node.ctx, ast.Load):
            a, b = pos(node.value.end_lineno, node.value.end_col_offset), pos(node.end_lineno, node.end_col_offset)
            found.append(Mutant(rel, node.lineno, ".T dropped", a, b, ""))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            a = pos(node.lineno, node.col_offset)
            found.append(Mutant(rel, node.lineno, "unary - dropped", a, a + 1, ""))
        elif isinstance(node, ast.Return) and node.value is not None and id(node.value) not in docstrings:
            v = node.value
            if isinstance(v, ast.Constant) and (v.value is None or isinstance(v.value, (str, bool))):
                continue
            if isinstance(v, (ast.JoinedStr, ast.Tuple, ast.Dict, ast.List, ast.Compare, ast.BoolOp)):
                continue  # negating text, a tuple or a truth value is a type error, not a formula
            a, b = pos(v.lineno, v.col_offset), pos(v.end_lineno, v.end_col_offset)
            found.append(Mutant(rel, node.lineno, "return value negated", a, b, "-(" + text[a:b] + ")"))
    found.sort(key=lambda m: (m.start, m.description))
    return found


def page_test_modules() -> list[Path]:
    return sorted(p for p in (ROOT / "tests").glob("test_*.py") if p.name not in SITE_TESTS)


def tests_for(file: Path) -> list[str]:
    """pytest arguments (module paths or node ids) for the tests that use ``file``."""
    rel = file.relative_to(ROOT)
    parts = rel.parts
    if len(parts) == 3 and parts[1] != "shared":  # snippets/<page>/<name>.py
        module = ROOT / "tests" / f"test_{parts[1]}.py"
        if not module.is_file():
            return []
        stem = file.stem
        tree = ast.parse(module.read_text(encoding="utf-8"))
        ids = [f"tests/{module.name}::{n.name}" for n in tree.body
               if isinstance(n, ast.FunctionDef) and n.name.startswith("test")
               and any(isinstance(c, ast.Constant) and c.value == stem for c in ast.walk(n))]
        if ids and stem not in {"figures", "tables"}:
            return ids
        dotted = ".".join(rel.with_suffix("").parts)
        users = [m for m in page_test_modules() if dotted in m.read_text(encoding="utf-8")]
        return [f"tests/{m.name}" for m in users] or [f"tests/{module.name}"]
    dotted = ".".join(rel.with_suffix("").parts)
    # A shared module: every page test module that imports it, or whose page's hidden modules do.
    users = set()
    for m in page_test_modules():
        if dotted in m.read_text(encoding="utf-8"):
            users.add(m)
    for hidden in (ROOT / "snippets").rglob("*.py"):
        if dotted in hidden.read_text(encoding="utf-8") and hidden.parent.name != "shared":
            m = ROOT / "tests" / f"test_{hidden.parent.name}.py"
            if m.is_file():
                users.add(m)
    return [f"tests/{m.name}" for m in sorted(users)]


def _copy_repo(dest: Path) -> None:
    for name in ("snippets", "tests", "docs", "hooks"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")
    if (ROOT / "mkdocs.yml").exists():
        shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")


def _run_tests(copy: Path, args: list[str], timeout: float) -> bool:
    """Run pytest on ``args`` in a forked child working in ``copy``; True if a test failed."""
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.chdir(copy)
            sys.path.insert(0, str(copy))
            # A mutant of the same length written in the same second would otherwise load the
            # bytecode cached for the previous one.
            sys.dont_write_bytecode = True
            # A mutant that sizes an array wrongly can ask for all the memory: 4 GiB, then a
            # MemoryError (a caught mutant) instead of the machine swapping.
            resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            import pytest

            code = pytest.main(["-x", "-q", "-n", "0", "-p", "no:cacheprovider", "--hypothesis-seed=0",
                                "-k", "not browser", *args])
        except BaseException:
            code = 3
        os._exit(int(code))
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status) != 0
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            return True  # an endless loop is a caught mutant too
        time.sleep(0.02)


def _worker(jobs: "mp.Queue", results: "mp.Queue", timeout: float) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import hypothesis  # noqa: F401  (warm imports shared by every forked child)
    import matplotlib.pyplot  # noqa: F401
    import numpy  # noqa: F401
    import pytest  # noqa: F401
    import sympy  # noqa: F401

    with tempfile.TemporaryDirectory(prefix="mutate-") as tmp:
        copy = Path(tmp)
        _copy_repo(copy)
        while (job := jobs.get()) is not None:
            mutant, args = job
            target = copy / mutant.file
            original = target.read_text(encoding="utf-8")
            started = time.monotonic()
            try:
                target.write_text(original[:mutant.start] + mutant.replacement + original[mutant.end:], encoding="utf-8")
                mutant.killed = _run_tests(copy, args, timeout)
            finally:
                target.write_text(original, encoding="utf-8")
            mutant.seconds = time.monotonic() - started
            results.put(mutant)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=["snippets"], help="files or folders under snippets/")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per mutant")
    parser.add_argument("--json", type=Path, help="write every mutant and its outcome here")
    opts = parser.parse_args()

    files = []
    for p in opts.paths:
        p = (ROOT / p).resolve() if not Path(p).is_absolute() else Path(p)
        files += sorted(p.rglob("*.py")) if p.is_dir() else [p]
    files = [f for f in files if f.name != "__init__.py"]
    work, untested = [], []
    for f in files:
        args = tests_for(f)
        ms = mutants_of(f)
        if ms and not args:
            untested.append(f.relative_to(ROOT).as_posix())
        work += [(m, args) for m in ms if args]
    print(f"{len(work)} mutants in {len(files)} files, {opts.jobs} workers", flush=True)

    ctx = mp.get_context("fork")
    jobs, results = ctx.Queue(), ctx.Queue()
    for item in work:
        jobs.put(item)
    workers = [ctx.Process(target=_worker, args=(jobs, results, opts.timeout)) for _ in range(opts.jobs)]
    for _ in workers:
        jobs.put(None)
    for w in workers:
        w.start()
    done: list[Mutant] = []
    started = time.monotonic()
    for i in range(len(work)):
        m = results.get()
        done.append(m)
        if not m.killed:
            print(f"SURVIVED {m.file}:{m.line}: {m.description}", flush=True)
        if (i + 1) % 100 == 0:
            print(f"  {i + 1}/{len(work)} in {time.monotonic() - started:.0f} s", flush=True)
    for w in workers:
        w.join()

    by_file: dict[str, list[Mutant]] = {}
    for m in done:
        by_file.setdefault(m.file, []).append(m)
    print("\nkilled/total by file:")
    for f in sorted(by_file):
        ms = by_file[f]
        print(f"  {f}: {sum(m.killed for m in ms)}/{len(ms)}")
    killed = sum(m.killed for m in done)
    print(f"\nkilled {killed}/{len(done)} mutants in {time.monotonic() - started:.0f} s")
    if untested:
        print("files with mutants but no test module that uses them: " + ", ".join(untested))
    if opts.json:
        opts.json.write_text(json.dumps([asdict(m) for m in sorted(done, key=lambda m: (m.file, m.start))], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
