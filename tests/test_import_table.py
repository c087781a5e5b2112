"""`site-gen import table FILE --map MAPPING.yaml`: real files in real encodings, line ends and delimiters,
workbooks with Excel dates, nested JSON; every row accounted for."""
from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import shutil
from datetime import datetime, time
from pathlib import Path

import openpyxl
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import SiteProject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from site_gen import cli
from site_gen.dates import parse_event_date
from site_gen.model import EventEntry
from test_import import CNS_COLUMNS, CNS_ROWS, TL_CSV_HEADER, built_events, entries, tl_row, write_csv

README = Path(__file__).parent.parent / "README.md"


def readme_mapping(name: str) -> str:
    """A mapping as the README shows it (the block that starts `# NAME`)."""
    for text, title in re.findall(r"```yaml\n(# (\S+)\n.*?)```", README.read_text(encoding="utf-8"), re.S):
        if title == name:
            return text
    raise AssertionError(f"README.md shows no mapping {name}")


NEWSROOM_HEADER = ["Date", "Time (KST)", "Headline", "What happened", "Type", "Who", "Where", "Tags", "Outlet",
                   "Link", "Published"]
NEWSROOM_ROWS = [
    ["04/07/2017", "09:40", "The regime’s first ICBM", "North Korea launched a Hwasong-14. It flew “933 km”, "
     "a café owner in Seoul said — the regime’s longest flight.", "Launch", "North Korea", "Panghyon",
     "ICBM, missile", "Yonhap", "https://en.yna.co.kr/view/AEN1; https://en.yna.co.kr/view/AEN2", "04/07/2017"],
    [""] * 11,  # a blank row: ignored
    ["29.11.2017", "", "Seoul’s response", "The JCS condemned the launch.\nA second paragraph.", "statement",
     "South Korea; North Korea", "", "", "KBS", "https://world.kbs.co.kr/x", "2017-11-29", "", ""],  # trailing empties
    ["12/06/2018", "10:00", "Singapore summit", "Leaders met.", "Talks", "North Korea", "Sentosa", "", "Reuters",
     "https://www.reuters.com/s", "12/06/2018"],
]


def write_newsroom(path: Path, encoding: str = "utf-8", delimiter: str = ",", newline: str = "\n",
                   rows=None) -> Path:
    out = io.StringIO()
    # A cell's own line break is written as the file's (old Excel for Mac: CR), and quoted.
    rows = [[cell.replace("\n", newline) for cell in row] for row in rows or NEWSROOM_ROWS]
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows([NEWSROOM_HEADER, *rows])
    path.write_bytes(out.getvalue().encode(encoding))
    return path


@pytest.fixture
def newsroom_map(tmp_path) -> Path:
    path = tmp_path / "newsroom.yaml"
    path.write_text(readme_mapping("newsroom.yaml"), encoding="utf-8")
    return path


