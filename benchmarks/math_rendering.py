"""Benchmark: math rendered at build time (this site) vs Material's client-side KaTeX recipe.

Builds the same content twice, from the sources committed at a git ref (default HEAD), and
derives a third variant:

- ``build-time``: the site as configured (hooks/katex_math.py renders every formula into the HTML);
- ``client-side``: the hook removed, and Material's documented KaTeX recipe added instead
  (``javascripts/katex.js`` calling ``renderMathInElement`` on ``document$``, plus KaTeX's
  ``katex.min.js``, ``contrib/auto-render.min.js`` and ``katex.min.css``), with every KaTeX asset
  served from the site itself rather than from a CDN, and the same macros;
- ``no-math``: the build-time site with every formula removed (and KaTeX's stylesheet and
  font preloads): the physical limit, a page that paints as early as it can without math.

Then loads every page of each variant several times (``--loads``, default 5) in headless
Chromium, a fresh context per load so nothing is cached, the variants taking turns, and
measures: first contentful paint (FCP); math settle time (when the last formula was inserted by a
script, or the last KaTeX font arrived, whichever is later); when the math is final for the
reader (the later of FCP and settle); cumulative layout shift (CLS); bytes transferred (raw, and
gzip-compressed as a server would send them); request count; and each build's wall time.
Per page it keeps every load, and reports the median and the range.

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
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlparse


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


SOURCES = ["docs", "snippets", "hooks", "overrides", "benchmarks", "tests", "mkdocs.yml", "pyproject.toml"]


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
    # Edited as text: mkdocs.yml has !ENV tags, which a YAML round trip would lose.
    config = (dest / "mkdocs.yml").read_text()
    hook = next(line for line in config.splitlines(keepends=True) if "hooks/katex_math.py" in line)
    config = config.replace(hook, "")  # the other hooks (notebooks, import path) stay
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
    scripts = ["javascripts/katex.js", "assets/katex/katex.min.js", "assets/katex/contrib/auto-render.min.js"]
    assert "\nextra_javascript:\n" in config
    config = config.replace("\nextra_javascript:\n", "\nextra_javascript:\n" + "".join(f"  - {s}\n" for s in scripts))
    (dest / "mkdocs.yml").write_text(config)


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


KATEX_START = re.compile(r'<span class="katex(?:-display)?"')
KATEX_LINKS = re.compile(r'<link rel="(?:preload|stylesheet)" href="[^"]*(?:KaTeX_[^"]*\.woff2|katex\.min\.css)"[^>]*>\n?')


def strip_math(html: str) -> str:
    """The page without its math: every KaTeX element removed (with its MathML), and KaTeX's
    stylesheet link and font preloads. The rest of the page is byte for byte the same."""
    out, pos = [], 0
    while (m := KATEX_START.search(html, pos)) is not None:
        out.append(html[pos:m.start()])
        depth, i = 0, m.start()
        while True:  # KaTeX's HTML is nested spans: find the matching </span>
            opening, closing = html.find("<span", i), html.find("</span>", i)
            if opening != -1 and opening < closing:
                depth, i = depth + 1, opening + 5
            else:
                depth, i = depth - 1, closing + 7
                if depth == 0:
                    break
        pos = i
    out.append(html[pos:])
    return KATEX_LINKS.sub("", "".join(out))


FONT_PRELOAD = re.compile(r'<link rel="preload" href="[^"]*KaTeX_[^"]*\.woff2"[^>]*>\n?')


def derived_site(site: Path, dest: Path, change) -> Path:
    """A copy of the built site with ``change`` (str -> str) applied to every page."""
    shutil.copytree(site, dest)
    for page in dest.rglob("*.html"):
        page.write_text(change(page.read_text(encoding="utf-8")), encoding="utf-8")
    return dest


def measure(browser, site: Path, base: str, page_path: str, settle_ms: int) -> dict:
    """One load of one page in a fresh browser context (empty cache)."""
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
      return { fcp: fcp ? fcp.startTime : null,
               cls: window.__bench.cls, lastMath: window.__bench.lastMath,
               fontsDone: Math.max(0, ...performance.getEntriesByType("resource")
                   .filter((r) => r.name.includes("/fonts/KaTeX_")).map((r) => r.responseEnd)),
               math: document.querySelectorAll(".katex").length,
               errors: document.querySelectorAll(".katex-error").length };
    }""")
    context.close()
    raw = gz = offsite = 0
    for url in urls:
        f = file_for(site, url)
        if f is None:
            offsite += not url.startswith(base)
            continue
        data = f.read_bytes()
        raw += len(data)
        gz += len(gzip.compress(data, compresslevel=6, mtime=0))
    # Math stops changing once its last formula is in the DOM and its fonts have arrived; it is
    # final for the reader at the later of that and the first paint.
    settle = max(m["lastMath"] or 0.0, m["fontsDone"]) if m["math"] else None
    document = file_for(site, base + page_path).read_bytes()
    return {
        "html_gzip": len(gzip.compress(document, compresslevel=6, mtime=0)),
        "fcp_ms": m["fcp"], "settle_ms": settle, "final_ms": max(m["fcp"], settle or 0.0),
        "cls": m["cls"], "formulas": m["math"], "katex_errors": m["errors"], "requests": len(urls),
        "offsite_requests": offsite, "bytes_raw": raw, "bytes_gzip": gz,
    }


