"""The site in Korean and Japanese, in real Chromium: native search queries, a filtered URL, the language
switch keeping the event, and axe-core and the Nu checker on every page kind in both languages.
One build of a small translated fixture site serves every test here."""
from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import QuietHandler, SiteProject
from test_html_valid import nu_errors
from test_i18n import make_site
from test_reader import AXE, WCAG, axe_violations, visible_cards

# One page of each kind (the event pages: one translated, one not).
KINDS = ["index.html", "chronological/index.html", "events/launch/index.html", "events/talks/index.html",
         "years/index.html", "years/2026/index.html", "categories/index.html", "categories/provocation/index.html",
         "actors/north-korea/index.html", "tags/index.html", "tags/icbm/index.html", "about/index.html",
         "map/index.html", "embed/index.html"]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = make_site(SiteProject(tmp_path_factory.mktemp("i18n-browser") / "site"))
    project.event("parade", "Troops marched.", title="Military parade", date="2025-10-10", category="provocation",
                  location={"name": "Pyongyang", "lat": 39.03, "lon": 125.75}, actors=["north-korea"])
    project.run("build", check=True)
    return project.output


@pytest.fixture(scope="module")
def site(built):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(built)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def search(page, site: str, path: str, query: str) -> list[str]:
    page.goto(site + path)
    page.locator("#q").fill(query)
    page.locator("#search-results li").first.wait_for()
    return page.eval_on_selector_all("#search-results li a", "links => links.map(a => a.getAttribute('href'))")


@pytest.mark.parametrize("path, query", [("ko/", "미사일"), ("ja/", "ミサイル"), ("ja/", "弾道ミサイル"),
                                         ("ko/", "동해상"), ("ja/", "ﾐｻｲﾙ")])
def test_search_finds_native_queries(page, site, path, query):
    assert search(page, site, path, query) == ["events/launch/index.html"]
    assert query[:2] in page.locator("#search-results mark").first.inner_text() or query == "ﾐｻｲﾙ"


@pytest.mark.parametrize("path, query", [("ja/", "ミサイル発射"), ("ja/", "北朝鮮ミサイル")])
def test_a_query_without_spaces_is_cut_into_words(page, site, path, query):
    # The text says ミサイルを発射 and 北朝鮮が…ミサイル: no substring holds the whole query. (Korean is
    # written with spaces between words; a word with its particle, 미사일을, holds the query 미사일.)
    assert search(page, site, path, query) == ["events/launch/index.html"]


def test_every_word_of_a_query_must_appear(page, site):
    page.goto(site + "ja/")
    page.locator("#q").fill("ミサイル核実験")  # no 核実験 anywhere
    expect(page.locator("#filter-status")).to_contain_text("ミサイル核実験")  # the search has run
    assert page.locator("#search-results li").count() == 0


def test_a_filtered_url_in_korean_and_japanese(page, site):
    page.goto(site + "ko/?category=provocation")
    assert sorted(visible_cards(page)) == ["launch", "parade"]
    assert page.get_by_label("도발").is_checked()
    page.goto(site + "ja/?actor=north-korea&category=provocation")
    assert sorted(visible_cards(page)) == ["launch", "parade"]
    assert page.locator('html').get_attribute("lang") == "ja"


def test_the_language_switch_keeps_the_event(page, site):
    page.goto(site + "ko/events/launch/index.html")
    page.locator(".language-switch").get_by_text("日本語").click()
    assert page.url == site + "ja/events/launch/index.html"
    assert page.locator("h1").inner_text() == "北朝鮮が日本海に向けて弾道ミサイルを発射"
    page.locator(".language-switch").get_by_text("English").click()
    assert page.url == site + "events/launch/index.html"
    page.locator(".language-switch").get_by_text("한국어").click()
    assert page.url == site + "ko/events/launch/index.html"


def test_an_untranslated_event_in_japanese(page, site):
    page.goto(site + "ja/events/talks/index.html")
    assert page.locator("h1").get_attribute("lang") == "en"
    assert page.locator(".translation-notice").first.is_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("prefix", ["ko/", "ja/"])
@pytest.mark.parametrize("path", KINDS)
def test_axe_finds_no_violation_in_every_page_kind(browser, site, prefix, path, scheme):
    context = browser.new_context(bypass_csp=True, color_scheme=scheme)
    page = context.new_page()
    page.goto(site + prefix + path)
    assert axe_violations(page) == []
    context.close()


def test_nu_checker_finds_no_error_in_every_page_kind(built):
    assert nu_errors([str(built / prefix / path) for prefix in ("ko/", "ja/") for path in KINDS]) == []
