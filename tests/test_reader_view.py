"""Issue 17 as a reader meets it, in real Chromium at a phone's size (360x800) and a desktop's (1280x900):
the latest events first, what is contested on every card, the search box within reach, shared filtered
links with their results first, and both orders without JavaScript."""
from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from site_gen.build import Builder, Project
from site_gen.pages import recent
from site_gen.translations import translation_parts
from test_reader import ARTIFACTS, AXE, LAUNCH, axe_violations, site, visible_cards  # noqa: F401 - site is a fixture

REPO = Path(__file__).resolve().parent.parent
EVENTS = sorted(p.stem for p in (REPO / "content/events").glob("*.md")  # file names start with the date
                if not translation_parts(p.name))  # translations (<id>.<lang>.md) are not events
LATEST = EVENTS[-1]
SIZES = [(360, 800), (1280, 900)]
DISPUTED = "Disputed claim: The launch was retaliation for South Korean drone incursions near Pyongyang."
RANGES = "Range: 900–1,000 km, sources differ"


@pytest.fixture(params=SIZES, ids=["phone", "desktop"])
def sized(request, browser):
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.size = (width, height)
    yield page
    context.close()


def top_on_first_screen(page, selector: str) -> bool:
    """The element's first lines (its top 60 px) are inside the first screen, without scrolling."""
    box = page.locator(selector).first.bounding_box()
    return box is not None and 0 <= box["y"] and box["y"] + min(60, box["height"]) <= page.size[1]


def page_holding(site: str, path: str, event_id: str) -> str:
    """`path`, or the later page of its list (term pages are paged by 100) that holds the event's card."""
    pages = [path] + [path.replace("index.html", f"page/{n}/index.html") for n in range(2, 10)] if path else [path]
    for candidate in pages:
        try:
            with urllib.request.urlopen(site + candidate) as response:
                if f'id="{event_id}"'.encode() in response.read():
                    return candidate
        except urllib.error.HTTPError:
            break
    raise AssertionError(f"no page of {path} holds {event_id}")


def test_the_latest_event_is_on_the_first_screen(sized, site):
    sized.goto(site)
    assert visible_cards(sized)[0] == LATEST
    assert top_on_first_screen(sized, f'[id="{LATEST}"] .event-title')
    assert sized.evaluate("() => document.documentElement.scrollWidth") <= sized.size[0]


@pytest.mark.parametrize("path", ["", "years/2026/index.html", "categories/provocation/index.html",
                                  "tags/hypersonic/index.html", "chronological/index.html", "embed/index.html"])
def test_the_launch_card_says_what_is_contested_in_words(sized, site, path):
    sized.goto(site + page_holding(site, path, LAUNCH))
    card = sized.locator(f'[id="{LAUNCH}"] .flags')
    assert card.is_visible()
    text = " ".join(card.inner_text().split())
    assert DISPUTED in text
    assert RANGES in text


def test_search_results_say_what_is_contested_too(sized, site):
    sized.goto(site + "?q=Ryokpho")
    result = sized.locator("#search-results li", has=sized.locator(f'a[href*="{LAUNCH}"]'))
    result.wait_for()
    assert DISPUTED in result.inner_text() and RANGES in result.inner_text()
    # each event once: the results, not the cards again beneath them
    assert sized.locator("#timeline").is_hidden()
    hrefs = sized.eval_on_selector_all("#search-results li > a", "as => as.map(a => a.getAttribute('href'))")
    assert len(hrefs) == len(set(hrefs)) >= 2
    # snippets begin and end at word boundaries of the text they are cut from
    texts = sized.evaluate("() => siteGenSearchIndex.map(r => [r.summary, r.text + ' ' + r.sources])")
    for snippet in sized.eval_on_selector_all("#search-results li > p", "ps => ps.map(p => p.textContent)"):
        core = snippet.removeprefix("…").removesuffix("…")
        source = next(text for pair in texts for text in pair if core in text)
        start = source.index(core)
        end = start + len(core)
        assert start == 0 or source[start - 1].isspace(), snippet
        assert end == len(source) or source[end].isspace(), snippet


def test_keyboard_users_reach_the_search_box_within_three_tab_stops(sized, site):
    sized.goto(site)
    for stop in range(1, 4):
        sized.keyboard.press("Tab")
        if sized.evaluate("() => document.activeElement.id") == "q":
            break
    else:
        pytest.fail("the search box is not among the first three Tab stops")
    assert stop <= 3
    sized.keyboard.type("drone")
    sized.locator("#search-results li").first.wait_for()
    assert top_on_first_screen(sized, "#search-results li")