VARIANTS = ("build-time", "client-side", "no-math", "no-preload")
PER_LOAD = ("fcp_ms", "settle_ms", "final_ms", "cls")  # lists, one value per load


def run(settle_ms: int, ref: str, loads: int, only: list[str] | None = None) -> dict:
    """Build both variants, derive the other two, and load every page ``loads`` times per
    variant. The variants take turns page by page and load by load (in a rotating order), so a
    busy moment of the machine falls on all three alike."""
    from playwright.sync_api import sync_playwright

    results: dict = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}",
        "load_average": os.getloadavg()[0],
        "commit": subprocess.run(["git", "rev-parse", "--short", ref], cwd=ROOT, capture_output=True,
                                 text=True).stdout.strip(),
        "loads_per_page": loads,
        "variants": {},
    }
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        sites, servers = {}, []
        for variant in ("build-time", "client-side"):
            src = Path(tmp) / variant
            src.mkdir()
            copy_sources(src, ref)
            if variant == "client-side":
                make_client_side(src)
            sites[variant], seconds = build(src)
            results["variants"][variant] = {"build_seconds": seconds, "pages": []}
        sites["no-math"] = derived_site(sites["build-time"], Path(tmp) / "no-math-site", strip_math)
        sites["no-preload"] = derived_site(sites["build-time"], Path(tmp) / "no-preload-site",
                                           lambda html: FONT_PRELOAD.sub("", html))
        for variant in ("no-math", "no-preload"):
            results["variants"][variant] = {"build_seconds": None, "pages": []}
        bases = {}
        for variant, site in sites.items():
            server, bases[variant] = serve(site)
            servers.append(server)
        browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        pages = sorted(p.relative_to(sites["build-time"]).as_posix().removesuffix("index.html")
                       for p in sites["build-time"].rglob("index.html"))
        pages = [p for p in pages if not only or any(word in p for word in only)]
        for page_path in pages:
            runs: dict[str, list[dict]] = {v: [] for v in VARIANTS}
            for i in range(loads):
                for variant in VARIANTS[i % len(VARIANTS):] + VARIANTS[:i % len(VARIANTS)]:
                    runs[variant].append(measure(browser, sites[variant], bases[variant], page_path, settle_ms))
            for variant, rows in runs.items():
                row = {"page": "/" + page_path, **rows[0]}
                row.update({k: [r[k] for r in rows] for k in PER_LOAD})
                results["variants"][variant]["pages"].append(row)
        for variant in VARIANTS:
            results["variants"][variant]["browser"] = browser.version
        browser.close()
        for server in servers:
            server.shutdown()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--settle-ms", type=int, default=1000, help="wait after load before reading metrics")
    parser.add_argument("--loads", type=int, default=5, help="loads per page and variant (default 5)")
    parser.add_argument("--ref", default="HEAD", help="the commit whose sources are built (default HEAD)")
    parser.add_argument("--pages", nargs="*", help="only pages whose path contains one of these words")
    parser.add_argument("--no-save", action="store_true", help="do not write benchmarks/results/")
    args = parser.parse_args()
    results = run(args.settle_ms, args.ref, args.loads, args.pages)
    from snippets.how_built import tables  # the page's tables, printed as the page will show them

    print(tables.run_line(results), "\n")
    print(tables.first_paint_summary(results), "\n")
    for table in (tables.summary_table, tables.page_table, tables.weight_table):
        print(table(results), "\n")
    if not args.no_save:
        RESULTS.write_text(json.dumps(results, indent=1) + "\n")
        print(f"\nwrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