def check_newsroom(project: SiteProject) -> None:
    found = entries(project)
    assert set(found) == {"2017-07-04-the-regimes-first-icbm", "2017-11-29-seouls-response",
                          "2018-06-12-singapore-summit"}
    front, body = found["2017-07-04-the-regimes-first-icbm"]
    assert front == {
        "title": "The regime’s first ICBM", "date": "2017-07-04T09:40+09:00", "category": "provocation",
        "actors": ["north-korea"], "location": {"name": "Panghyon"}, "summary": "North Korea launched a Hwasong-14.",
        "tags": ["icbm", "missile"],
        "sources": [{"publisher": "Yonhap", "title": "Yonhap: The regime’s first ICBM",
                     "url": "https://en.yna.co.kr/view/AEN1", "date": "2017-07-04"},
                    {"publisher": "Yonhap", "title": "Yonhap: The regime’s first ICBM",
                     "url": "https://en.yna.co.kr/view/AEN2", "date": "2017-07-04"}]}
    assert body == "North Korea launched a Hwasong-14. It flew “933 km”, a café owner in Seoul said — the " \
                   "regime’s longest flight.\n"
    front, body = found["2017-11-29-seouls-response"]
    assert front == {"title": "Seoul’s response", "date": "2017-11-29", "category": "response",
                     "actors": ["south-korea", "north-korea"], "summary": "The JCS condemned the launch.",
                     "sources": [{"publisher": "KBS", "title": "KBS: Seoul’s response",
                                  "url": "https://world.kbs.co.kr/x", "date": "2017-11-29"}]}
    # The line break inside the cell, as Markdown reads it (the loader turns CR and CRLF into LF).
    assert body.replace("\r\n", "\n").replace("\r", "\n") == "The JCS condemned the launch.\nA second paragraph.\n"
    front, _ = found["2018-06-12-singapore-summit"]
    assert (front["category"], front["date"], front["location"]) == ("summit", "2018-06-12T10:00+09:00",
                                                                    {"name": "Sentosa"})
    assert "tags" not in front


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "mac_roman", "cp1252"])
def test_encodings_are_told_and_reported(project, tmp_path, newsroom_map, encoding):
    source = write_newsroom(tmp_path / "sheet.csv", encoding)
    result = project.run("import", "table", str(source), "--map", str(newsroom_map), check=True)
    expected = {"utf-8-sig": "utf-8 (byte order mark)", "utf-16": "utf-16 (byte order mark)",
                "utf-8": "encoding utf-8"}.get(encoding, f"encoding {encoding} (detected")
    assert expected in result.stdout.splitlines()[0]
    assert result.stdout.strip().endswith("Imported 3 entries, skipped 0.")
    check_newsroom(project)  # regime’s, not regimeÕs
    project.run("build", check=True)


KOREAN = [["날짜", "제목", "내용", "출처"],
          ["2017-07-04", "북한, 대륙간탄도미사일 발사", "북한이 화성-14형을 동해상으로 발사했다.", "https://www.yna.co.kr/k1"],
          ["2017-11-29", "합참, 북한 도발 규탄", "합동참모본부가 성명을 냈다.", "https://www.yna.co.kr/k2"]]
JAPANESE = [["日付", "見出し", "本文", "出典"],
            ["2017-08-29", "北朝鮮が弾道ミサイルを発射、北海道上空を通過", "政府は強く抗議した。", "https://www.nhk.or.jp/j1"],
            ["2017-09-15", "再び日本上空を通過", "全国瞬時警報システムが作動した。", "https://www.nhk.or.jp/j2"]]


@pytest.mark.parametrize(("encoding", "rows"), [("cp949", KOREAN), ("shift_jis", JAPANESE)])
def test_east_asian_encodings(project, tmp_path, encoding, rows):
    head = rows[0]
    mapping = tmp_path / "map.yaml"
    mapping.write_text(yaml.safe_dump({"fields": {
        "title": head[1], "date": head[0], "summary": head[2], "category": {"value": "provocation"},
        "sources": [{"url": head[3]}]}}, allow_unicode=True), encoding="utf-8")
    source = tmp_path / "data.csv"
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    source.write_bytes(out.getvalue().encode(encoding))
    result = project.run("import", "table", str(source), "--map", str(mapping), check=True)
    assert {"cp949": "cp949", "shift_jis": "cp932"}[encoding] in result.stdout.splitlines()[0]
    found = sorted(entries(project).values(), key=lambda e: e[0]["date"])
    assert [(f["title"], f["summary"], f["sources"][0]["url"]) for f, _ in found] == [
        (r[1], r[2], r[3]) for r in rows[1:]]
    # No ASCII in the title: a short hash of it names the file, the same on every import.
    assert project.run("import", "table", str(source), "--map", str(mapping), check=True).stdout.count(
        "unchanged row") == 2
    assert "host names it" in result.stdout  # the source had no publisher or title in the sheet


