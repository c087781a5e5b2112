"""End-to-end builds through the command line, parsed as HTML."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

from site_gen.write import MARKER


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def local_references(output: Path) -> list[tuple[str, str, Path]]:
    """(page, reference, resolved file) for every href/src in every HTML page that is not an outside link."""
    found = []
    for page in sorted(output.rglob("*.html")):
        if page.name == "404.html":
            continue  # its links start at the site root (it is served at any depth); checked separately
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(href=True) + soup.find_all(src=True):
            ref = tag.get("href") or tag.get("src")
            parts = urlsplit(ref)
            if parts.scheme in ("http", "https", "mailto") or tag.name == "link" and tag.get("rel") == ["canonical"]:
                continue
            if not parts.path:
                continue  # "#fragment" on the same page
            found.append((page.relative_to(output).as_posix(), ref, (page.parent / unquote(parts.path)).resolve()))
    return found


def test_build_prints_a_summary_and_writes_every_page_type(project):
    project.event("launch", date="2026-01-04T07:50+09:00", actors=["north-korea"], tags=["srbm"])
    project.event("reply", date="2026-01-05", category="response", responds_to=["launch"])
    project.write("content/pages/about.md", "---\ntitle: About\n---\nAbout **this**.\n")
    result = project.run("build", check=True)
    assert re.fullmatch(r"Built 2 events, \d+ pages in \d+\.\d\d s \(\d+ files? drawn, the rest unchanged\) "
                        r"→ .*output \(open .*index\.html\)\n", result.stdout)
    out = project.output
    for rel in ["index.html", "events/launch/index.html", "events/reply/index.html", "years/2026/index.html",
                "categories/provocation/index.html", "actors/north-korea/index.html", "tags/srbm/index.html",
                "about/index.html", "404.html", "sitemap.xml", "robots.txt", "static/style.css", MARKER]:
        assert (out / rel).is_file(), rel


def test_event_page_structure(project):
    project.event("launch", date="2026-01-04T07:50+09:00", actors=["north-korea"],
                  location={"name": "Near Pyongyang", "lat": 39.22389, "lon": 125.67},
                  figures=[{"what": "range", "value": 900, "unit": "km", "by": "JCS", "approximate": True},
                           {"what": "range", "value": 1000, "unit": "km", "by": "KCNA", "approximate": True}],
                  claims=[{"text": "It answered drone incursions.", "by": "Seed article", "status": "disputed",
                           "disputed_by": ["Press reports"]}])
    project.event("reply", date="2026-01-04", category="response", responds_to=["launch"])
    project.run("build", check=True)
    soup = BeautifulSoup((project.output / "events/launch/index.html").read_text(), "html.parser")
    assert soup.select_one("header time")["datetime"] == "2026-01-04T07:50+09:00"
    assert soup.select_one("header time").get_text() == "4 January 2026, 07:50 KST"
    rows = [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])] for tr in soup.select(".figures tbody tr")]
    assert rows == [["range (sources differ)", "about 900 km", "JCS"], ["about 1,000 km", "KCNA"]]
    claim = soup.select_one(".claims .claim")
    assert "status-disputed" in claim["class"]
    assert claim.select_one(".status").get_text(" ", strip=True) == "! Disputed"  # shape (aria-hidden) and word
    # with no link for the disputer, the reader is pointed to the sources (issue 17)
    assert "Disputed by Press reports: see the sources." in " ".join(claim.get_text().split())
    # the thread as a small timeline (issue 17): the page's own event unlinked, the response linked
    steps = soup.select("ol.thread-timeline > li")
    assert [a["href"] for step in steps for a in step.select("a:not(.category)")] == ["../../events/reply/index.html"]
    assert "a response to this event" in steps[1].get_text()
    assert soup.select_one(".sources a")["href"] == "https://example.com/report"
    assert soup.find("a", rel="next")["href"] == "../../events/reply/index.html"
    reply = BeautifulSoup((project.output / "events/reply/index.html").read_text(), "html.parser")
    first = reply.select_one("ol.thread-timeline > li")
    assert first.select_one("a:not(.category)")["href"] == "../../events/launch/index.html"
    assert "this event responds to it" in first.get_text()


def test_two_builds_are_byte_identical(project, tmp_path):
    for i in range(5):
        project.event(f"e{i}", date=f"2026-01-0{i + 1}", tags=["b", "a"], actors=["south-korea", "north-korea"])
    project.run("build", "--output", str(tmp_path / "one"), check=True)
    project.run("build", "--output", str(tmp_path / "two"), check=True)
    assert files_of(tmp_path / "one") == files_of(tmp_path / "two")


def test_base_url_with_sub_path(project):
    project.event("launch")
    project.run("build", "--base-url", "https://user.github.io/nk-timeline", check=True)
    soup = BeautifulSoup((project.output / "events/launch/index.html").read_text(), "html.parser")
    assert soup.find("link", rel="canonical")["href"] == "https://user.github.io/nk-timeline/events/launch/"
    assert soup.find("link", rel="stylesheet")["href"] == "../../static/style.css"
    sitemap = (project.output / "sitemap.xml").read_text()
    assert "<loc>https://user.github.io/nk-timeline/events/launch/</loc>" in sitemap
    assert "Sitemap: https://user.github.io/nk-timeline/sitemap.xml" in (project.output / "robots.txt").read_text()
    not_found = BeautifulSoup((project.output / "404.html").read_text(), "html.parser")
    assert not_found.find("link", rel="stylesheet")["href"] == "/nk-timeline/static/style.css"


def test_drafts_need_the_flag(project):
    project.event("public")
    project.event("secret", draft=True)
    project.run("build", check=True)
    assert not (project.output / "events/secret").exists()
    project.run("build", "--drafts", check=True)
    assert (project.output / "events/secret/index.html").is_file()


def test_refuses_an_output_folder_it_did_not_make(project):
    project.event("a")
    mine = project.root / "notes"
    mine.mkdir()
    (mine / "draft.txt").write_text("precious")
    for target in [str(mine), ".", "content"]:
        result = project.run("build", "--output", target)
        assert result.returncode == 2, target
        assert "refusing" in result.stderr
    assert (mine / "draft.txt").read_text() == "precious"
    assert (project.root / "content/events/a.md").is_file()


def test_rebuild_replaces_old_pages(project):
    project.event("a")
    project.event("b")
    project.run("build", check=True)
    (project.root / "content/events/b.md").unlink()
    project.run("build", check=True)
    assert not (project.output / "events/b").exists()
    assert not [p for p in project.output.parent.iterdir() if p.name.startswith(".output.")]  # no leftovers


def test_every_local_reference_resolves(project):
    project.event("a", tags=["x"], actors=["north-korea"])
    project.event("b", date="2025-03", responds_to=[], category="summit")
    project.write("content/pages/about.md", "---\ntitle: About\n---\n[Home](../index.html)\n")
    project.run("build", check=True)
    missing = [(page, ref) for page, ref, file in local_references(project.output) if not file.is_file()]
    assert missing == []


def test_category_colours_and_symbols_come_from_the_config(project):
    config = project.root / "site.yaml"
    config.write_text(config.read_text().replace('summit: {name: Summit, colour: "#0a0", symbol: "★"}',
                                                 'summit: {name: Summit, colour: "#123456", dark_colour: "#abcdef", '
                                                 'symbol: "\\""}'))
    project.event("talks", category="summit")
    project.run("build", check=True)
    css = (project.output / "static/categories.css").read_text()
    assert '[data-category="summit"], .category-summit { --category: #123456; --symbol: "\\""; }' in css
    assert '.category-summit { --category: #abcdef; }' in css
    page = BeautifulSoup((project.output / "index.html").read_text(), "html.parser")
    card = page.select_one("li.event")
    assert card["data-category"] == "summit"
    assert card.select_one(".category").get_text(strip=True) == '"Summit'  # symbol and name, not colour alone


def test_a_colour_that_could_break_the_stylesheet_is_refused(project):
    config = project.root / "site.yaml"
    config.write_text(config.read_text().replace('colour: "#0a0"', 'colour: "red; } body { display: none"'))
    project.event("a")
    result = project.run("build")
    assert result.returncode == 1
    assert ("site.yaml:7: categories.summit.colour: 'red; } body { display: none' is not a CSS colour: use #rrggbb, "
            "a colour name, rgb() or hsl()") in result.stderr


def test_large_timelines_page_their_lists_and_keep_the_index_short(project):
    from datetime import date, timedelta  # noqa: PLC0415

    for i in range(260):
        day = date(2024, 1, 1) + timedelta(days=i * 4)  # into November 2026
        project.event(f"e{i:03d}", date=day.isoformat(), tags=["srbm"], body=f"Body {i}.")
    project.run("build", check=True)
    out = project.output
    pages = sorted(out.glob("tags/srbm/**/index.html"))
    assert [p.relative_to(out).as_posix() for p in pages] == [
        "tags/srbm/index.html", "tags/srbm/page/2/index.html", "tags/srbm/page/3/index.html"]
    listed = []
    for page in pages:
        soup = BeautifulSoup(page.read_text(), "html.parser")
        listed += [li["id"] for li in soup.select("li.event")]
    assert sorted(listed) == [f"e{i:03d}" for i in range(260)]  # each event once, on some page
    second = BeautifulSoup((out / "tags/srbm/page/2/index.html").read_text(), "html.parser")
    assert second.find("a", rel="prev")["href"] == "../../../../tags/srbm/index.html"
    assert second.find("a", rel="next")["href"] == "../../../../tags/srbm/page/3/index.html"
    index = BeautifulSoup((out / "index.html").read_text(), "html.parser")
    shown = [li["id"] for li in index.select("#timeline li.event")]
    assert 100 <= len(shown) <= 150 and shown[0] == "e259"  # the latest (first since issue 17), in whole months
    assert index.select_one(".year-nav li:last-child a")["href"] == "years/2024/index.html"  # not on the index
    assert index.select_one(".year-nav a")["href"] == "#year-2026"  # years newest first too
    assert [(p, r) for p, r, f in local_references(out) if not f.is_file()] == []
