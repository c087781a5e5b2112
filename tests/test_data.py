"""Data out: feeds, calendar, exports and their schema, JSON-LD; each read back by a real parser."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import feedparser
import icalendar
import jsonschema
import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st
from icalendar.parser.content_line import Contentline

from site_gen.build import Builder, Project
from site_gen.content import FrontMatterLoader
from site_gen.outputs.calendar import calendar, calendar_event, fold
from site_gen.translations import translation_parts

REPO = Path(__file__).resolve().parent.parent
BASE = "https://example.github.io/nk-timeline/"
LAUNCH = "2026-01-04-ballistic-missiles-first-test-of-2026"


@pytest.fixture(scope="module")
def timeline():
    return Builder(Project(REPO)).load()[0]


def test_atom_feeds_parse_without_errors(bundled_site, timeline):
    feed = feedparser.parse((bundled_site / "feeds/atom.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == timeline.config.title
    assert len(feed.entries) == min(50, len(timeline.events))
    newest = max(timeline.events, key=lambda e: e.sort_key())
    assert feed.entries[0].link == BASE + newest.url.lstrip("/")
    assert feed.entries[0].id == feed.entries[0].link  # the permalink is the entry's stable id
    assert "Sources" in feed.entries[0].content[0].value
    summit = feedparser.parse((bundled_site / "feeds/summit.xml").read_bytes())
    assert not summit.bozo
    assert {entry.tags[0].term for entry in summit.entries} == {"summit"}
    assert len(summit.entries) == len([e for e in timeline.events if e.entry.category == "summit"])


def test_json_feeds(bundled_site, timeline):
    for name in ["feed.json", "provocation.json"]:
        feed = json.loads((bundled_site / "feeds" / name).read_text())
        assert feed["version"] == "https://jsonfeed.org/version/1.1"
        assert feed["feed_url"] == BASE + "feeds/" + name
        for item in feed["items"]:
            assert item["url"].startswith(BASE + "events/") and item["id"] == item["url"]
            assert item["title"] and item["content_html"] and item["date_published"].endswith(("Z", "+00:00"))
    discovered = BeautifulSoup((bundled_site / "index.html").read_text(), "html.parser")
    assert discovered.find("link", type="application/feed+json")["href"] == "feeds/feed.json"
    assert discovered.find("link", type="application/atom+xml")["href"] == "feeds/atom.xml"


def test_calendar_parses_with_utc_times_and_stable_uids(bundled_site, timeline, project, tmp_path):
    cal = icalendar.Calendar.from_ical((bundled_site / "data/events.ics").read_bytes())
    events = cal.walk("VEVENT")
    assert len(events) == len(timeline.events)
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    assert f"{LAUNCH}@example.github.io" in uids
    launch = next(e for e in events if str(e["UID"]).startswith(LAUNCH))
    start = launch.decoded("DTSTART")
    assert start.utcoffset().total_seconds() == 0 and (start.hour, start.minute) == (22, 50)  # 07:50 KST
    assert launch["DTSTART"].to_ical().endswith(b"Z")
    assert str(launch["URL"]) == BASE + f"events/{LAUNCH}/"
    day_only = next(e for e in events if str(e["UID"]).startswith("2026-01-05-lee-xi-summit-beijing"))
    assert day_only["DTSTART"].params.get("VALUE") == "DATE"
    # a month-precision date covers its month
    project.event("sometime", date="2026-02")
    project.run("build", check=True)
    [month] = icalendar.Calendar.from_ical((project.output / "data/events.ics").read_bytes()).walk("VEVENT")
    assert (str(month.decoded("DTSTART")), str(month.decoded("DTEND"))) == ("2026-02-01", "2026-03-01")


# Long lines, and backslashes and carets (escapes icalendar keeps whole) around the fold points.
@given(st.text(alphabet="ab \\^;,:é字\U0001F600", max_size=400) | st.text(alphabet="ab\\^", min_size=70, max_size=160))
def test_fold_folds_as_icalendar_does(text):
    line = Contentline("DESCRIPTION:" + text)
    assert fold(line).encode() == line.to_ical()


def test_calendar_is_what_icalendar_writes_and_joins_its_events(timeline):
    data = calendar(timeline)
    # Made an event at a time and folded by site-gen, it is still byte for byte what icalendar writes.
    assert icalendar.Calendar.from_ical(data).to_ical() == data
    events = b"".join(calendar_event(timeline, event) for event in timeline.events)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(events + b"END:VCALENDAR\r\n")


def test_events_json_validates_against_its_published_schema(bundled_site, timeline):
    schema = json.loads((bundled_site / "schema/event.json").read_text())
    data = json.loads((bundled_site / "data/events.json").read_text())
    assert data["$schema"] == BASE + "schema/event.json" == schema["$id"]
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    for record in data["events"]:
        assert list(validator.iter_errors(record)) == [], record["id"]
    assert [r["id"] for r in data["events"]] == [e.id for e in timeline.events]
    launch = next(r for r in data["events"] if r["id"] == LAUNCH)
    assert {"title", "date", "category", "actors", "location", "summary", "tags", "figures", "claims",
            "responds_to", "sources", "draft", "id", "url", "body"} <= launch.keys()
    assert launch["date"] == "2026-01-04T07:50+09:00"
    assert [f["by"] for f in launch["figures"] if f["what"] == "range"] == [
        "South Korea JCS", "Japan Ministry of Defense", "Japan Ministry of Defense", "KCNA"]
    # the schema rejects what the validator rejects
    bad = {**launch, "category": 7, "sources": []}
    assert {e.path[0] for e in validator.iter_errors(bad)} == {"category", "sources"}


def test_the_same_schema_checks_editors_front_matter(bundled_site):
    schema = json.loads((bundled_site / "schema/event.json").read_text())
    front_matter = {**schema, "required": [r for r in schema["required"] if r not in ("id", "url", "body")]}
    validator = jsonschema.Draft202012Validator(front_matter)
    entries = [p for p in sorted((REPO / "content/events").glob("*.md")) if not translation_parts(p.name)]
    assert len(entries) > 200  # the translations beside them (<id>.<lang>.md) are not entries
    for path in entries:
        front = yaml.load(path.read_text().split("---\n")[1], Loader=FrontMatterLoader)  # noqa: S506
        assert list(validator.iter_errors(front)) == [], path.name
    typo = {"titel": "x", "date": "2026-02-30x", "category": "provocation", "summary": "s",
            "sources": [{"publisher": "p", "title": "t", "url": "https://e.org/"}]}
    assert {e.validator for e in validator.iter_errors(typo)} >= {"required", "additionalProperties", "anyOf"}


def test_events_csv_has_one_row_per_event(bundled_site, timeline):
    rows = list(csv.DictReader(io.StringIO((bundled_site / "data/events.csv").read_text())))
    assert [row["id"] for row in rows] == [e.id for e in timeline.events]
    launch = next(row for row in rows if row["id"] == LAUNCH)
    assert launch["date"] == "2026-01-04T07:50+09:00" and launch["lat"] == "39.22389"
    assert "range: about 1,000 km (KCNA)" in launch["figures"]
    assert "https://world.kbs.co.kr/" in launch["sources"]


def test_timelinejs_export_follows_its_format(bundled_site, timeline):
    data = json.loads((bundled_site / "data/timeline.json").read_text())
    assert data["title"]["text"]["headline"] == timeline.config.title
    slide = next(s for s in data["events"] if s["unique_id"] == LAUNCH)
    # days only, so TimelineJS keeps a same-day response after the launch (it takes no time for midnight);
    # the time is kept in display_date, as a newsroom writes it
    assert slide["start_date"] == {"year": 2026, "month": 1, "day": 4,
                                   "display_date": "4 January 2026, 07:50 KST (UTC+09:00)"}
    order = [s["unique_id"] for s in data["events"]]
    assert order.index(LAUNCH) < order.index("2026-01-04-nso-emergency-meeting")
    text = slide["text"]["text"]
    # the safeguards TimelineJS has no field for are in the slide text
    assert "<strong>Disputed:</strong> The launch was retaliation" in text and "(paraphrased)" in text  # not a quotation
    assert "range: about 1,000 km (KCNA)" in text and "range: about 900 km (South Korea JCS)" in text
    assert "Range: 900–1,000 km, sources differ." in text
    assert "Article URL not recorded; cited by title." in text  # a source's note
    assert slide["group"] == "Provocation"
    assert slide["text"]["headline"].startswith("North Korea fires")
    assert 'href="https://world.kbs.co.kr/' in slide["text"]["text"]  # sources survive as links


def test_event_pages_carry_schema_org_event_json_ld(bundled_site):
    page = BeautifulSoup((bundled_site / f"events/{LAUNCH}/index.html").read_text(), "html.parser")
    data = json.loads(page.find("script", type="application/ld+json").string)
    assert data["@type"] == "Event" and data["@context"] == "https://schema.org"
    assert data["startDate"] == "2026-01-04T07:50+09:00"
    assert data["location"]["geo"] == {"@type": "GeoCoordinates", "latitude": 39.22389, "longitude": 125.67}
    assert data["url"] == BASE + f"events/{LAUNCH}/"


def test_json_ld_cannot_end_its_script_element(project):
    project.event("a", title="</script><script>alert(1)</script>")
    project.run("build", check=True)
    page = BeautifulSoup((project.output / "events/a/index.html").read_text(), "html.parser")
    assert [s.get("type") for s in page.find_all("script")] == ["application/ld+json"]
    assert json.loads(page.find("script").string)["name"] == "</script><script>alert(1)</script>"
