"""The bundled North Korea timeline, built end to end from the repository and read as HTML."""
from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from site_gen.build import Builder, Project
from site_gen.pages import INDEX_LIMIT, recent
from test_build import files_of, local_references

REPO = Path(__file__).resolve().parent.parent
LAUNCH = "2026-01-04-ballistic-missiles-first-test-of-2026"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def timeline():
    return Builder(Project(REPO)).load()[0]


def test_the_bundled_content_has_at_least_25_sourced_events(timeline):
    assert len(timeline.events) >= 25
    assert all(event.entry.sources for event in timeline.events)
    assert {c.slug for c in timeline.categories} == {"provocation", "response", "summit", "statement", "sanctions",
                                                     "diplomacy"}


def test_index_lists_the_latest_events_latest_first_and_the_chronological_page_all_oldest_first(bundled_site,
                                                                                                 timeline):
    # Since issue 17 the index opens on the latest day; within a day the timeline's order stays, so a
    # response still follows the launch it answers. /chronological/ has them all oldest first. With the
    # whole missile record (issue 19) the index holds the latest whole months up to pages.INDEX_LIMIT
    # events; every older one is on its year page.
    page = soup(bundled_site / "index.html")
    links = [a["href"] for a in page.select("ol.timeline .event-title a")]
    shown = recent(timeline.events)
    assert len(timeline.events) > INDEX_LIMIT >= len(shown) > INDEX_LIMIT - 20
    newest_days_first = sorted(shown, key=lambda e: e.entry.date.first_day, reverse=True)
    assert links == [f"events/{event.id}/index.html" for event in newest_days_first]
    for event in timeline.events[:len(timeline.events) - len(shown)]:
        year = soup(bundled_site / "years" / str(event.entry.date.year) / "index.html")
        assert year.find("a", href=f"../../events/{event.id}/index.html") is not None, event.id
    assert links.index(f"events/{LAUNCH}/index.html") < links.index("events/2026-01-04-nso-emergency-meeting/index.html")
    years = [h.get_text() for h in page.select("section.year > h2")]
    assert years == sorted(set(years), reverse=True)
    oldest = soup(bundled_site / "chronological/index.html")
    links = [a["href"] for a in oldest.select("ol.timeline .event-title a")]
    assert links == [f"../events/{event.id}/index.html" for event in timeline.events]
    starts = [card.select_one(".meta time")["datetime"] for card in oldest.select("ol.timeline li.event")]
    assert starts == [event.entry.date.iso() for event in timeline.events]


def test_every_event_page_has_title_date_category_and_sources(bundled_site, timeline):
    for event in timeline.events:
        page = soup(bundled_site / "events" / event.id / "index.html")
        assert page.h1.get_text() == event.entry.title
        assert page.select_one("header time")["datetime"] == event.entry.date.iso()
        assert page.select_one("header .category").get_text(strip=True).endswith(
            timeline.config.categories[event.entry.category].name)
        sources = page.select(".sources li a")
        assert len(sources) == len(event.entry.sources) >= 1
        assert all(a["href"].startswith(("https://", "http://")) for a in sources)


def test_conflicting_ranges_of_the_first_2026_launch_are_side_by_side(bundled_site):
    page = soup(bundled_site / "events" / LAUNCH / "index.html")
    range_group = next(tbody for tbody in page.select(".figures tbody") if tbody.th.get_text().startswith("range"))
    assert "sources differ" in range_group.th.get_text()
    rows = [(tr.select_one("td.value").contents[0].strip(), tr.find_all("td")[-1].get_text()) for tr in range_group.select("tr")]
    assert rows == [("about 900 km", "South Korea JCS"), ("about 900 km", "Japan Ministry of Defense"),
                    ("about 950 km", "Japan Ministry of Defense"), ("about 1,000 km", "KCNA")]


def test_the_seed_articles_retaliation_claim_is_a_disputed_claim_not_a_fact(bundled_site):
    page = soup(bundled_site / "events" / LAUNCH / "index.html")
    claims = [li for li in page.select(".claims li.claim") if "retaliation" in li.get_text()]
    assert len(claims) == 1
    assert "status-disputed" in claims[0]["class"]
    # told by word and by shape (issue 17): a "!" that screen readers skip, then the word
    status = claims[0].select_one(".status")
    assert status.select_one(".status-shape[aria-hidden=true]").get_text() == "!"
    assert status.get_text(" ", strip=True) == "! Disputed"
    # and it comes first, before the three unverified ones, though it is written last
    assert page.select(".claims li.claim")[0] is claims[0]
    assert "Disputed by Contemporary press reports" in claims[0].get_text(" ")
    assert "retaliation" not in page.select_one(".lede").get_text()


def test_threads_can_be_followed_both_ways(bundled_site, timeline):
    # the event page shows the whole thread as a small timeline, the page's own event unlinked
    launch = soup(bundled_site / "events" / LAUNCH / "index.html")
    steps = launch.select("ol.thread-timeline > li")
    hrefs = [a["href"] for step in steps for a in step.select("a:not(.category)")]
    assert hrefs == ["../../events/2026-01-04-indopacom-statement/index.html",
                     "../../events/2026-01-04-nso-emergency-meeting/index.html"]
    assert steps[0].select_one("strong[aria-current=page]").get_text() == launch.h1.get_text()
    lee = soup(bundled_site / "events/2026-01-20-lee-likens-drone-flight-to-firing-shots/index.html")
    answered = {a["href"] for a in lee.select("ol.thread-timeline a:not(.category)")}
    assert "../../events/2026-01-13-kim-yo-jong-demands-apology/index.html" in answered
    thread = [event.id for event in timeline.by_id["2026-01-10-kpa-accuses-seoul-of-drone-incursions"].thread()]
    assert thread[0] == "2026-01-10-kpa-accuses-seoul-of-drone-incursions"
    assert {"2026-01-11-kim-yo-jong-urges-drone-investigation", "2026-01-13-kim-yo-jong-demands-apology",
            "2026-01-20-lee-likens-drone-flight-to-firing-shots"} <= set(thread)


def test_about_page_says_how_entries_are_sourced(bundled_site):
    page = soup(bundled_site / "about/index.html")
    text = page.select_one("main").get_text(" ")
    assert page.h1.get_text()
    assert "source" in text.lower()
    assert page.find("a", string="Methodology") is not None  # in the site navigation


def test_sitemap_and_robots(bundled_site, timeline):
    tree = ET.parse(bundled_site / "sitemap.xml")
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text for loc in tree.getroot().findall("s:url/s:loc", namespace)]
    base = timeline.config.base_url
    for event in timeline.events:
        assert f"{base}events/{event.id}/" in locs
    assert len(locs) == len(set(locs))
    assert f"Sitemap: {base}sitemap.xml" in (bundled_site / "robots.txt").read_text()


def test_every_local_link_image_and_style_resolves(bundled_site):
    missing = [(page, ref) for page, ref, file in local_references(bundled_site) if not file.is_file()]
    assert missing == []


def test_bundled_build_is_deterministic(bundled_site, tmp_path):
    again = tmp_path / "again"
    result = subprocess.run([sys.executable, "-m", "site_gen", "build", "--output", str(again)], cwd=REPO,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert files_of(again) == files_of(bundled_site)
