"""Benchmark: math rendered at build time (this site) vs Material's client-side KaTeX recipe.

Builds the same content twice, from the sources committed at a git ref (default HEAD):

- ``build-time``: the site as configured (hooks/katex_math.py renders every formula into the HTML);
- ``client-side``: the hook removed, and Material's documented KaTeX recipe added instead
  (``javascripts/katex.js`` calling ``renderMathInElement`` on ``document$``, plus KaTeX's
  ``katex.min.js``, ``contrib/auto-render.min.js`` and ``katex.min.css``), with every KaTeX asset
  served from the site itself rather than from a CDN, and the same macros.

Then loads every page of each build in headless Chromium (a fresh context per page, so
nothing is cached) and measures: first contentful paint (FCP); math settle time (when the last
formula was inserted by a script, or the last KaTeX font arrived, whichever is later); cumulative layout shift (CLS); bytes transferred (raw, and gzip-compressed as a
server would send them); request count; and each build's wall time.

Run on demand (not a test):  .venv/bin/python benchmarks/math_rendering.py
It prints a table and writes benchmarks/results/math_rendering.json, which the page
"How this site is built" renders at build time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import http.server
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: `python benchmarks/math_rendering.py`
from tests.site_checks import CHROMIUM_ARGS, find_chromium, serve  # noqa: E402  (one server, one Chromium set-up)
RESULTS = ROOT / "benchmarks" / "results" / "math_rendering.json"

# Material for MkDocs' documented KaTeX integration (reference/math), macros added.
CLIENT_JS = """document$.subscribe(({ body }) => {
  renderMathInElement(body, {
    delimiters: [
      { left: "$$",  right: "$$",  display: true },
      { left: "$",   right: "$",   display: false },
      { left: "\\\\(", right: "\\\\)", display: false },
      { left: "\\\\[", right: "\\\\]", display: true }
    ],
    macros: %s,
  })
})
"""

# Runs in the page before any of its scripts: records paint, layout shifts and when math appears.
PROBE_JS = """
window.__bench = { cls: 0, lastMath: null };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) window.__bench.cls += e.value;
}).observe({ type: "layout-shift", buffered: true });
// Formulas inserted by a script (after parsing), not by the HTML parser itself, and not
// formulas that were already there and only moved (Material wraps tables in a scroll box).
{
const parsed = new WeakSet();
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".katex").forEach((e) => parsed.add(e));
});
new MutationObserver((records) => {
  if (document.readyState === "loading") return;
  for (const r of records) for (const n of r.addedNodes) {
    if (n.nodeType !== 1) continue;
    const math = n.matches(".katex") ? [n] : [...n.querySelectorAll(".katex")];
    if (math.some((e) => !parsed.has(e))) window.__bench.lastMath = performance.now();
  }
}).observe(document, { childList: true, subtree: true });
}
"""


SOURCES = ["docs", "snippets", "hooks", "overrides", "benchmarks", "mkdocs.yml", "pyproject.toml"]


def copy_sources(dest: Path, ref: str = "HEAD") -> None:
    """The site's sources as committed at ``ref`` (default HEAD), extracted into ``dest``."""
    tracked = subprocess.run(["git", "ls-tree", "--name-only", ref], cwd=ROOT, check=True, capture_output=True,
                             text=True).stdout.split()
    paths = [p for p in SOURCES if p in tracked]
    archive = subprocess.run(["git", "archive", ref, *paths], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    (dest / "node_modules").symlink_to(ROOT / "node_modules")


def make_client_side(dest: Path) -> None:
    """Turn the copied sources into Material's client-side KaTeX recipe, assets served locally."""
    config = yaml.safe_load((dest / "mkdocs.yml").read_text())
    config.pop("hooks", None)
    macros = (ROOT / "hooks" / "katex_macros.json").read_text()
    (dest / "docs" / "javascripts").mkdir(exist_ok=True)
    (dest / "docs" / "javascripts" / "katex.js").write_text(CLIENT_JS % macros)
    dist = ROOT / "node_modules" / "katex" / "dist"
    target = dest / "docs" / "assets" / "katex"
    target.mkdir(parents=True)
    for name in ("katex.min.js", "katex.min.css"):
        shutil.copy2(dist / name, target / name)
    (target / "contrib").mkdir()
    shutil.copy2(dist / "contrib" / "auto-render.min.js", target / "contrib" / "auto-render.min.js")
    shutil.copytree(dist / "fonts", target / "fonts")
    config["extra_javascript"] = [
        "javascripts/katex.js",
        "assets/katex/katex.min.js",
        "assets/katex/contrib/auto-render.min.js",
        *config.get("extra_javascript", []),
    ]
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))