def test_encoding_option_overrides_detection(project, tmp_path, newsroom_map):
    source = write_newsroom(tmp_path / "sheet.csv", "mac_roman")
    wrong = project.run("import", "table", str(source), "--map", str(newsroom_map), "--encoding", "cp1252",
                        "--dry-run", check=True)
    assert "encoding cp1252 (given)" in wrong.stdout
    bad = project.run("import", "table", str(source), "--map", str(newsroom_map), "--encoding", "utf-8")
    assert bad.returncode == 1 and "not utf-8 text: byte" in bad.stderr
    assert not list((project.root / "content/events").glob("*.md"))


@pytest.mark.parametrize("newline", ["\r", "\n", "\r\n"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_line_ends_and_delimiters(project, tmp_path, newsroom_map, newline, delimiter):
    source = write_newsroom(tmp_path / "sheet.txt", "utf-8", delimiter, newline)
    result = project.run("import", "table", str(source), "--map", str(newsroom_map), check=True)
    shown = {"\t": "tab"}.get(delimiter, repr(delimiter))
    assert f"delimiter {shown}" in result.stdout and "3 data rows" in result.stdout
    check_newsroom(project)


# ---------------------------------------------------------------- workbooks and JSON

def test_xlsx_with_excel_dates(project, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Launches"
    sheet.append(["Launch log, 2017"])  # a title above the header
    sheet.append([])
    sheet.append(["When", "At (UTC)", "Serial", "What", "Source", "Range"])
    sheet.append([datetime(2017, 7, 4), time(0, 40), 42920, "Hwasong-14", "https://e.org/1", 933])
    sheet.append([datetime(2017, 11, 28, 18, 17), None, 43068.5, "Hwasong-15", "https://e.org/2", 950.5])
    sheet.append(["2017-09", None, None, "Month-only entry", "https://e.org/3", None])
    sheet["A4"].number_format = sheet["A5"].number_format = "yyyy-mm-dd"
    path = tmp_path / "log.xlsx"
    book.save(path)
    mapping = tmp_path / "map.yaml"
    mapping.write_text("""\
timezone: UTC
fields:
  title: What
  date: {column: When, time: At (UTC)}
  end_date: Serial
  category: {value: provocation}
  summary: {template: "{What} launch."}
  sources: [{url: Source, publisher: {value: E}, title: {value: Log}}]
  figures:
    - {what: {value: range}, value: Range, unit: {value: km}, by: {value: E}}
""", encoding="utf-8")
    result = project.run("import", "table", str(path), "--map", str(mapping), check=True)
    assert "Excel workbook (sheet 'Launches')" in result.stdout
    found = entries(project)
    front, _ = found["2017-07-04-hwasong-14"]
    assert (front["date"], front["end_date"]) == ("2017-07-04T09:40+09:00", "2017-07-04")  # serial 42920
    assert front["figures"] == [{"what": "range", "value": 933, "unit": "km", "by": "E"}]
    front, _ = found["2017-11-29-hwasong-15"]  # 18:17 UTC on the 28th is the 29th in Seoul
    assert (front["date"], front["end_date"]) == ("2017-11-29T03:17+09:00", "2017-11-29T21:00+09:00")
    assert front["figures"][0]["value"] == 950.5
    front, _ = found["2017-09-month-only-entry"]
    assert front["date"] == "2017-09" and "figures" not in front and "end_date" not in front
    project.run("build", check=True)


def test_json_nested_records_at_a_path(project, tmp_path):
    data = {"meta": {"name": "export"}, "data": {"items": [
        {"id": 7, "headline": {"en": "Hwasong-14 launch", "ko": "화성-14형 발사"},
         "when": {"year": 2017, "month": 7, "day": 4, "time": "09:40"},
         "place": {"name": "Kusong", "geo": {"lat": 39.926, "lon": 125.201}},
         "labels": ["ICBM", "Test flight"], "links": [{"publisher": "Yonhap", "title": "Yonhap", "url": "https://e.org/7"}]},
        {"id": 8, "headline": {"en": "Year-only event"}, "when": {"year": 602},
         "labels": [], "links": [{"publisher": "Annals", "title": "Annals", "url": "https://e.org/8"}]},
    ]}}
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("""\
records: data.items
id: {template: "item-{id}"}
fields:
  title: headline.en
  date: {year: when.year, month: when.month, day: when.day, time: when.time}
  category: {value: provocation}
  location: {name: place.name, lat: place.geo.lat, lon: place.geo.lon}
  summary: {template: ["{headline.en}", " ({headline.ko})", "."]}
  tags: labels
  sources: links  # a list of source objects, as they are
""", encoding="utf-8")
    project.run("import", "table", str(path), "--map", str(mapping), check=True)
    found = entries(project)
    front, _ = found["item-7"]
    assert front == {"title": "Hwasong-14 launch", "date": "2017-07-04T09:40+09:00", "category": "provocation",
                     "location": {"name": "Kusong", "lat": 39.926, "lon": 125.201},
                     "summary": "Hwasong-14 launch (화성-14형 발사).", "tags": ["icbm", "test-flight"],
                     "sources": [{"publisher": "Yonhap", "title": "Yonhap", "url": "https://e.org/7"}]}
    front, _ = found["item-8"]
    assert front["date"] == "0602" and front["summary"] == "Year-only event."  # the part with {headline.ko} left out
    project.run("build", check=True)
    assert {"item-7", "item-8"} <= built_events(project)

    # Records in every item of a list (records: bins[].data), as the CNS database's JSON keeps them.
    binned = tmp_path / "binned.json"
    binned.write_text(json.dumps({"bins": [{"data": data["data"]["items"][:1]}, {"data": data["data"]["items"][1:]}]}))
    mapping.write_text(mapping.read_text().replace("records: data.items", "records: bins[].data"), encoding="utf-8")
    result = project.run("import", "table", str(binned), "--map", str(mapping), check=True)
    assert "unchanged record 1" in result.stdout and "unchanged record 2" in result.stdout
    mapping.write_text(mapping.read_text().replace("records: bins[].data", "records: bins[].dat"), encoding="utf-8")
    bad = project.run("import", "table", str(binned), "--map", str(mapping))
    assert bad.returncode == 1 and "records: 'bins[].dat' not found in the JSON (at 'dat'; the object has: data)" \
        in bad.stderr


# ---------------------------------------------------------------- the bugs of the old importers

def test_cr_only_and_legacy_encoded_cns_csv(project, tmp_path):
    """Old Excel for Mac: CR line ends, Mac Roman. Both used to fail (csv's internal error; "not UTF-8")."""
    rows = [list(r) for r in CNS_ROWS]
    rows[0][17] = "The regime’s first launch it called an ICBM."
    out = io.StringIO()
    csv.writer(out, lineterminator="\r").writerows([CNS_COLUMNS, *rows])
    path = tmp_path / "cns.csv"
    path.write_bytes(out.getvalue().encode("mac_roman"))
    result = project.run("import", "cns", str(path), check=True)
    assert "encoding mac_roman (detected" in result.stdout
    assert result.stdout.strip().endswith("Imported 5 entries, skipped 0.")
    _, body = entries(project)["2017-07-04-cns-101-hwasong-14-panghyon-aircraft-factory"]
    assert body.startswith("The regime’s first launch it called an ICBM.")


def test_cns_month_only_dates_and_rows_without_a_record_number(project, tmp_path):
    rows = [list(CNS_ROWS[0]), list(CNS_ROWS[4])]
    rows[0][1], rows[0][3] = "July 2017", ""  # a month only
    rows[1][0] = ""  # no F1
    path = write_csv(tmp_path / "cns.csv", [CNS_COLUMNS, *rows])
    project.run("import", "cns", str(path), check=True)
    found = entries(project)
    front, _ = found["2017-07-cns-101-hwasong-14-panghyon-aircraft-factory"]
    assert front["date"] == "2017-07"
    front, body = found["2019-05-04-wonsan"]
    assert front["title"] == "Launch from Wonsan"
    assert front["sources"][0]["note"] == "Row 3 of cns.csv, which has no F1 record number."
    assert "row 3 of cns.csv (no F1 record number)" in body
    project.run("build", check=True)
    again = project.run("import", "cns", str(path), check=True)
    assert again.stdout.count("unchanged row") == 2 and "(0 created" in again.stdout


def test_timelinejs_years_before_1000_and_links_split_on_semicolons(project, tmp_path):
    source = write_csv(tmp_path / "sheet.csv", [
        TL_CSV_HEADER,
        tl_row(year="602", headline="Goguryeo embassy", text="An embassy was sent."),
        tl_row(year="1950", month="6", day="25", headline="War begins", text="The Korean War began.",
               media="https://example.org/a.jpg;https://example.org/b.jpg", media_caption="Photos"),
    ])
    result = project.run("import", "timelinejs", str(source), "--source-url", "https://www.example.com/sheet",
                         check=True)
    found = entries(project)
    front, _ = found["0602-goguryeo-embassy"]
    assert front["date"] == "0602"
    # No title row: the source is titled with the address's host, and the report says why.
    assert front["sources"] == [{"publisher": "example.com", "title": "example.com",
                                 "url": "https://www.example.com/sheet"}]
    assert "the file has no title slide: its source is titled with the host" in result.stdout
    _, body = found["1950-06-25-war-begins"]
    assert "Media: [Photos](https://example.org/a.jpg)" in body and "Media: [Photos](https://example.org/b.jpg)" in body
    project.run("build", check=True)
    page = BeautifulSoup((project.output / "events/0602-goguryeo-embassy/index.html").read_text(), "html.parser")
    assert page.find("time")["datetime"] == "0602"
    json_source = tmp_path / "timeline.json"
    json_source.write_text(json.dumps({"events": [{"start_date": {"year": 602},
                                                   "text": {"headline": "Embassy", "text": "Sent."}}]}))
    copy = SiteProject(tmp_path / "copy")
    copy.run("import", "timelinejs", str(json_source), "--source-url", "https://e.org/", check=True)
    assert entries(copy)["0602-embassy"][0]["date"] == "0602"


def test_rows_with_colliding_ids_all_kept(project, tmp_path, newsroom_map):
    """Two different events with the same headline in one month: both kept, with distinct ids."""
    rows = [list(NEWSROOM_ROWS[0]), list(NEWSROOM_ROWS[0]), list(NEWSROOM_ROWS[0])]
    rows[1][3] = "Another launch on the same day, reported separately."
    source = write_newsroom(tmp_path / "sheet.csv", rows=rows)
    result = project.run("import", "table", str(source), "--map", str(newsroom_map), check=True)
    assert set(entries(project)) == {"2017-07-04-the-regimes-first-icbm", "2017-07-04-the-regimes-first-icbm-2",
                                     "2017-07-04-the-regimes-first-icbm-3"}
    assert "is the id of row 2 too: this row is 2017-07-04-the-regimes-first-icbm-2" in result.stdout
    assert entries(project)["2017-07-04-the-regimes-first-icbm-2"][1].startswith("Another launch")
    again = project.run("import", "table", str(source), "--map", str(newsroom_map), check=True)
    assert again.stdout.count("unchanged row") == 3


def test_existing_entries_conflict_update_and_dry_run(project, tmp_path, newsroom_map):
    source = write_newsroom(tmp_path / "sheet.csv")
    dry = project.run("import", "table", str(source), "--map", str(newsroom_map), "--dry-run", check=True)
    assert dry.stdout.count("would be created row") == 3 and dry.stdout.strip().endswith(
        "Would import 3 entries, skipped 0.")
    assert not list((project.root / "content/events").glob("*.md"))
    project.run("import", "table", str(source), "--map", str(newsroom_map), check=True)
    mine = project.root / "content/events/2017-11-29-seouls-response.md"
    mine.write_text(mine.read_text().replace("The JCS condemned", "My edit: the JCS condemned"))
    before = mine.read_bytes()
    changed = [list(r) for r in NEWSROOM_ROWS]
    changed[3][3] = "Leaders met on Sentosa."
    write_newsroom(source, rows=changed)
    result = project.run("import", "table", str(source), "--map", str(newsroom_map))
    assert result.returncode == 1
    assert "conflict row 4: content/events/2017-11-29-seouls-response.md already exists with other content" \
        in result.stdout
    assert "conflict row 5: content/events/2018-06-12-singapore-summit.md" in result.stdout
    assert "unchanged row 2" in result.stdout and mine.read_bytes() == before
    assert result.stdout.strip().endswith("(0 created, 0 updated, 1 unchanged, 0 rejected, 2 conflict, 0 skipped)\n"
                                          "Imported 0 entries, skipped 3.")
    dry = project.run("import", "table", str(source), "--map", str(newsroom_map), "--update", "--dry-run",
                      check=True)
    assert "would be updated row 5" in dry.stdout and mine.read_bytes() == before
    result = project.run("import", "table", str(source), "--map", str(newsroom_map), "--update", check=True)
    assert "updated row 4" in result.stdout and "updated row 5" in result.stdout and "unchanged row 2" in result.stdout
    assert entries(project)["2018-06-12-singapore-summit"][1] == "Leaders met on Sentosa.\n"
    assert not list((project.root / "content/events").glob(".*"))  # no temporary file left behind


def test_possible_duplicates_are_warned_about(project, tmp_path, newsroom_map):
    project.event("2017-07-04-hwasong-14", title="The regime's first ICBM!", date="2017-07-04")
    project.event("kbs-report", title="Something else", date="2017-12-01",
                  sources=[{"publisher": "KBS", "title": "Report", "url": "https://world.kbs.co.kr/x"}])
    source = write_newsroom(tmp_path / "sheet.csv")
    result = project.run("import", "table", str(source), "--map", str(newsroom_map), check=True)
    assert ("warning: content/events/2017-07-04-the-regimes-first-icbm.md (row 2) may duplicate "
            "content/events/2017-07-04-hwasong-14.md: the same day 2017-07-04 and a similar title") in result.stdout
    assert ("warning: content/events/2017-11-29-seouls-response.md (row 4) may duplicate "
            "content/events/kbs-report.md: the same source https://world.kbs.co.kr/x") in result.stdout
    assert result.stdout.count("warning:") == 2


# ---------------------------------------------------------------- mapping problems

def test_mapping_problems_name_the_file_and_key(project, tmp_path):
    source = write_newsroom(tmp_path / "sheet.csv")
    mapping = tmp_path / "bad.yaml"
    mapping.write_text("""\
timezon: UTC
fields:
  title: {colum: Headline}
  date: {column: Date, transform: upper}
  sumary: What happened
  category: {value: provocation, template: "x"}
""", encoding="utf-8")
    result = project.run("import", "table", str(source), "--map", str(mapping))
    assert result.returncode == 2
    for message in ["bad.yaml: timezon: unknown key (did you mean 'timezone'?)",
                    "bad.yaml: fields.title.colum: unknown key (did you mean 'column'?)",
                    "bad.yaml: fields.date.transform: unknown transform 'upper'",
                    "bad.yaml: fields.sumary: not an entry field (did you mean 'summary'?)",
                    "bad.yaml: fields.category: give exactly one of column, value, template"]:
        assert message in result.stderr, result.stderr
    mapping.write_text("fields:\n  title: Headlin\n  date: Date\n  summary: {template: '{Outlet} {Lnk}'}\n",
                       encoding="utf-8")
    result = project.run("import", "table", str(source), "--map", str(mapping))
    assert result.returncode == 1
    assert "bad.yaml: fields.title: no column 'Headlin' in sheet.csv (did you mean 'Headline'?); its columns: " \
           "Date, Time (KST), Headline, What happened" in result.stderr
    assert "bad.yaml: fields.summary: no column 'Lnk'" in result.stderr
    assert not list((project.root / "content/events").glob("*.md"))


def test_rejected_rows_name_row_and_field(project, tmp_path, newsroom_map):
    rows = [list(r) for r in NEWSROOM_ROWS]
    rows[0][0] = "31/02/2017"
    rows[3][9] = "not a link"
    source = write_newsroom(tmp_path / "sheet.csv", rows=rows)
    result = project.run("import", "table", str(source), "--map", str(newsroom_map))
    assert result.returncode == 1
    assert "rejected row 2: date: '31/02/2017' is not a date" in result.stdout
    assert "rejected row 5: sources[0].url: url 'not a link' must be an absolute http" in result.stdout
    assert result.stdout.strip().endswith("Imported 1 entries, skipped 2.")


def test_site_timezone_is_validated_and_used(project, tmp_path, newsroom_map):
    site = project.root / "site.yaml"
    site.write_text(site.read_text() + "timezone: Mars/Olympus\n", encoding="utf-8")
    assert "Mars/Olympus" in project.run("build").stderr
    site.write_text(site.read_text().replace("Mars/Olympus", "America/New_York"), encoding="utf-8")
    project.run("import", "table", str(write_newsroom(tmp_path / "sheet.csv")), "--map", str(newsroom_map),
                check=True)
    # 09:40 in Seoul is 20:40 the evening before in New York: filed on that day, with its offset.
    front, _ = entries(project)["2017-07-03-the-regimes-first-icbm"]
    assert front["date"] == "2017-07-03T20:40-04:00"


# ---------------------------------------------------------------- round trip

def test_events_csv_imports_back_to_the_same_pages(project, tmp_path):
    project.event("2026-01-04-launch", title="Ballistic missiles; two of them", date="2026-01-04T07:50+09:00",
                  actors=["north-korea"], tags=["missile", "srbm"], location={"name": "Pyongyang", "lat": 39.0,
                                                                            "lon": 125.75},
                  body="North Korea fired **two** missiles.\n\nA second paragraph, with a [link](https://e.org/).",
                  sources=[{"publisher": "Yonhap", "title": "N. Korea fires: report", "url": "https://en.yna.co.kr/1"},
                           {"publisher": "KBS", "title": "Launch", "url": "https://world.kbs.co.kr/2"}])
    project.event("2026-01-05-response", title="South Korea condemns the launch", date="2026-01-05",
                  end_date="2026-01-06", category="response", responds_to=["2026-01-04-launch"],
                  body="The JCS called it a provocation.")
    project.event("2026-02-summit", title="Summit talks", date="2026-02", category="summit", body="Leaders met.")
    project.event("0602-embassy", title="An embassy", date="0602", category="summit", body="Long ago.")
    project.run("build", check=True)
    mapping = tmp_path / "events-csv.yaml"
    mapping.write_text(readme_mapping("events-csv.yaml"), encoding="utf-8")

    copy = SiteProject(tmp_path / "copy")
    shutil.copy(project.root / "site.yaml", copy.root / "site.yaml")
    result = copy.run("import", "table", str(project.output / "data/events.csv"), "--map", str(mapping), check=True)
    assert result.stdout.strip().endswith("Imported 4 entries, skipped 0.")
    copy.run("build", check=True)
    pages = sorted(p.relative_to(project.output) for p in project.output.glob("events/*/index.html"))
    assert len(pages) == 4 and pages == sorted(p.relative_to(copy.output) for p in copy.output.glob("events/*/index.html"))
    for page in pages:
        assert (copy.output / page).read_bytes() == (project.output / page).read_bytes(), page
    assert (copy.output / "data/events.csv").read_bytes() == (project.output / "data/events.csv").read_bytes()


# ---------------------------------------------------------------- never lose a row (property)

PROPERTY_MAP = """\
fields:
  title: Headline
  date: Date
  category: {column: Kind, values: {launch: provocation, reply: response}}
  summary: {template: "{Headline}."}
  sources: [{url: Link, publisher: {value: Desk}, title: Headline}]
"""
CELLS = {
    "Date": st.sampled_from(["2017-07-04", "2017-07", "2017", "0602", "2017-02-30", "soon", "", "Unknown",
                             "2017-07-04 09:40", "2017-07-04T23:30Z"]),
    "Headline": st.sampled_from(["Launch", "Launch!", "Talks", "회담", "", "N/A", "A very long headline " * 5]),
    "Kind": st.sampled_from(["launch", "reply", "summit", "party", ""]),
    "Link": st.sampled_from(["https://e.org/1", "https://e.org/2", "ftp://e.org/x", "", "not a link"]),
}


def _import(root: Path, source: Path, mapping: Path) -> tuple[int, dict[str, int], str]:
    """site-gen import in this process (a subprocess per example would take minutes): exit code, counts."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = cli.main(["--project", str(root), "import", "table", str(source), "--map", str(mapping)])
    text = out.getvalue()
    counts = re.search(r"^\((.*)\)\nImported (\d+) entries, skipped (\d+)\.\n\Z", text, re.M)
    assert counts, text
    found = {name: int(n) for n, name in (part.split(" ") for part in counts[1].split(", "))}
    assert int(counts[2]) + int(counts[3]) == sum(found.values())
    return code, found, text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.fixed_dictionaries(CELLS), min_size=1, max_size=12), taken=st.booleans())
def test_every_row_is_accounted_for_and_a_second_import_changes_nothing(tmp_path_factory, rows, taken):
    project = SiteProject(tmp_path_factory.mktemp("site"))
    if taken:  # an entry of the editor's own whose id a row asks for: a conflict, never overwritten
        project.event("2017-07-04-launch", body="Mine.")
    source, mapping = project.root / "data.csv", project.root / "map.yaml"
    mapping.write_text(PROPERTY_MAP, encoding="utf-8")
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(CELLS))
        writer.writeheader()
        writer.writerows([{**row, "Kind": row["Kind"] or "launch"} for row in rows])  # no row wholly blank
    events = project.root / "content/events"
    code, first, text = _import(project.root, source, mapping)
    assert sum(first.values()) == len(rows), text
    assert first["updated"] == first["unchanged"] == first["skipped"] == 0
    assert len(list(events.glob("*.md"))) == first["created"] + taken
    assert code == (1 if first["rejected"] or first["conflict"] else 0)
    files = {p.name: p.read_bytes() for p in events.glob("*.md")}

    code_again, again, text = _import(project.root, source, mapping)
    assert again == {**first, "created": 0, "unchanged": first["created"] + first["unchanged"]}, text
    assert {p.name: p.read_bytes() for p in events.glob("*.md")} == files
    assert code_again == code


def test_years_before_1000_parse_as_written_or_as_yaml_numbers():
    # The schema allows `date: 602` (an integer 1..9999); YAML gives the number, which is the year 602.
    assert parse_event_date(602).iso() == "0602" and parse_event_date("0602").display() == "602"
    assert EventEntry.model_validate({"title": "t", "date": 602, "category": "c", "summary": "s",
                                      "sources": [{"publisher": "p", "title": "t", "url": "https://e.org/"}]
                                      }).date.year == 602
    with pytest.raises(ValueError, match="use YYYY"):
        parse_event_date("602")  # as text, the four digits are needed (YAML would read 0602 as octal text)
