"""The numbers of "How this site is built", read at build time from the benchmarks' result files
(``benchmarks/results/*.json``, written by the scripts in ``benchmarks/``, run on demand) and
from the constants of the tests they describe. Nothing here measures; each table says which
run (date, commit, machine) its numbers come from."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results"
VARIANTS = ("build-time", "client-side", "no-math", "no-preload")
WITH_MATH = ("build-time", "client-side", "no-preload")  # the variants whose math can settle late


def load(name: str) -> dict | None:
    """One recorded benchmark run, e.g. ``load("math_rendering")``; None if it was never run."""
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def not_measured(name: str) -> str:
    """What the page says where a benchmark has no recorded run (a fresh fork, say)."""
    return f"No recorded run yet: run `.venv/bin/python benchmarks/{name}.py` on a quiet machine."


def run_line(results: dict) -> str:
    """Where and when a run was measured."""
    return (f"Measured on {results['date']} at commit `{results['commit']}`, on {results['machine']}"
            f" (load average {results['load_average']:.1f} at the start).")


def _pages_with_math(results: dict) -> list[int]:
    return [i for i, r in enumerate(results["variants"]["build-time"]["pages"]) if r["formulas"]]


def first_paint(results: dict) -> list[dict]:
    """Per page with math: the median FCP of each variant (ms), when math is final with build-time
    and client-side math, and the two FCP ratios the targets are about."""
    v, out = results["variants"], []
    for i in _pages_with_math(results):
        rows = {k: v[k]["pages"][i] for k in VARIANTS}
        fcp = {k: statistics.median(r["fcp_ms"]) for k, r in rows.items()}
        out.append({
            "page": rows["build-time"]["page"], "fcp": fcp,
            "range": {k: (min(r["fcp_ms"]), max(r["fcp_ms"])) for k, r in rows.items()},
            "final": {k: statistics.median(rows[k]["final_ms"]) for k in WITH_MATH},
            "vs client-side": fcp["build-time"] / fcp["client-side"],
            "vs no-math": fcp["build-time"] / fcp["no-math"],
        })
    return out


def first_paint_summary(results: dict) -> str:
    """The sentence that states the two first-paint targets and how many pages meet them."""
    rows = first_paint(results)
    med = {k: statistics.median(r["fcp"][k] for r in rows) for k in VARIANTS}
    final = {k: statistics.median(r["final"][k] for r in rows) for k in WITH_MATH}
    early = sum(r["vs client-side"] <= 1 for r in rows)
    close = sum(r["vs no-math"] <= 1.1 for r in rows)
    worst = max(rows, key=lambda r: r["vs no-math"])
    share = (med["build-time"] - med["no-preload"]) / (med["build-time"] - med["no-math"])
    return (f"Over the {len(rows)} pages with math, {results['loads_per_page']} loads each: median first "
            f"paint {med['build-time']:.0f} ms with build-time math, {med['client-side']:.0f} ms with "
            f"client-side math and {med['no-math']:.0f} ms with the math removed. Math is final at "
            f"{final['build-time']:.0f} ms against {final['client-side']:.0f} ms. Build-time math "
            f"paints no later than client-side math on {early} of {len(rows)} pages, and within 10% "
            f"of the page without math on {close} of {len(rows)}; the largest ratio is "
            f"{worst['vs no-math']:.2f}, on {worst['page']}. Without the font preloads the first paint "
            f"comes at {med['no-preload']:.0f} ms ({share:.0%} of the gap to the page without math is "
            f"gone), but the math is final only at {final['no-preload']:.0f} ms.")


def summary_table(results: dict) -> str:
    """One row per variant: build time, medians over the pages with math, worst layout shift."""
    v, idx = results["variants"], _pages_with_math(results)
    lines = ["| | build, s | median FCP, ms | median time to final math, ms | max CLS | median KB (gzip) |",
             "|---|---|---|---|---|---|"]
    for name in VARIANTS:
        rows = [v[name]["pages"][i] for i in idx]
        build = f"{v[name]['build_seconds']:.0f}" if v[name]["build_seconds"] else "-"
        fcp = statistics.median(statistics.median(r["fcp_ms"]) for r in rows)
        final = "-" if name not in WITH_MATH else f"{statistics.median(statistics.median(r['final_ms']) for r in rows):.0f}"
        cls = max(max(r["cls"]) for r in rows)
        kb = statistics.median(r["bytes_gzip"] for r in rows) / 1024
        lines.append(f"| {name} | {build} | {fcp:.0f} | {final} | {cls:.3f} | {kb:.0f} |")
    return "\n".join(lines)


def page_table(results: dict) -> str:
    """Per page: FCP median (range over the loads) of each variant, when the math is final, and
    the two ratios the targets are about."""
    lines = ["| page | FCP: build-time | client-side | no math | no preload | math final: build-time / client-side / no preload | FCP ratio to client-side | to no math |",
             "|---|---|---|---|---|---|---|---|"]
    for r in first_paint(results):
        cells = [f"{r['fcp'][k]:.0f} ({r['range'][k][0]:.0f}-{r['range'][k][1]:.0f})" for k in VARIANTS]
        final = " / ".join(f"{r['final'][k]:.0f}" for k in WITH_MATH)
        lines.append(f"| {r['page']} | " + " | ".join(cells)
                     + f" | {final} | {r['vs client-side']:.2f} | {r['vs no-math']:.2f} |")
    return "\n".join(lines)


def notebook_weights(results: dict) -> dict[str, float]:
    """Each notebook page's HTML (gzip) divided by the median ordinary page's."""
    rows = results["variants"]["build-time"]["pages"]
    typical = statistics.median(r["html_gzip"] for r in rows if not r["page"].startswith("/notebooks/"))
    return {r["page"]: r["html_gzip"] / typical for r in rows if r["page"].startswith("/notebooks/")}


def weight_table(results: dict) -> str:
    """The notebook pages' weight against the median page."""
    rows = {r["page"]: r for r in results["variants"]["build-time"]["pages"]}
    typical = statistics.median(r["html_gzip"] for p, r in rows.items() if not p.startswith("/notebooks/"))
    lines = [f"| notebook page | HTML, KB gzip | times the median page ({typical / 1024:.1f} KB) |", "|---|---|---|"]
    lines += [f"| {page} | {rows[page]['html_gzip'] / 1024:.1f} | {ratio:.2f} |"
              for page, ratio in notebook_weights(results).items()]
    return "\n".join(lines)


