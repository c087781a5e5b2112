"""`site-gen import`: TimelineJS and the CNS missile test database → entries that build, never overwriting."""
from __future__ import annotations

import csv
import json
import shutil
from datetime import datetime, time
from pathlib import Path

import openpyxl
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import SiteProject

from site_gen.content import FrontMatterLoader
from site_gen.importers import first_sentence, parse_figure, present, slugify

CNS = "CNS North Korea Missile Test Database"
DB_URL = "https://www.nti.org/analysis/articles/cns-north-korea-missile-test-database/"
# One pixel GIF: a real picture file for content/media/.
GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
       b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")


def entries(project: SiteProject) -> dict[str, tuple[dict, str]]:
    """Every entry file as (front matter, body), read as the site reads it (dates stay text)."""
    found = {}
    for path in sorted((project.root / "content" / "events").rglob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        found[path.stem] = (yaml.load(front, Loader=FrontMatterLoader), body)  # noqa: S506 - a safe loader
    return found


def built_events(project: SiteProject) -> set[str]:
    return {p.parent.name for p in (project.output / "events").glob("*/index.html")}


# ---------------------------------------------------------------- CNS

CNS_COLUMNS = ["F1", "Date", "Date Entered/Updated", "Launch Time (UTC)", "Missile Name", "Missile Type",
               "Launch Agency/Authority", "Facility Name", "Facility Location", "Other Name", "Facility Latitude",
               "Facility Longitude", "Landing Location", "Apogee", "Distance Travelled", "Confirmation Status",
               "Test Outcome", "Additional Information", "Source(s)"]
# Synthetic rows in the database's format (its dates come in several forms over the years).
CNS_ROWS = [
    ["101", "2017-07-04", "2017-07-05", "00:40", "Hwasong-14", "ICBM", "Strategic Force",
     "Panghyon Aircraft Factory", "Kusong, North Pyongan Province", "Panghyon Airfield", "39.926", "125.201",
     "Sea of Japan", "2,802 km", "933 km", "Confirmed", "Success", "First launch the DPRK called an ICBM.",
     "https://www.kcna.kp/en/article/1.kcmsf; https://en.yna.co.kr/view/AEN20170704001"],
    ["102", "11/29/2017", "N/A", "18:17:30", "Hwasong-15", "ICBM", "Unknown", "Pyongyang Sunan", "Pyongyang",
     "N/A", "39.2", "125.67", "Sea of Japan", "4,475 km", "1,000 km", "Confirmed", "Success", "N/A",
     "KCNA report"],
    ["103", "29-Apr-17", "Unknown", "Unknown", "Unknown", "MRBM", "Unknown", "Pukchang Airfield",
     "Pukchang, South Pyongan Province", "Unknown", "Unknown", "Unknown", "Unknown", "71 km", "N/A",
     "Confirmed", "Failure", "Exploded within seconds.", "https://www.38north.org/2017/05/pukchang/"],
    ["104", "September 15, 2017", "", "22:57", "Unha-3", "SLV", "NADA", "Sohae Satellite Launching Station",
     "Tongchang-ri", "", "39.66", "124.705", "", "500-600 km", "7,687.5 km", "Unconfirmed", "Success", "", ""],
    ["105", "2019-05-04", "NA", "", "Unknown", "Unknown", "N/A", "N/A", "Wonsan", "", "Unknown", "127.4",
     "N/A", "N/A", "N/A", "Confirmed", "Success", "", ""],
]
CNS_STEMS = {
    "2017-07-04-cns-101-hwasong-14-panghyon-aircraft-factory",
    "2017-11-30-cns-102-hwasong-15-pyongyang-sunan",  # 18:17 UTC is the next morning in Seoul
    "2017-04-29-cns-103-mrbm-pukchang-airfield",
    "2017-09-16-cns-104-unha-3-sohae-satellite-launching-station",
    "2019-05-04-cns-105-wonsan",
}


def write_cns_csv(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([CNS, "", ""])  # the published sheet has a title above the header
        writer.writerow(CNS_COLUMNS)
        writer.writerows(CNS_ROWS)
    return path


def write_cns_xlsx(path: Path) -> Path:
    """The same rows as a workbook, with real Excel dates and times where the sheet has them."""
    book = openpyxl.Workbook()
    book.active.title = "About"
    book.active.append(["See the Data sheet."])
    sheet = book.create_sheet("Data")
    sheet.append([CNS])
    sheet.append([])
    sheet.append(CNS_COLUMNS)
    for row in CNS_ROWS:
        row = list(row)
        row[0] = int(row[0])  # F1 is a number in the workbook
        if row[0] in (101, 102):
            row[1] = datetime.strptime(row[1], "%Y-%m-%d" if "-" in row[1] else "%m/%d/%Y")
            row[3] = time.fromisoformat(row[3])
        if row[0] == 101:
            row[10], row[11] = 39.926, 125.201
        sheet.append(row)
    book.save(path)
    return path


def check_cns_entries(found: dict[str, tuple[dict, str]]) -> None:
    assert set(found) == CNS_STEMS
    front, body = found["2017-07-04-cns-101-hwasong-14-panghyon-aircraft-factory"]
    assert front["title"] == "Hwasong-14 launch from Panghyon Aircraft Factory (CNS record 101)"
    assert front["date"] == "2017-07-04T09:40+09:00"  # 00:40 UTC, written in the site's zone
    assert front["category"] == "provocation" and front["actors"] == ["north-korea"]
    assert front["location"] == {"name": "Panghyon Aircraft Factory, Kusong, North Pyongan Province",
                                 "lat": 39.926, "lon": 125.201}
    assert front["figures"] == [
        {"what": "apogee", "value": 2802, "unit": "km", "by": CNS},
        {"what": "distance travelled", "value": 933, "unit": "km", "by": CNS}]
    assert front["tags"] == ["icbm", "cns-import"]
    assert "Outcome: Success. Status: Confirmed." in front["summary"]
    database, *cited = front["sources"]
    assert (database["publisher"], database["title"], database["url"], database["kind"]) == (
        "James Martin Center for Nonproliferation Studies (CNS) / Nuclear Threat Initiative", CNS, DB_URL, "database")
    assert [(s["publisher"], s["url"]) for s in cited] == [
        ("kcna.kp", "https://www.kcna.kp/en/article/1.kcmsf"),
        ("en.yna.co.kr", "https://en.yna.co.kr/view/AEN20170704001")]
    assert "First launch the DPRK called an ICBM." in body and "Other Name: Panghyon Airfield" in body
    assert "record F1 = 101." in body

    front, body = found["2017-11-30-cns-102-hwasong-15-pyongyang-sunan"]
    assert front["date"] == "2017-11-30T03:17:30+09:00"
    assert front["figures"][1] == {"what": "distance travelled", "value": 1000, "unit": "km", "by": CNS}
    assert len(front["sources"]) == 1 and "KCNA report" in body  # words, not a URL: kept in the body
    assert "Launch Agency" not in body and "Unknown" not in body and "N/A" not in body

    front, body = found["2017-04-29-cns-103-mrbm-pukchang-airfield"]
    assert front["date"] == "2017-04-29"  # time Unknown: the day only
    assert front["title"] == "MRBM launch from Pukchang Airfield (CNS record 103)"  # no "Unknown" name
    assert front["tags"] == ["mrbm", "cns-import", "failed-test"]
    assert "Outcome: Failure." in front["summary"]
    assert "lat" not in front["location"]
    assert [f["what"] for f in front["figures"]] == ["apogee"]

    front, body = found["2017-09-16-cns-104-unha-3-sohae-satellite-launching-station"]
    assert front["figures"] == [{"what": "distance travelled", "value": 7687.5, "unit": "km", "by": CNS}]
    assert "Apogee: 500-600 km" in body  # a range is kept word for word, not guessed at
    assert front["summary"].endswith("Status: Unconfirmed.")

    front, body = found["2019-05-04-cns-105-wonsan"]
    assert front["title"] == "Launch from Wonsan (CNS record 105)"
    assert front["location"] == {"name": "Wonsan"}  # one coordinate only: neither is kept
    assert "figures" not in front and front["tags"] == ["cns-import"]
    text = yaml.safe_dump([f for f, _ in found.values()])
    assert "Unknown" not in text and "N/A" not in text


def test_cns_csv_imports_builds_and_reimports_nothing(project, tmp_path):
    source = write_cns_csv(tmp_path / "cns.csv")
    result = project.run("import", "cns", str(source), check=True)
    assert result.stdout.count("created ") == 5
    assert result.stdout.strip().endswith("Imported 5 entries, skipped 0.")
    assert "Apogee '500-600 km'" in result.stdout  # the report says what it could not read as a figure
    check_cns_entries(entries(project))
    project.run("build", check=True)
    assert CNS_STEMS <= built_events(project)
    page = BeautifulSoup((project.output / "events/2017-04-29-cns-103-mrbm-pukchang-airfield/index.html")
                         .read_text(), "html.parser")
    assert "Exploded within seconds." in page.get_text()

    before = {p: p.read_bytes() for p in (project.root / "content/events").glob("*.md")}
    again = project.run("import", "cns", str(source), check=True)
    assert again.stdout.count("already exists with the same content") == 5 and "created content" not in again.stdout
    assert again.stdout.strip().endswith("Imported 0 entries, skipped 5.")
    assert {p: p.read_bytes() for p in (project.root / "content/events").glob("*.md")} == before


def test_cns_row_corrected_since_the_last_import_is_a_conflict_then_updated(project, tmp_path):
    project.run("import", "cns", str(write_cns_csv(tmp_path / "cns.csv")), check=True)
    fixed_rows = [list(row) for row in CNS_ROWS]
    fixed_rows[2][4] = "Pukguksong-2"  # the database named the missile later: another title, same record
    path = tmp_path / "fixed.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([CNS_COLUMNS, *fixed_rows])
    result = project.run("import", "cns", str(path))
    assert result.returncode == 1  # never silently skipped: the changed record is a conflict
    assert "conflict row 4: record cns-103 was imported as 2017-04-29-cns-103-mrbm-pukchang-airfield" in result.stdout
    assert result.stdout.count("unchanged row") == 4
    assert len(entries(project)) == 5
    result = project.run("import", "cns", str(path), "--update", check=True)
    assert "updated row 4: content/events/2017-04-29-cns-103-mrbm-pukchang-airfield.md" in result.stdout
    front, _ = entries(project)["2017-04-29-cns-103-mrbm-pukchang-airfield"]  # the same file, corrected
    assert front["title"] == "Pukguksong-2 launch from Pukchang Airfield (CNS record 103)"
    assert result.stdout.strip().endswith("Imported 1 entries, skipped 4.")


def test_cns_xlsx_imports_the_same_entries(project, tmp_path):
    from_csv = SiteProject(tmp_path / "from-csv")
    from_csv.run("import", "cns", str(write_cns_csv(tmp_path / "cns.csv")), check=True)
    result = project.run("import", "cns", str(write_cns_xlsx(tmp_path / "cns.xlsx")), check=True)
    assert "created sheet 'Data' row 4: content/events/2017-07-04-cns-101" in result.stdout
    assert result.stdout.strip().endswith("Imported 5 entries, skipped 0.")
    check_cns_entries(entries(project))
    assert entries(project) == entries(from_csv)
    project.run("build", check=True)
    assert CNS_STEMS <= built_events(project)


def test_cns_options(project, tmp_path):
    source = write_cns_csv(tmp_path / "cns.csv")
    result = project.run("import", "cns", str(source), "--category", "response", "--actor", "south-korea",
                         "--database-url", "https://example.org/cns", check=True)
    front, _ = entries(project)["2019-05-04-cns-105-wonsan"]
    assert (front["category"], front["actors"], front["sources"][0]["url"]) == (
        "response", ["south-korea"], "https://example.org/cns")
    assert result.returncode == 0
    bad = project.run("import", "cns", str(source), "--category", "launches")
    assert bad.returncode == 2 and "unknown category 'launches'" in bad.stderr
    bad = project.run("import", "cns", str(source), "--actor", "kim")
    assert bad.returncode == 2 and "unknown actor 'kim'" in bad.stderr


# ---------------------------------------------------------------- TimelineJS

TIMELINE = {
    "title": {"text": {"headline": "Korean <b>Peninsula</b>, 2017", "text": "<p>A year of launches.</p>"}},
    "eras": [{"start_date": {"year": 2017}, "end_date": {"year": 2018}, "text": {"headline": "Fire and fury"}}],
    "events": [
        {"start_date": {"year": "2017", "month": "7", "day": "4", "hour": "9", "minute": "40"},
         "text": {"headline": "Hwasong-14 &amp; the <i>first</i> ICBM",
                  "text": "<p>North Korea launched its first ICBM. It flew 933 km, "
                          "<a href=\"https://www.yna.co.kr/view/AEN1\">Yonhap reported</a>.</p>"},
         "media": {"url": "https://www.youtube.com/watch?v=abc", "caption": "Launch video", "credit": "KCTV"},
         "group": "provocation", "unique_id": "hwasong-14"},
        {"start_date": {"year": 2017, "month": 8, "day": 8}, "end_date": {"year": 2017, "month": 8, "day": 9},
         "text": {"headline": "Fire and fury", "text": "Trump warned of fire and fury. Pyongyang answered."},
         "group": "US statements"},
        {"start_date": {"year": 2018, "month": 4},
         "text": {"headline": "Panmunjom summit",
                  "text": "<p>Leaders met. <a href='https://www.bbc.com/news/x'>BBC</a></p>"},
         "media": {"url": "https://example.org/site/media/summit.gif", "caption": "Handshake",
                   "alt": "Two leaders shake hands"},
         "group": "Summit"},
    ],
}


def test_timelinejs_json_imports_and_builds(project, tmp_path):
    (project.root / "content/media").mkdir()
    (project.root / "content/media/summit.gif").write_bytes(GIF)
    source = tmp_path / "timeline.json"
    source.write_text(json.dumps(TIMELINE), encoding="utf-8")

    first = project.run("import", "timelinejs", str(source), "--utc-offset", "+09:00")
    assert first.returncode == 1  # a row was rejected
    assert "rejected record 2: sources: no link in the text: give --source-url" in first.stdout
    assert "kept as a link in the body" in first.stdout
    assert first.stdout.strip().endswith("Imported 2 entries, skipped 1.")  # the title and era are no records

    second = project.run("import", "timelinejs", str(source), "--utc-offset", "+09:00",
                         "--source-url", "https://example.com/korea-2017", check=True)
    assert second.stdout.count("already exists with the same content") == 2
    assert "created record 2: content/events/2017-08-08-fire-and-fury.md" in second.stdout

    found = entries(project)
    assert set(found) == {"2017-07-04-hwasong-14", "2017-08-08-fire-and-fury", "2018-04-panmunjom-summit"}
    front, body = found["2017-07-04-hwasong-14"]  # the slide's unique_id names the file
    assert front["title"] == "Hwasong-14 & the first ICBM"
    assert front["date"] == "2017-07-04T09:40+09:00"
    assert front["category"] == "provocation"
    assert front["summary"] == "North Korea launched its first ICBM."
    assert front["sources"] == [{"publisher": "yna.co.kr", "title": "Yonhap reported",
                                 "url": "https://www.yna.co.kr/view/AEN1"}]
    assert "It flew 933 km" in body and "<a href=" in body  # the HTML is kept
    assert "Media: [Launch video](https://www.youtube.com/watch?v=abc) (KCTV)" in body
    assert "image" not in front

    front, body = found["2017-08-08-fire-and-fury"]
    assert (front["date"], front["end_date"]) == ("2017-08-08", "2017-08-09")
    assert front["category"] == "provocation" and front["tags"] == ["us-statements"]  # unknown group kept as a tag
    assert front["summary"] == "Trump warned of fire and fury."
    assert front["sources"] == [{"publisher": "example.com", "title": "Korean Peninsula, 2017",
                                 "url": "https://example.com/korea-2017"}]

    front, _ = found["2018-04-panmunjom-summit"]
    assert (front["date"], front["category"]) == ("2018-04", "summit")  # group matched by name
    assert front["image"] == {"src": "media/summit.gif", "alt": "Two leaders shake hands"}

    project.run("build", check=True)
    assert set(found) <= built_events(project)


TL_CSV_HEADER = ["Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time", "Display Date",
                 "Headline", "Text", "Media", "Media Credit", "Media Caption", "Media Thumbnail", "Alt Text",
                 "Type", "Group", "Background"]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def tl_row(**cells) -> list[str]:
    return [cells.get(name.lower().replace(" ", "_"), "") for name in TL_CSV_HEADER]


def test_timelinejs_csv_export_imports_and_builds(project, tmp_path):
    source = write_csv(tmp_path / "sheet.csv", [
        TL_CSV_HEADER,
        tl_row(headline="Korea 2017", text="Launches and talks.", type="title"),
        tl_row(year="2017", end_year="2018", headline="Tension", type="era"),
        tl_row(year="2017", month="7", day="28", time="2:30 PM", headline="Second Hwasong-14",
               text='<p>A night launch. <a href="https://www.nknews.org/x">NK News</a></p>',
               media="https://www.flickr.com/photos/1", media_caption="Photo", group="Provocation"),
        tl_row(year="2017", month="9", day="3", time="03:30", headline="Sixth nuclear test",
               text="Yield estimates differ.", group="Nuclear"),
        [""] * len(TL_CSV_HEADER),
        tl_row(year="2017", month="9", day="11", headline="UN Security Council resolution 2375",
               text='Sanctions. <a href="https://press.un.org/en/2017/sc12983.doc.htm">UN</a>',
               group="response"),
    ])
    result = project.run("import", "timelinejs", str(source), "--utc-offset", "+09:00",
                         "--source-url", "https://example.com/sheet", "--category", "provocation",
                         "--actor", "north-korea", check=True)
    assert "skipped row 2: Type is 'title': not an event" in result.stdout
    assert "skipped row 3: Type is 'era': not an event" in result.stdout
    assert result.stdout.strip().endswith("Imported 3 entries, skipped 2.")
    found = entries(project)
    front, body = found["2017-07-28-second-hwasong-14"]
    assert front["date"] == "2017-07-28T14:30+09:00" and front["category"] == "provocation"
    assert front["actors"] == ["north-korea"]
    assert "Media: [Photo](https://www.flickr.com/photos/1)" in body
    front, _ = found["2017-09-03-sixth-nuclear-test"]
    assert front["date"] == "2017-09-03T03:30+09:00" and front["tags"] == ["nuclear"]
    assert front["sources"][0] == {"publisher": "example.com", "title": "Korea 2017",
                                   "url": "https://example.com/sheet"}
    front, _ = found["2017-09-11-un-security-council-resolution-2375"]
    assert front["category"] == "response" and front["sources"][0]["publisher"] == "press.un.org"
    project.run("build", check=True)
    assert set(found) <= built_events(project)
    same = ("--utc-offset", "+09:00", "--source-url", "https://example.com/sheet", "--category", "provocation",
            "--actor", "north-korea")
    again = project.run("import", "timelinejs", str(source), *same, check=True)
    assert again.stdout.count("already exists with the same content") == 3
    other = project.run("import", "timelinejs", str(source), *same[:-2])  # no actor: other content
    assert other.returncode == 1 and other.stdout.count("already exists with other content") == 3


# ---------------------------------------------------------------- bad input

def test_unreadable_input_exits_1_naming_the_file(project, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"events": [\n  {"start_date": }\n]}', encoding="utf-8")
    result = project.run("import", "timelinejs", str(broken))
    assert result.returncode == 1
    assert "broken.json" in result.stderr and "not valid JSON" in result.stderr
    assert "line 2" in result.stderr

    picture = tmp_path / "photo.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    result = project.run("import", "timelinejs", str(picture))
    assert result.returncode == 1 and "photo.png" in result.stderr and "not a text file" in result.stderr

    notes = tmp_path / "notes.txt"
    notes.write_text("Just some notes,\nnot a timeline\n", encoding="utf-8")
    result = project.run("import", "timelinejs", str(notes))
    assert result.returncode == 1 and "no column 'Year' in notes.txt; its columns: Just some notes" in result.stderr

    result = project.run("import", "timelinejs", str(tmp_path / "missing.json"))
    assert result.returncode == 1 and "missing.json" in result.stderr
    assert not list((project.root / "content/events").iterdir())


def test_cns_file_without_its_header_exits_1(project, tmp_path):
    headless = tmp_path / "rows.csv"
    with headless.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(CNS_ROWS)
    result = project.run("import", "cns", str(headless))
    assert result.returncode == 1
    assert "rows.csv" in result.stderr and "the ready-made mapping cns: fields.date: no column 'Date'" \
        in result.stderr and "its columns: 101, 2017-07-04" in result.stderr

    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    result = project.run("import", "cns", str(fake))
    assert result.returncode == 1 and "fake.xlsx" in result.stderr
    assert not list((project.root / "content/events").iterdir())


def test_usage_errors_exit_2(project, tmp_path):
    source = tmp_path / "timeline.json"
    source.write_text(json.dumps(TIMELINE), encoding="utf-8")
    for args, message in [(["--utc-offset", "KST"], "--utc-offset"), (["--source-url", "ftp://x"], "--source-url"),
                          (["--category", "nope"], "unknown category")]:
        result = project.run("import", "timelinejs", str(source), *args)
        assert result.returncode == 2 and message in result.stderr, result.stderr
    assert project.run("import", "xml", str(source)).returncode == 2
    assert project.run("import", "cns").returncode == 2


def test_existing_id_is_never_overwritten(project, tmp_path):
    mine = project.event("mine", id="2017-07-04-hwasong-14", body="My own words.")
    source = tmp_path / "timeline.json"
    source.write_text(json.dumps(TIMELINE), encoding="utf-8")
    result = project.run("import", "timelinejs", str(source))
    assert result.returncode == 1
    assert "conflict record 1: content/events/mine.md already exists with other content" in result.stdout
    assert mine.read_text().endswith("My own words.\n")
    assert not (project.root / "content/events/2017-07-04-hwasong-14.md").exists()


# ---------------------------------------------------------------- shared helpers

@pytest.mark.parametrize(("text", "figure"), [
    ("1,000 km", {"value": 1000, "unit": "km"}),
    ("7,687.5 km", {"value": 7687.5, "unit": "km"}),
    ("about 450 kilometers", {"value": 450, "unit": "km", "approximate": True}),
    (950, {"value": 950, "unit": ""}),
    ("500-600 km", None),
    ("Unknown", None),
])
def test_parse_figure(text, figure):
    parsed = parse_figure(text, "apogee", "CNS")
    expected = None if figure is None else {"what": "apogee", "unit": "", "by": "CNS", **figure}
    assert parsed == expected


def test_unknown_values_slugs_and_sentences():
    assert [present(v) for v in ["Unknown", "N/A", "NA", " ", "n/a", None, "Hwasong-15 "]] == [
        None, None, None, None, None, None, "Hwasong-15"]
    assert slugify("Hwasong-15 (ICBM) über Sunan!") == "hwasong-15-icbm-uber-sunan"
    assert len(slugify("word " * 40)) <= 60
    assert first_sentence("The U.S. responded. Then more.") == "The U.S. responded."
    assert len(first_sentence("x" * 50 + " y" * 400)) <= 300


# ---------------------------------------------------------------- round trip through site-gen's own export

def test_timelinejs_export_round_trip(project, tmp_path):
    """Build a site, import its output/data/timeline.json into a fresh project, build that: what TimelineJS
    can hold (title, dates, text, picture, category) survives."""
    (project.root / "content/media").mkdir()
    (project.root / "content/media/launch.gif").write_bytes(GIF)
    project.event("2026-01-04-launch", title="Ballistic missiles & a test", date="2026-01-04T07:50+09:00",
                  actors=["north-korea"], image={"src": "media/launch.gif", "alt": "A missile rising"},
                  body="North Korea fired **two** missiles toward the East Sea.")
    project.event("2026-01-05-jcs-response", title="South Korea condemns the launch", date="2026-01-05",
                  end_date="2026-01-06", category="response", body="The JCS called it a provocation.",
                  sources=[{"publisher": "Yonhap", "title": "JCS condemns launch",
                            "url": "https://en.yna.co.kr/view/AEN2"}])
    project.event("2026-02-summit", title="Summit talks", date="2026-02", category="summit",
                  body="Leaders met.")
    project.run("build", check=True)
    export = project.output / "data" / "timeline.json"
    assert export.is_file(), "site-gen build writes no output/data/timeline.json (the TimelineJS export)"

    copy = SiteProject(tmp_path / "copy")
    shutil.copy(project.root / "site.yaml", copy.root / "site.yaml")
    shutil.copytree(project.root / "content/media", copy.root / "content/media")
    result = copy.run("import", "timelinejs", str(export), check=True)
    assert result.stdout.strip().endswith("Imported 3 entries, skipped 0.")  # the title slide is no record
    copy.run("build", check=True)

    original, imported = entries(project), entries(copy)
    assert set(imported) == set(original)  # the export's unique_id is the event id
    for stem, (front, body) in original.items():
        again, again_body = imported[stem]
        assert again["title"] == front["title"]
        assert (again["date"], again.get("end_date")) == (front["date"], front.get("end_date"))
        assert again["category"] == front["category"]
        assert again["summary"] == front["summary"]
        text = BeautifulSoup(again_body, "html.parser").get_text(" ")
        assert " ".join(body.replace("**", "").split()) in " ".join(text.split())
        assert {s["url"] for s in again["sources"]} >= {s["url"] for s in front["sources"]}
    assert imported["2026-01-04-launch"][0]["image"] == {"src": "media/launch.gif", "alt": "A missile rising"}
    assert set(original) <= built_events(copy)
