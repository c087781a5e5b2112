"""Sources a reader can weigh: kinds, archived copies and the weak-source flag on built pages and in the
exports; claims in quotation marks only when they are quotations. Read back with real parsers."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from bs4 import BeautifulSoup

from site_gen.model import SOURCE_KINDS, WEAK_KINDS, Source
from site_gen.translations import translation_parts
from test_check import AGGREGATOR, ARTICLE, HOME_PAGE

AI_PAGE = {**ARTICLE, "publisher": "A bot", "url": "https://bot.example/story", "kind": "ai-generated"}
ARCHIVED = {**ARTICLE, "archived_url": "https://web.archive.org/web/2026/https://example.com/report",
            "checked": "2026-01-20"}


def page(project, event_id: str) -> BeautifulSoup:
    return BeautifulSoup((project.output / "events" / event_id / "index.html").read_text(), "html.parser")


def card(project, event_id: str):
    index = BeautifulSoup((project.output / "index.html").read_text(), "html.parser")
    return index.select_one(f"li.event[id=\"{event_id}\"]")


@pytest.mark.parametrize(("fields", "kind"), [
    ({"url": "https://paper.example/"}, "homepage"),
    ({"url": "https://paper.example"}, "homepage"),
    ({"url": "https://paper.example/?p=5"}, "article"),
    ({"url": "https://paper.example/2026/story"}, "article"),
    ({"url": "https://paper.example/", "kind": "official"}, "official"),  # what the editor wrote wins
])
def test_the_kind_defaults_to_article_or_home_page(fields, kind):
    assert Source(publisher="P", title="T", **fields).kind == kind


def test_weak_kinds():
    assert WEAK_KINDS == {"homepage", "aggregator", "ai-generated"} < SOURCE_KINDS.keys()


def test_an_unknown_kind_or_a_checked_date_that_is_no_day_is_an_error_with_its_line(project):
    project.event("a", sources=[{**ARTICLE, "kind": "blog", "checked": "2026-01",
                                 "archived_url": "ftp://archive.example/x"}])
    result = project.run("build")
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("content/")]
    assert [line.split(": ")[1] for line in lines] == ["sources[0].kind", "sources[0].checked",
                                                       "sources[0].archived_url"]  # in the file's order
    assert "Input should be 'article', 'official', 'state-media'" in lines[0]
    assert "is not a day: write the date the source was checked as YYYY-MM-DD" in lines[1]


def test_weak_sources_are_named_and_an_event_with_only_weak_ones_is_flagged(project):
    project.event("weak", sources=[HOME_PAGE, AGGREGATOR, AI_PAGE])
    project.event("mixed", date="2026-01-05", sources=[HOME_PAGE, ARTICLE])
    project.run("build", check=True)
    weak = page(project, "weak")
    assert [li.select_one(".source-kind").get_text() if li.select_one(".source-kind") else ""
            for li in weak.select(".sources li")] == [
        "Weak source: publisher's home page only.", "Weak source: aggregator.", "Weak source: AI-written page."]
    flags = [p.get_text(" ", strip=True) for p in weak.select(".weak-sources")]
    assert len(flags) == 2 and all(flag.startswith("Only secondary sources") for flag in flags)
    assert weak.select_one("header .weak-sources")  # seen before the body, not only at the foot
    assert card(project, "weak").select_one(".weak-sources").get_text(strip=True).startswith("Only secondary sources")

    mixed = page(project, "mixed")
    assert not mixed.select(".weak-sources") and not card(project, "mixed").select(".weak-sources")
    assert [li.select_one(".source-kind") is not None for li in mixed.select(".sources li")] == [True, False]


def test_the_archived_copy_is_offered_beside_the_original(project):
    project.event("a", sources=[ARCHIVED])
    project.run("build", check=True)
    [source] = page(project, "a").select(".sources li")
    links = [a["href"] for a in source.find_all("a")]
    assert links == [ARTICLE["url"], ARCHIVED["archived_url"]]
    assert source.select_one("a.archived").get_text() == "Archived copy"
    assert "(checked 20 January 2026)" in source.get_text()
    assert source.select("time")[-1]["datetime"] == "2026-01-20"


def test_only_a_quotation_is_in_quotation_marks(project):
    project.event("a", claims=[
        {"text": "We will answer with patience.", "by": "Kim Un Chol", "status": "unverified", "quote": True},
        {"text": "The launch answered the sanctions.", "by": "Media reports", "status": "unverified"}])
    project.run("build", check=True)
    quoted, paraphrased = page(project, "a").select(".claims li.claim")
    assert quoted.q.get_text() == "We will answer with patience."
    assert "(direct quotation)" in quoted.get_text()
    assert paraphrased.q is None and "“" not in paraphrased.get_text() and '"' not in paraphrased.get_text()
    assert paraphrased.select_one(".claim-text").get_text() == "The launch answered the sanctions."
    assert "claimed by Media reports (paraphrased)" in paraphrased.get_text()


def test_the_exports_carry_kind_and_archived_copy(project):
    project.event("a", sources=[ARCHIVED, AGGREGATOR])
    project.run("build", check=True)
    data = json.loads((project.output / "data/events.json").read_text())
    sources = data["events"][0]["sources"]
    assert [(s["kind"], s.get("archived_url"), s.get("checked")) for s in sources] == [
        ("article", ARCHIVED["archived_url"], "2026-01-20"), ("aggregator", None, None)]
    schema = json.loads((project.output / "schema/event.json").read_text())
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(data["events"][0])
    bad = {**data["events"][0], "sources": [{**sources[0], "kind": "blog"}]}
    assert not jsonschema.Draft202012Validator(schema).is_valid(bad)

    [row] = csv.DictReader(io.StringIO((project.output / "data/events.csv").read_text()))
    assert row["sources"] == (f"KBS World: A report <{ARTICLE['url']}> (article; archived copy "
                              f"<{ARCHIVED['archived_url']}>); allthe.news: A report <{AGGREGATOR['url']}> (aggregator)")

    [slide] = json.loads((project.output / "data/timeline.json").read_text())["events"]
    text = BeautifulSoup(slide["text"]["text"], "html.parser")
    first, second = text.select("li")
    assert [a["href"] for a in first.find_all("a")] == [ARTICLE["url"], ARCHIVED["archived_url"]]
    assert "(KBS World; article) archived copy" in first.get_text()
    assert "(allthe.news; aggregator)" in second.get_text()


# The bundled timeline (built once per session by the bundled_site fixture).
REPO_EVENTS = Path(__file__).resolve().parent.parent / "content" / "events"


def bundled_entries() -> list[Path]:
    """The bundled entries, not the translations beside them (<id>.<lang>.md hold no sources of their own)."""
    return [path for path in sorted(REPO_EVENTS.glob("*.md")) if not translation_parts(path.name)]


def bundled_page(site: Path, event_id: str) -> BeautifulSoup:
    return BeautifulSoup((site / "events" / event_id / "index.html").read_text(), "html.parser")


def test_every_bundled_source_names_its_kind():
    for path in bundled_entries():
        front = yaml.safe_load(path.read_text().split("---\n")[1])
        assert all("kind" in source for source in front["sources"]), path.name


def test_bundled_entries_resting_on_aggregators_alone_are_flagged(bundled_site):
    index = BeautifulSoup((bundled_site / "index.html").read_text(), "html.parser")
    for event_id in ("2026-01-04-indopacom-statement", "2026-01-04-nso-emergency-meeting"):
        page = bundled_page(bundled_site, event_id)
        assert page.select_one("header .weak-sources").get_text().startswith("Only secondary sources")
        kinds = [li.select_one(".source-kind").get_text() for li in page.select(".sources li")]
        assert kinds == ["Weak source: AI-written page.", "Weak source: aggregator."]
        assert "secondary source only" not in page.get_text()  # they are the only sources, and say so
        assert index.select_one(f"li.event[id=\"{event_id}\"] .weak-sources")
    launch = "2026-01-04-ballistic-missiles-first-test-of-2026"
    assert not bundled_page(bundled_site, launch).select(".weak-sources")
    assert not index.select(f"li.event[id=\"{launch}\"] .weak-sources")


def test_no_bundled_paraphrase_is_drawn_as_a_quotation(bundled_site):
    for path in bundled_entries():
        front = yaml.safe_load(path.read_text().split("---\n")[1])
        quotes = sum(bool(claim.get("quote")) for claim in front.get("claims", []))
        claims = bundled_page(bundled_site, path.stem).select(".claims li.claim")
        assert sum(claim.q is not None for claim in claims) == quotes, path.name


def test_kbs_addresses_built_from_an_article_number_say_so(bundled_site):
    research_only_number = {"198563", "198601", "199132"}  # Seq_Code without an address in the research
    found = set()
    for path in bundled_entries():
        for source in yaml.safe_load(path.read_text().split("---\n")[1])["sources"]:
            number = source["url"].rpartition("Seq_Code=")[2]
            if number in research_only_number:
                found.add(number)
                assert source["note"].startswith("Address built by the editors"), path.name
    assert found == research_only_number
    about = BeautifulSoup((bundled_site / "about" / "index.html").read_text(), "html.parser").get_text()
    assert "only the article number was recorded" in about


def test_the_security_council_request_is_dated_as_reuters_reported_it(bundled_site):
    page = bundled_page(bundled_site, "2024-10-31-un-security-council-meeting-requested")
    assert page.select_one("header time")["datetime"] == "2024-10-31"
    assert "31 October, New York time" in page.select_one(".sources").get_text()
    thread = [a["href"] for a in page.select(".thread-timeline a")]
    assert "../../events/2024-10-31-hwasong-19-icbm-lofted/index.html" in thread  # what it responds to