def taylor_test_table() -> str:
    """The Taylor-test claims of tests/test_linear_map.py: fitted windows, the condition under
    which each is asserted, and the slope it must show, read from the test's own constants."""
    from tests import test_linear_map as t  # the table is the test's, not a copy of it

    def window(claim: str) -> str:
        lo, hi = t.WINDOWS[claim]
        return f"$10^{{{lo}}}$ to $10^{{{hi}}}$"

    rows = [
        ("correct Jacobian $\\J_\\vf$", "J", f"second-order coefficient $c \\ge {t.C_MIN}$", 2),
        ("correct $\\J_\\vf$, the linear-map page's window", "page", f"$c \\ge {t.C_MIN_PAGE}$", 2),
        ("transpose $\\J_\\vf^\\top$", "J^T", f"$\\lVert (\\J_\\vf^\\top - \\J_\\vf)\\vu \\rVert \\ge {t.TRANSPOSE_GAP_MIN}$", 1),
        (f"one entry off by ${t.ENTRY_OFF}$", "entry", "at $(1, 2)$, each of the four entries", 1),
    ]
    lines = ["| claim | steps $\\lVert \\vh \\rVert$ fitted | asserted where | fitted slope |", "| --- | --- | --- | --- |"]
    lines += [f"| {claim} | {window(key)} | {where} | within ${t.SLOPE_TOL}$ of {slope} |" for claim, key, where, slope in rows]
    return "\n".join(lines)


def serve_table(results: dict) -> str:
    """The three edit latencies of `make serve` (benchmarks/serve_rebuild.py) against their targets."""
    names = {"page": "one word in a page", "snippet": "a line in an example file the page includes",
             "notebook": "a cell added to a notebook (target: its execution time + 2 s)"}
    lines = ["| edit | file | visible after, s: median (range) | target, s | met |", "|---|---|---|---|---|"]
    for kind, e in results["edits"].items():
        lines.append(f"| {names.get(kind, kind)} | `{e['file']}` | {e['median_s']:.2f} ({e['min_s']:.2f}-{e['max_s']:.2f}) "
                     f"| {e['target_s']:.1f} | {'yes' if e['median_s'] <= e['target_s'] else 'no'} |")
    return "\n".join(lines)


def serve_line(results: dict) -> str:
    """Where and when the serve benchmark ran, and how busy the machine was."""
    load = results["load_average_1_5_15"]["before"][0]
    return (f"Measured on {results['date'][:16].replace('T', ' ')} UTC at commit `{results['commit'][:7]}`"
            f"{' (with uncommitted changes)' if results.get('uncommitted_changes') else ''}, "
            f"{results['machine']['cpus']} cores, load average {load:.1f} at the start; "
            f"{len(results['edits']['page']['runs'])} edits of each kind, each timed from the file write "
            f"until the new text is served at the page's address. The first build of a session took "
            f"{results['first_build_s']:.0f} s.")
