"""What readers see, in real Chromium: no-JS reading, filters, search, shared URLs, keyboard use,
accessibility (axe-core), embedding, and screenshots at phone and desktop widths."""
from __future__ import annotations

import gzip
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from site_gen.build import Builder, Project
from site_gen.pages import INDEX_LIMIT, recent

REPO = Path(__file__).resolve().parent.parent
AXE = REPO / ".cache/npm/node_modules/axe-core/axe.min.js"
ARTIFACTS = REPO / ".cache" / "test-artifacts"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LAUNCH = "2026-01-04-ballistic-missiles-first-test-of-2026"


@pytest.fixture(scope="module")
def site(bundled_site):
    """The bundled site on a loopback HTTP server (module-wide), as readers get it from a host."""
    import functools  # noqa: PLC0415
    import http.server  # noqa: PLC0415
    import threading  # noqa: PLC0415

    from conftest import QuietHandler  # noqa: PLC0415

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(QuietHandler, directory=str(bundled_site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def visible_cards(page) -> list[str]:
    return page.eval_on_selector_all("#timeline li.event", "cards => cards.filter(c => c.offsetParent).map(c => c.id)")


def test_without_javascript_every_event_and_filter_page_is_there(browser, bundled_site, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site)
    # With the whole missile record (issue 19) the index holds the latest months (pages.INDEX_LIMIT
    # events at most); the chronological page, which needs no script either, holds every event.
    count = len(list((bundled_site / "events").iterdir()))
    shown = len(recent(Builder(Project(REPO)).load()[0].events))
    assert count > INDEX_LIMIT >= shown
    assert len(visible_cards(page)) == shown
    assert page.locator("#filters").is_hidden()  # the JS controls stay out of the way
    page.goto(site + "chronological/index.html")
    assert page.locator("li.event").count() == count
    page.goto(site)
    page.locator(".legend a", has_text="Summit").click()
    assert page.url == site + "categories/summit/index.html"
    summits = [p for p in (bundled_site / "events").iterdir()
               if "category: summit" in (REPO / "content/events" / f"{p.name}.md").read_text()]
    assert page.eval_on_selector_all("li.event", "cs => cs.map(c => c.dataset.category)") == ["summit"] * len(summits)
    context.close()


def test_filters_combine_and_live_in_the_url(page, site):
    page.goto(site)
    page.locator("#filter-options summary").click()
    page.get_by_label("Provocation").check()
    provocations = visible_cards(page)
    assert provocations and all(page.locator(f'[id="{i}"]').get_attribute("data-category") == "provocation"
                                for i in provocations)
    page.get_by_label("Statement").check()  # categories: either
    both = visible_cards(page)
    assert set(provocations) < set(both)
    page.get_by_label("South Korea").check()  # across kinds: all
    narrowed = visible_cards(page)
    assert all("south-korea" in page.locator(f'[id="{i}"]').get_attribute("data-actors").split() for i in narrowed)
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"category": ["provocation", "statement"], "actor": ["south-korea"]}
    index_events = len(recent(Builder(Project(REPO)).load()[0].events))  # the index holds the latest months
    assert page.locator("#filter-status").inner_text() == f"{len(narrowed)} of {index_events} events shown"
    # no empty month or year heading is left standing
    assert page.eval_on_selector_all("#timeline section.month", "ss => ss.filter(s => s.offsetParent && "
                                     "!s.querySelector('li.event:not([hidden])')).length") == 0
    page.get_by_role("button", name="Clear filters").click()
    page.wait_for_function("() => !location.search")
    assert len(visible_cards(page)) == index_events


def test_a_shared_filtered_url_opens_filtered(page, site):
    page.goto(site + "?category=provocation&tag=hypersonic")
    ids = visible_cards(page)
    assert ids and LAUNCH in ids
    for card_id in ids:
        card = page.locator(f'[id="{card_id}"]')
        assert card.get_attribute("data-category") == "provocation"
        assert "hypersonic" in card.get_attribute("data-tags").split()
    assert page.get_by_label("Provocation").is_checked()
    # by design (issue 17) the options stay folded so the results come first; the summary names the choices
    assert page.locator("#filter-options").get_attribute("open") is None
    assert page.locator("#filter-summary").inner_text() == "(chosen: Provocation, Hypersonic)"


def test_search_as_you_type_over_bodies_and_sources_links_to_permalinks(page, site):
    requested = []
    page.on("request", lambda request: requested.append(urlsplit(request.url).path))
    page.goto(site)
    assert "/search-index.js" not in requested  # loaded only when search is used
    page.get_by_label("Search titles, summaries, texts and sources").fill("Magyar Nemzet")  # only in sources
    results = page.locator("#search-results li a")
    results.first.wait_for()
    assert "/search-index.js" in requested
    assert LAUNCH in results.first.get_attribute("href")
    assert parse_qs(urlsplit(page.url).query) == {"q": ["Magyar Nemzet"]}
    page.get_by_label("Search titles, summaries, texts and sources").fill("Ryokpho")  # in bodies
    page.wait_for_function("() => !location.search.includes('Magyar')")
    assert results.count() >= 2  # the launch and the October 2025 test both name Ryokpho
    assert page.locator("#search-results mark").first.inner_text().lower() == "ryokpho"
    results.first.click()
    assert "/events/" in page.url and page.url.endswith("/index.html")
    assert "Ryokpho" in page.locator("main").inner_text()


def test_search_works_opened_from_disk(page, bundled_site):
    page.goto((bundled_site / "index.html").as_uri() + "?q=drone")
    page.locator("#search-results li").first.wait_for()
    assert page.locator("#search-results li").count() >= 3


def test_keyboard_alone(page, site):
    page.goto(site)
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.bounding_box()["x"] >= 0  # visible when focused
    page.keyboard.press("Enter")
    page.wait_for_url("**#main")
    # Tab on until the first event's link, then open it with Enter.
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.closest('.event-title') !== null"):
            break
    else:
        pytest.fail("no event link reached by Tab")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus is visible
    title = page.evaluate("() => document.activeElement.textContent")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == title
    # the filter checkboxes answer the keyboard too
    page.goto(site)
    page.locator("#filter-options summary").focus()
    page.keyboard.press("Enter")
    page.get_by_label("Summit").focus()
    page.keyboard.press("Space")
    assert all(page.locator(f'[id="{i}"]').get_attribute("data-category") == "summit" for i in visible_cards(page))


def axe_violations(page) -> list[dict]:
    assert AXE.is_file(), f"{AXE} is missing: run `make test` (it installs axe-core from npm)"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    assert len(result["passes"]) >= 10  # axe really ran its rules on this page
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:3]]}
            for v in result["violations"]]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path, prepare", [
    ("", None),
    (f"events/{LAUNCH}/index.html", None),
    ("categories/provocation/index.html", None),
    ("map/index.html", None),
    ("?q=drone", "#search-results li"),
    ("?category=summit&actor=south-korea", None),
])
def test_axe_finds_no_wcag_21_aa_violation(browser, site, path, prepare, scheme):
    # bypass_csp lets the test inject axe-core; the site's own Content-Security-Policy forbids that.
    context = browser.new_context(color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    page.goto(site + path)
    if prepare:
        page.locator(prepare).first.wait_for()
    assert axe_violations(page) == []
    context.close()


def test_embed_links_open_the_permalink_in_the_readers_window(page, site, tmp_path, static_server):
    host = tmp_path / "newsroom"
    host.mkdir()
    (host / "index.html").write_text(f'<!DOCTYPE html><html lang="en"><title>Story</title><h1>Our story</h1>'
                                     f'<iframe src="{site}embed/#{LAUNCH}" title="Timeline" width="400" '
                                     f'height="500"></iframe></html>')
    page.goto(static_server(host))
    frame = page.frame_locator("iframe")
    link = frame.locator(f'[id="{LAUNCH}"] a')
    assert "first test of 2026" in link.inner_text()
    link.click()
    page.wait_for_url(f"{site}events/{LAUNCH}/index.html")
    assert page.locator("h1").inner_text().startswith("North Korea fires ballistic missiles")


def test_open_graph_and_twitter_cards_per_event(page, site):
    page.goto(f"{site}events/{LAUNCH}/index.html")
    meta = page.eval_on_selector_all("meta[property], meta[name]", "ms => Object.fromEntries(ms.map(m => "
                                     "[m.getAttribute('property') || m.getAttribute('name'), m.content]))")
    assert meta["og:title"] == page.locator("h1").inner_text()
    assert meta["og:type"] == "article"
    assert meta["og:url"] == f"https://example.github.io/nk-timeline/events/{LAUNCH}/"
    assert meta["og:description"] and meta["twitter:card"] == "summary"
    assert meta["article:published_time"] == "2026-01-04T07:50+09:00"


def test_index_page_weight_and_no_outside_requests(page, site, bundled_site):
    """The index with its CSS and JS, gzip-compressed as a host sends it: at most 100 KB."""
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(site)
    page.wait_for_load_state("networkidle")
    assert all(url.startswith(site) for url in requested)
    files = [urlsplit(url).path.lstrip("/") or "index.html" for url in requested]
    weights = {name: len(gzip.compress((bundled_site / name).read_bytes(), 9)) for name in files}
    total = sum(weights.values())
    (ARTIFACTS).mkdir(exist_ok=True)
    (ARTIFACTS / "index-weight.json").write_text(json.dumps({"files": weights, "total_gzip_bytes": total}, indent=1))
    assert total <= 100_000, weights


@pytest.mark.parametrize("width, height", [(360, 780), (1280, 900)])
@pytest.mark.parametrize("path", ["", f"events/{LAUNCH}/index.html", "map/index.html", "?category=summit"])
def test_screenshots_at_phone_and_desktop_widths(browser, site, width, height, path):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(site + path)
    page.wait_for_load_state("networkidle")
    # nothing overflows the viewport sideways (a phone reader would have to scroll)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    ARTIFACTS.mkdir(exist_ok=True)
    name = (path.strip("/").replace("/index.html", "").replace("/", "-").replace("?", "filter-").replace("=", "-")
            or "index")
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    context.close()


def test_print_shows_a_clean_list_with_sources(browser, site):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site)
    page.emulate_media(media="print")
    assert page.locator("#filters").is_hidden() and page.locator(".chart-figure").is_hidden()
    assert page.locator(f'[id="{LAUNCH}"] .card-sources').is_visible()
    assert "KBS World" in page.locator(f'[id="{LAUNCH}"] .card-sources').inner_text()
    context.close()
