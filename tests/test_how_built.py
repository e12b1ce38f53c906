""""How this site is built": its tables are the recorded benchmark runs and the tests' own
constants, and the sentence that states the first-paint targets counts what the tables show."""

from __future__ import annotations

import copy
import statistics
from pathlib import Path

from snippets.how_built import tables
from tests import site_checks as checks
from tests import test_linear_map


def test_first_paint_ratios_and_counts_follow_the_recorded_loads():
    results = tables.load("math_rendering")
    rows = tables.first_paint(results)
    assert rows and all(len(r) == results["loads_per_page"] for v in results["variants"].values()
                        for p in v["pages"] for r in (p["fcp_ms"], p["final_ms"]))
    for r in rows:
        assert r["vs no-math"] == r["fcp"]["build-time"] / r["fcp"]["no-math"]
        assert r["range"]["client-side"][0] <= r["fcp"]["client-side"] <= r["range"]["client-side"][1]
    # Make build-time math slower than both others on every page: the sentence must say 0 of N.
    slow = copy.deepcopy(results)
    for page in slow["variants"]["build-time"]["pages"]:
        page["fcp_ms"] = [t + 10_000 for t in page["fcp_ms"]]
    n = len(rows)
    assert f"on 0 of {n} pages, and within 10% of the page without math on 0 of {n}" in tables.first_paint_summary(slow)


def test_notebook_weights_are_against_the_median_ordinary_page():
    results = tables.load("math_rendering")
    pages = results["variants"]["build-time"]["pages"]
    typical = statistics.median(p["html_gzip"] for p in pages if not p["page"].startswith("/notebooks/"))
    weights = tables.notebook_weights(results)
    assert len(weights) == 2 and all(weights[p["page"]] == p["html_gzip"] / typical for p in pages if p["page"] in weights)


def test_taylor_test_table_is_made_from_the_tests_constants():
    table = tables.taylor_test_table()
    for lo, hi in test_linear_map.WINDOWS.values():
        assert f"$10^{{{lo}}}$ to $10^{{{hi}}}$" in table
    assert table.count(f"within ${test_linear_map.SLOPE_TOL}$ of") == 4


def test_the_page_shows_the_recorded_run(built_site: Path):
    html = checks.read_page(built_site, "how-built/")
    results = tables.load("math_rendering")
    assert f"<code>{results['commit']}</code>" in html and results["date"] in html
    assert tables.first_paint_summary(results).split(":")[1].split(".")[0].strip() in html


def test_serve_table_says_whether_each_target_is_met():
    results = tables.load("serve_rebuild")
    assert set(results["edits"]) == {"page", "snippet", "notebook"}
    for kind in results["edits"]:
        for median, verdict in ((0.5, "yes"), (1e3, "no")):
            changed = copy.deepcopy(results)
            changed["edits"][kind]["median_s"] = median
            row = next(line for line in tables.serve_table(changed).splitlines() if results["edits"][kind]["file"] in line)
            assert row.endswith(f"| {verdict} |")