def build(src: Path) -> tuple[Path, float]:
    site = src / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(src)}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=src, env=env, capture_output=True, text=True,
    )
    if done.returncode:
        raise SystemExit(f"the build in {src} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return site, time.perf_counter() - start


def file_for(site: Path, url: str) -> Path | None:
    path = unquote(urlparse(url).path).lstrip("/")
    candidate = site / path
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def measure(browser, site: Path, base: str, page_path: str, settle_ms: int) -> dict:
    context = browser.new_context()
    context.add_init_script(PROBE_JS)
    urls: list[str] = []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
    page = context.new_page()
    page.on("request", lambda r: urls.append(r.url))
    page.goto(base + page_path, wait_until="load")
    page.wait_for_timeout(settle_ms)  # let late renders and shifts happen
    m = page.evaluate("""() => {
      const fcp = performance.getEntriesByName("first-contentful-paint")[0];
      const nav = performance.getEntriesByType("navigation")[0];
      return { fcp: fcp ? fcp.startTime : null, interactive: nav.domInteractive,
               cls: window.__bench.cls, lastMath: window.__bench.lastMath,
               fontsDone: Math.max(0, ...performance.getEntriesByType("resource")
                   .filter((r) => r.name.includes("/fonts/KaTeX_")).map((r) => r.responseEnd)),
               math: document.querySelectorAll(".katex").length,
               errors: document.querySelectorAll(".katex-error").length };
    }""")
    context.close()
    raw = gz = 0
    offsite = 0
    for url in urls:
        f = file_for(site, url)
        if f is None:
            offsite += not url.startswith(base)
            continue
        data = f.read_bytes()
        raw += len(data)
        gz += len(gzip.compress(data, compresslevel=6, mtime=0))
    # Math stops changing once its last formula is in the DOM and its fonts have arrived.
    settle = max(m["lastMath"] or 0.0, m["fontsDone"]) if m["math"] else None
    return {
        "page": "/" + page_path, "fcp_ms": m["fcp"], "settle_ms": settle, "cls": m["cls"],
        "formulas": m["math"], "katex_errors": m["errors"], "requests": len(urls),
        "offsite_requests": offsite, "bytes_raw": raw, "bytes_gzip": gz,
    }


def run(settle_ms: int, ref: str) -> dict:
    from playwright.sync_api import sync_playwright

    results: dict = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}",
        "commit": subprocess.run(["git", "rev-parse", "--short", ref], cwd=ROOT, capture_output=True,
                                 text=True).stdout.strip(),
        "variants": {},
    }
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        for variant in ("build-time", "client-side"):
            src = Path(tmp) / variant
            src.mkdir()
            copy_sources(src, ref)
            if variant == "client-side":
                make_client_side(src)
            site, seconds = build(src)
            server, base = serve(site)
            pages = sorted(p.relative_to(site).as_posix().removesuffix("index.html")
                           for p in site.rglob("index.html"))
            rows = [measure(browser, site, base, p, settle_ms) for p in pages]
            server.shutdown()
            results["variants"][variant] = {"build_seconds": seconds, "browser": browser.version, "pages": rows}
        browser.close()
    return results


def summary(variant: dict) -> dict:
    rows = [r for r in variant["pages"] if r["formulas"]]
    return {
        "pages with math": len(rows),
        "build s": variant["build_seconds"],
        "median FCP ms": statistics.median(r["fcp_ms"] for r in rows),
        "median settle ms": statistics.median(r["settle_ms"] for r in rows),
        "pages settled after FCP": sum(r["settle_ms"] > r["fcp_ms"] for r in rows),
        "max CLS": max(r["cls"] for r in rows),
        "median KB raw": statistics.median(r["bytes_raw"] for r in rows) / 1024,
        "median KB gzip": statistics.median(r["bytes_gzip"] for r in rows) / 1024,
        "median requests": statistics.median(r["requests"] for r in rows),
    }


def table(results: dict) -> str:
    """A Markdown table: one row per variant, summary over the pages that have math."""
    sums = {name: summary(v) for name, v in results["variants"].items()}
    keys = list(next(iter(sums.values())))
    lines = ["| | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    for name, s in sums.items():
        cells = [f"{v:.3f}" if k == "max CLS" else f"{v:.1f}" if isinstance(v, float) else str(v) for k, v in s.items()]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def page_table(results: dict) -> str:
    """A Markdown table per page: FCP, settle time and CLS of both variants."""
    b, c = (results["variants"][k]["pages"] for k in ("build-time", "client-side"))
    lines = ["| page | FCP / settle ms (build-time) | CLS | FCP / settle ms (client-side) | CLS |", "|---|---|---|---|---|"]
    for rb, rc in zip(b, c):
        if rb["formulas"]:
            lines.append(f"| {rb['page']} | {rb['fcp_ms']:.0f} / {rb['settle_ms']:.0f} | {rb['cls']:.3f} "
                         f"| {rc['fcp_ms']:.0f} / {rc['settle_ms']:.0f} | {rc['cls']:.3f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--settle-ms", type=int, default=1500, help="wait after load before reading metrics")
    parser.add_argument("--ref", default="HEAD", help="the commit whose sources are built (default HEAD)")
    parser.add_argument("--no-save", action="store_true", help="do not write benchmarks/results/")
    args = parser.parse_args()
    results = run(args.settle_ms, args.ref)
    print(f"{results['date']} on {results['machine']}\n")
    print(table(results))
    print()
    print(page_table(results))
    if not args.no_save:
        RESULTS.write_text(json.dumps(results, indent=1) + "\n")
        print(f"\nwrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
