"""Published under its own address: the site built for a project page
(SITE_URL=https://example.org/jacobians/, with a repository) and served under /jacobians/ has
that address in its sitemap and canonical links, working links, assets, search and explorer,
and "edit this page" links; built with no repository, it links to none."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import site_checks as checks
from tests.conftest import cached_build

ADDRESS = "https://example.org/jacobians/"
REPO = "https://github.com/example/jacobians"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    host = tmp_path_factory.mktemp("host")  # the web server's root; the site lives in /jacobians/
    error = cached_build(host / "jacobians", env={"SITE_URL": ADDRESS, "REPO_URL": REPO, "EDIT_URI": "edit/main/docs/"})
    assert error is None, f"build with SITE_URL failed:\n{error}"
    return host / "jacobians"


def test_sitemap_and_canonical_links_use_the_configured_address(published: Path):
    sitemap = (published / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{ADDRESS}</loc>" in sitemap and "127.0.0.1" not in sitemap
    for page in checks.reader_pages(published):
        if page != "404.html":
            assert f'<link rel="canonical" href="{ADDRESS}{page}">' in checks.read_page(published, page)


def test_links_and_anchors_resolve_under_the_address(published: Path):
    problems = checks.link_problems(published, ADDRESS)
    assert problems == [], "\n".join(problems)


def test_pages_link_to_the_repository_and_to_their_source(published: Path):
    html = checks.read_page(published, "chain-rule/")
    assert f'href="{REPO}"' in html and 'class="md-source"' in html
    assert f'href="{REPO}/edit/main/docs/chain-rule.md"' in html
    for stem in ("seed_example", "mlp_training"):  # the notebooks open in Colab from the repository
        colab = f"https://colab.research.google.com/github/example/jacobians/blob/main/docs/notebooks/{stem}.ipynb"
        assert f'href="{colab}"' in checks.read_page(published, f"notebooks/{stem}/")


def test_with_no_repository_nothing_links_to_one(built_site: Path):
    for page in checks.reader_pages(built_site):
        html = checks.read_page(built_site, page)
        # Material's repository widget and "edit this page" button
        assert 'class="md-source"' not in html and "md-content__button" not in html, f"/{page}"


def test_pages_search_and_explorer_work_under_the_sub_path(published: Path, browser):
    server, root_url = checks.serve(published.parent)
    base = root_url + "jacobians/"
    try:
        reports = checks.visit_pages(browser, base, checks.reader_pages(published), "light", axe_script=None)
        problems = checks.traffic_problems(reports) + checks.math_problems(reports)
        context, offsite = browser.new_context(), []
        checks.watch(context, base, lambda page, url: offsite.append(url))
        page = context.new_page()
        page.goto(base + "linear-map/", wait_until="load")
        page.wait_for_selector("figure.jx-live", timeout=10_000)  # the explorer started
        search = page.locator("input.md-search__input")
        search.click()
        search.press_sequentially("Rumelhart", delay=30)  # Material searches on key events
        first = page.locator(".md-search-result__item a").first
        first.wait_for(timeout=10_000)
        assert first.get_attribute("href").startswith(base)
        problems += checks.traffic_problems([checks.PageReport("linear-map/", "light", offsite_requests=offsite)])
        context.close()
    finally:
        server.shutdown()
    assert problems == [], "\n".join(problems)