def test_a_shared_filtered_url_shows_its_results_on_the_first_screen(sized, site):
    sized.goto(site + "?category=provocation&tag=hypersonic")
    shown = visible_cards(sized)
    assert shown and LAUNCH in shown
    assert top_on_first_screen(sized, f'[id="{shown[0]}"] .event-title')
    assert sized.locator("#filter-options").get_attribute("open") is None  # folded: results come first
    # the counts follow the filters: with the tag chosen, Provocation counts only hypersonic provocations
    provocation = sized.locator("label.choice", has=sized.locator("input[value=provocation]"))
    assert provocation.locator("[data-count]").text_content() == f"({len(shown)})"
    assert sized.locator("label.choice", has=sized.locator("input[value=hypersonic]")).locator(
        ".choice-name").text_content() == "Hypersonic"  # names, not slugs


def test_filters_show_names_from_the_config_not_slugs(page, site):
    page.goto(site)
    page.locator("#filter-options summary").click()
    names = page.eval_on_selector_all("input[name=tag]", "is => is.map(i => i.parentNode.querySelector('.choice-name')"
                                      ".textContent)")
    assert "ICBM" in names and "Ballistic missile" in names
    assert not [name for name in names if "-" in name and name != "KN-25"]


def test_without_javascript_every_event_in_both_orders(browser, site):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(site)
    assert visible_cards(page) == [c for c in visible_cards(page)]  # shown without the script
    latest = page.eval_on_selector_all("li.event", "cs => cs.map(c => c.id)")
    # the index holds the latest months (pages.INDEX_LIMIT events at most: the whole missile record is more)
    shown = sorted(event.id for event in recent(Builder(Project(REPO)).load()[0].events))
    assert len(EVENTS) > len(shown) and sorted(latest) == shown and latest[0] == LATEST
    page.get_by_role("link", name="Read oldest first").click()
    assert page.url == site + "chronological/index.html"
    oldest = page.eval_on_selector_all("li.event", "cs => cs.map(c => c.id)")
    assert sorted(oldest) == EVENTS and oldest[0] == EVENTS[0] and oldest[-1] == LATEST
    # a thread link on a card stays on the page when its event is there
    href = page.locator(f'[id="{LAUNCH}"] .thread-steps a').first.get_attribute("href")
    assert href == "#2026-01-04-indopacom-statement"
    context.close()


def test_the_overview_is_small_and_leads_to_months(sized, site):
    sized.goto(site)
    figure = sized.locator(".overview-figure svg")
    box = figure.bounding_box()
    assert box["height"] <= 120
    rows = sized.eval_on_selector_all(".overview .row-label", "ts => ts.map(t => t.textContent)")
    assert rows and all(re.fullmatch(r". \w+", row) for row in rows)
    href = sized.locator(".overview a").last.get_attribute("href")
    assert re.fullmatch(r"years/\d{4}/index\.html#month-\d{4}-\d{2}", href)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["chronological/index.html", "years/index.html", "years/2026/index.html",
                                  "tags/hypersonic/index.html", "actors/north-korea/index.html", "about/index.html",
                                  "embed/index.html", "404.html",
                                  "events/2026-01-20-lee-likens-drone-flight-to-firing-shots/index.html"])
def test_axe_on_the_other_page_kinds(browser, site, path, scheme):
    context = browser.new_context(bypass_csp=True)  # bypass_csp lets the test inject axe-core
    page = context.new_page()
    page.emulate_media(color_scheme=scheme)
    page.goto(site + path)
    assert page.evaluate(f"() => matchMedia('(prefers-color-scheme: {scheme})').matches")
    assert axe_violations(page) == []
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["", "chronological/index.html", f"events/{LAUNCH}/index.html", "map/index.html",
                                  "?category=provocation&tag=hypersonic", "?q=drone", "embed/index.html"])
def test_reader_screenshots(sized, site, path, scheme):
    sized.emulate_media(color_scheme=scheme)
    sized.goto(site + path)
    sized.wait_for_load_state("networkidle")
    if "q=" in path:
        sized.locator("#search-results li").first.wait_for()
    assert sized.evaluate("() => document.documentElement.scrollWidth") <= sized.size[0]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^a-z0-9]+", "-", path.replace("/index.html", "")).strip("-") or "index"
    sized.screenshot(path=str(ARTIFACTS / f"reader-{name}-{sized.size[0]}-{scheme}.png"))
