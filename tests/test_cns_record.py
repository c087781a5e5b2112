"""The bundled missile record (issue 19): the CNS North Korea Missile Test Database, 1984 to 2026, brought
in with `site-gen import table` and content/imports/cns-missile-tests.yaml; checked against the data file
itself (never against what the converter says)."""
from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from bs4 import BeautifulSoup

from site_gen.content import FrontMatterLoader
from site_gen.translations import translation_parts, words_digest

REPO = Path(__file__).resolve().parent.parent
# The copy of the database the bundled record was made from (see its README); a missing copy fails loudly.
DATA = Path(os.environ.get("SITE_GEN_CNS_DATA", "/work/shared/data/cns-missile-tests"))
MAPPING = REPO / "content/imports/cns-missile-tests.yaml"
EVENTS = REPO / "content/events"
DATABASE = "CNS North Korea Missile Test Database"
DATABASE_URL = "https://www.nti.org/analysis/articles/cns-north-korea-missile-test-database/"
COPY_URL = "https://github.com/nagix/nk-missile-tests"


def split(text: str) -> tuple[dict, str]:
    _, front, body = text.split("---\n", 2)
    return yaml.load(front, Loader=FrontMatterLoader), body  # noqa: S506 - the site's own safe loader (dates as text)


def entries() -> dict[str, tuple[dict, str]]:
    """Every event entry of the bundled content (not the translations beside them)."""
    return {p.stem: split(p.read_text(encoding="utf-8")) for p in sorted(EVENTS.glob("*.md"))
            if not translation_parts(p.name)}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    path = DATA / "test.en.json"
    assert path.is_file(), f"the CNS data copy is missing at {path} (set SITE_GEN_CNS_DATA)"
    data = json.loads(path.read_text(encoding="utf-8"))
    return [row for time_bin in data["timeBins"] for row in time_bin["data"]]


def korean_day(row: dict) -> str:
    """The row's day in Korea: its UTC date and time at +09:00; a month, or a day without a time, as given."""
    time = row["time"].removesuffix(" (UTC)")
    if time == "unknown" or len(row["date"]) != 10:
        return row["date"]
    moment = datetime.fromisoformat(f"{row['date']}T{time}").replace(tzinfo=timezone.utc)
    return moment.astimezone(ZoneInfo("Asia/Seoul")).date().isoformat()


def cns_count(front: dict) -> int:
    return sum(f["value"] for f in front.get("figures", []) if f["by"] == DATABASE
               and f["what"].startswith(("missiles launched", "rockets launched")))


def test_every_row_is_in_exactly_one_event(rows):
    assert len(rows) == 339
    events = entries()
    imported = {stem: e for stem, e in events.items() if "-cns-" in stem}
    curated = {stem: e for stem, e in events.items() if "-cns-" not in stem}
    held: dict[str, list[int]] = {}  # event → the rows (numbered from 1, in file order) it holds
    for number, row in enumerate(rows, 1):
        day = korean_day(row)
        owners = [f"{day}-cns-{row['missile']}-{row['facility']}"] if \
            f"{day}-cns-{row['missile']}-{row['facility']}" in imported else []
        # ... or, where no event was made for it, the editors' launch entry of that day that cites the database
        owners += [stem for stem, (front, _) in curated.items() if str(front["date"])[:10] == day
                   and any(s["url"] == DATABASE_URL for s in front["sources"])] if not owners else []
        assert len(owners) == 1, (number, row["date"], owners)
        held.setdefault(owners[0], []).append(number)
    # Each event counts as many missiles as it holds rows, so no row is counted twice or left out ...
    for stem, numbers in held.items():
        assert cns_count(events[stem][0]) == len(numbers), stem
    assert sum(cns_count(front) for front, _ in events.values()) == 339
    # ... every imported event holds some rows, and says which
    assert set(imported) <= set(held)
    for stem in imported:
        named = re.search(r"records? ([\d, –]+)\.", events[stem][1])[1]
        numbers = [n for part in named.split(", ") for n in (
            range(int(part.split("–")[0]), int(part.split("–")[1]) + 1) if "–" in part else [int(part)])]
        assert list(numbers) == held[stem], stem
    assert len(imported) == 173 and len(held) - len(imported) == 8  # 8 editors' entries gained CNS figures


def test_every_event_of_the_record_cites_the_database_and_the_copy(rows):
    for stem, (front, _) in entries().items():
        if cns_count(front):
            sources = {s["url"]: s for s in front["sources"]}
            assert sources[DATABASE_URL]["kind"] == "database", stem
            assert sources[COPY_URL]["kind"] == "database", stem
            assert DATA.joinpath("README.md").read_text().count("cns-north-korea-missile-test-database") == 1
            assert "github.com/nagix/nk-missile-tests" in DATA.joinpath("README.md").read_text()


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def figures_of(page: BeautifulSoup) -> list[tuple[str, str, str]]:
    """(what, value, by) of each row of the page's figures."""
    found = []
    for group in page.select(".figures tbody"):
        what = group.th.get_text(" ", strip=True)
        for tr in group.select("tr"):
            found.append((what, tr.select_one("td.value").get_text(" ", strip=True), tr.find_all("td")[-1].get_text()))
    return found


def test_the_october_2022_irbm_over_japan_is_filed_on_4_october_with_the_cns_figures(bundled_site):
    # 22:22 UTC on 3 October 2022 is 07:22 on 4 October in Korea.
    stem = "2022-10-04-cns-new-irbm-2022-mupyong-ni"
    front, _ = split((EVENTS / f"{stem}.md").read_text(encoding="utf-8"))
    assert front["date"] == "2022-10-04T07:22+09:00"
    assert not list(EVENTS.glob("2022-10-03-*"))  # not on its UTC day
    page = soup(bundled_site / "events" / stem / "index.html")
    assert page.select_one("header time")["datetime"] == "2022-10-04T07:22+09:00"
    figures = figures_of(page)
    assert any(what.startswith("distance travelled") and value.startswith("4,500 km") and by == DATABASE
               for what, value, by in figures), figures
    assert any(what.startswith("apogee") and value.startswith("970 km") and by == DATABASE
               for what, value, by in figures), figures
    year = soup(bundled_site / "years/2022/index.html")
    assert year.find("a", href=f"../../events/{stem}/index.html") is not None


def test_the_first_tests_of_1984_and_a_month_only_date(bundled_site, rows):
    first = [r for r in rows if r["date"].startswith("1984")]
    assert [r["date"] for r in first] == ["1984-04-09"] * 3 + ["1984-09"] * 3
    april, _ = split((EVENTS / "1984-04-09-cns-scud-b-tonghae.md").read_text(encoding="utf-8"))
    assert april["date"] == "1984-04-09" and cns_count(april) == 3
    assert april["location"] == {"name": "Tonghae Satellite Launching Ground", "lat": 40.8499966, "lon": 129.666664}
    assert "Scud-B" in april["title"]
    september, body = split((EVENTS / "1984-09-cns-scud-b-tonghae.md").read_text(encoding="utf-8"))
    assert september["date"] == "1984-09" and cns_count(september) == 3
    assert "only the month" in body
    page = soup(bundled_site / "events/1984-09-cns-scud-b-tonghae/index.html")
    time = page.select_one("header time")
    assert time["datetime"] == "1984-09" and time.get_text(strip=True) == "September 1984"
    # the overview picture and the year pages span the whole record
    index = soup(bundled_site / "index.html")
    assert "from April 1984 to April 2026" in index.select_one("svg.overview title").get_text()
    years = {int(r["date"][:4]) for r in rows}
    for year in years:
        assert (bundled_site / "years" / str(year) / "index.html").is_file()


def test_an_unknown_outcome_is_shown_as_unknown_never_as_success(bundled_site, rows):
    unknown = [r for r in rows if r["outcome"] == "unknown"]
    assert len(unknown) == 72
    stem = "2026-04-19-cns-hwasong-11d-sinpo"  # five missiles, none with a known outcome
    front, body = split((EVENTS / f"{stem}.md").read_text(encoding="utf-8"))
    assert "Outcome unknown." in front["summary"] and "success" not in front["summary"].lower()
    assert "success" not in body.lower() and body.count("outcome unknown") == 5
    page = soup(bundled_site / "events" / stem / "index.html")
    assert "Outcome unknown." in page.select_one(".lede").get_text()
    for lang, word in (("ko", "결과 미상"), ("ja", "結果不明")):
        translated, _ = split((EVENTS / f"{stem}.{lang}.md").read_text(encoding="utf-8"))
        assert word in translated["summary"] and {"ko": "성공", "ja": "成功"}[lang] not in translated["summary"]
    for stem, (front, _) in entries().items():  # no imported event says success for an unknown outcome
        if "-cns-" in stem and "outcome-unknown" in front["tags"]:
            assert "success" not in front["summary"].lower(), stem


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if len(s.split()) >= 5]


def test_no_sentence_of_the_databases_descriptions_is_in_content(rows):
    described = {s for r in rows for s in sentences(r["description"])}
    assert len(described) > 500
    text = " ".join(" ".join(p.read_text(encoding="utf-8").split()) for p in sorted((REPO / "content").rglob("*"))
                    if p.is_file())
    copied = sorted(s for s in described if s in text)
    assert copied == []
    # nor any run of ten words of them
    def runs(words: list[str]) -> set[tuple[str, ...]]:
        return {tuple(words[i:i + 10]) for i in range(len(words) - 9)}

    described_runs = set().union(*(runs(r["description"].split()) for r in rows))
    assert sorted(described_runs & runs(text.split())) == []


def test_translations_are_current_machine_made_and_name_each_language(rows):
    events = entries()
    for path in sorted(EVENTS.glob("*-cns-*.*.md")):
        stem, lang = translation_parts(path.name)
        front, body = split(path.read_text(encoding="utf-8"))
        assert front["translated_from"] == words_digest(*events[stem]), path.name
        assert front["machine_assisted"] is True and front["reviewed"] is False
        assert len(front["figures"]) == len(events[stem][0]["figures"])  # item for item
        assert len(front["sources"]) == len(events[stem][0]["sources"])
        for title in (front["title"], events[stem][0]["title"]):
            assert not re.search(r"[(（][^)）]*[(（]|[)）]\s*[(（]", title), title  # no doubled parentheses
    assert len(list(EVENTS.glob("*-cns-*.ko.md"))) == len(list(EVENTS.glob("*-cns-*.ja.md"))) == 173
    ko, _ = split((EVENTS / "2017-11-29-cns-hwasong-15-pyongsong.ko.md").read_text(encoding="utf-8"))
    ja, _ = split((EVENTS / "2017-11-29-cns-hwasong-15-pyongsong.ja.md").read_text(encoding="utf-8"))
    assert "화성-15형" in ko["title"] and "火星15" in ja["title"]
    assert [f["what"] for f in ko["figures"]] == ["비행거리", "정점고도", "발사 수"]
    assert [f["what"] for f in ja["figures"]] == ["飛行距離", "最高高度", "発射数"]


def test_pyongyang_time_is_named_where_it_differed(rows):
    # 5 September 2016, 03:13 UTC: 12:13 KST, when Pyongyang kept UTC+08:30 (11:43 there)
    front, body = split((EVENTS / "2016-09-05-cns-er-scud-hwangju.md").read_text(encoding="utf-8"))
    assert front["date"] == "2016-09-05T12:13+09:00"
    assert "Korean Standard Time (UTC+09:00)" in body and "11:43 Pyongyang time" in body
    later, body = split((EVENTS / "2019-05-04-cns-hwasong-11a-hodo.md").read_text(encoding="utf-8"))
    assert "Pyongyang time" not in body


def test_korean_and_japanese_words_as_their_press_writes_them():
    from site_gen.importers.cns_json import _ja_clock, _ko, _ko_clock  # noqa: PLC0415

    # the particle follows the last sound: 7시였다, 59분이었다; KN-25(오)는 a vowel, 1(일)은 a consonant
    assert _ko("오전 7시", "이었다", "였다") == "오전 7시였다" and _ko("오후 8시 59분", "이었다", "였다").endswith("분이었다")
    assert _ko("KN-25", "은", "는") == "KN-25는" and _ko("북극성-1", "은", "는") == "북극성-1은"
    assert _ko("초대형 방사포(KN-25)", "은", "는") == "초대형 방사포(KN-25)는"
    assert _ko("화성-11라형(KN-35)", "을", "를") == "화성-11라형(KN-35)을"  # after 형, not 5 (오)
    noon, night = datetime(2022, 1, 14, 12, 0), datetime(2022, 1, 14, 0, 5)
    assert (_ko_clock(noon), _ko_clock(night), _ko_clock(datetime(2022, 1, 14, 14, 41))) == (
        "낮 12시", "오전 0시 5분", "오후 2시 41분")
    assert (_ja_clock(noon), _ja_clock(night)) == ("午後0時", "午前0時5分")
    ko, ko_body = split((EVENTS / "2026-04-19-cns-hwasong-11d-sinpo.ko.md").read_text(encoding="utf-8"))
    ja, _ = split((EVENTS / "2026-04-19-cns-hwasong-11d-sinpo.ja.md").read_text(encoding="utf-8"))
    assert ko["title"] == "신포 조선소에서 화성-11라형(KN-35) 5발 발사"
    assert "한국시간 오전 6시 10분 신포 조선소에서" in ko["summary"] and " 결과 미상. " in ko["summary"]
    assert "韓国時間午前6時10分に新浦（シンポ）造船所から" in ja["summary"] and "。結果不明。" in ja["summary"]
    kn25, _ = split((EVENTS / "2022-10-06-cns-kn-25-samsok.ko.md").read_text(encoding="utf-8"))
    assert "기종: 초대형 방사포(KN-25), 유형: 단거리탄도미사일(SRBM)." in kn25["summary"]
    for path in sorted(EVENTS.glob("*.ko.md")) + sorted(EVENTS.glob("*.ja.md")):
        text = path.read_text(encoding="utf-8")
        for doubled in ("결과: 결과", "기종: 기종", "結果：結果", "機種：機種"):  # "Outcome: outcome unknown"
            assert doubled not in text, (path.name, doubled)
        for said in re.findall(r"평양시간 (.+?)(이었다|였다)\.", text):  # the copula after 시 or 분
            assert said[1] == ("이었다" if said[0].endswith("분") else "였다"), (path.name, said)
        if "-cns-" in path.name and path.name.endswith(".ja.md"):
            front, _ = split(text)
            assert "(" not in front["title"] + front["location"]["name"], path.name  # full-width in Japanese

def copy_project(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO / "content", root / "content")
    return root


def run_import(root: Path, *extra: str, data: Path = DATA) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "site_gen", "--project", str(root), "import", "table",
                           str(data / "test.en.json"), "--map", str(root / "content/imports/cns-missile-tests.yaml"),
                           *extra], capture_output=True, text=True, timeout=300, cwd=REPO)


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_import_makes_the_bundled_record_again_byte_for_byte(tmp_path):
    root = copy_project(tmp_path)
    again = run_import(root, "--update")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "(0 created, 0 updated, 0 merged, 182 unchanged, 0 rejected, 0 conflict, 0 skipped)" in again.stdout
    assert files(root / "content") == files(REPO / "content")
    # From nothing: without the imported files, and the editors' entries as they were before the merge
    from site_gen.importers.merge import without_items  # noqa: PLC0415

    for path in (root / "content/events").glob("*.md"):
        if "-cns-" in path.name:
            path.unlink()
        else:
            path.write_text(without_items(path.read_text(encoding="utf-8"), {DATABASE}, {DATABASE_URL, COPY_URL}),
                            encoding="utf-8")
    fresh = run_import(root)
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    assert "(173 created, 0 updated, 9 merged, 0 unchanged" in fresh.stdout
    merges = [line for line in fresh.stdout.splitlines() if line.startswith("merged ")]
    assert len(merges) == 8  # nine launches into eight entries: 2025-05-08 covers two
    assert "content/events/2026-01-04-ballistic-missiles-first-test-of-2026.md (an editor's entry covers" in fresh.stdout
    assert files(root / "content") == files(REPO / "content")


CURATED = """\
---
title: An editors' launch entry
date: 2026-01-04T07:50+09:00
category: provocation
actors: [north-korea]
summary: Written by the editors.
tags: [ballistic-missile, east-sea]
figures:
  - {what: range, value: 900, unit: km, by: South Korea JCS, approximate: true}
  - {what: apogee, value: 50, unit: km, by: Japan Ministry of Defense, note: "One of the missiles."}
claims:
  - text: A claim.
    by: KCNA
    status: unverified
sources:
  - publisher: KBS World
    title: "A report"
    url: https://world.kbs.co.kr/x
    kind: article
---
The editors' words, kept as written.
"""
TRANSLATION = """\
---
translated_from: {stamp}
machine_assisted: true
reviewed: false
title: 편집자의 발사 항목
figures:
  - {{what: 사거리}}
  - {{what: 정점고도}}
sources:
  - {{note: KBS}}
---
편집자의 글.
"""


def small_database(tmp_path: Path, rows: list[dict]) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(parents=True)
    for name in ("missile.en.json", "missile.ja.json", "facility.en.json", "facility.ja.json"):
        shutil.copy(DATA / name, folder / name)
    (folder / "test.en.json").write_text(json.dumps({"timeBins": [{"year": 2026, "data": rows}]}), encoding="utf-8")
    return folder


def test_a_merge_keeps_the_editors_text_and_layout_and_their_translations_current(tmp_path, rows):
    root = tmp_path / "site"
    (root / "content/events").mkdir(parents=True)
    (root / "content/imports").mkdir()
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    shutil.copy(MAPPING, root / "content/imports/cns-missile-tests.yaml")
    curated = root / "content/events/2026-01-04-editors-launch.md"
    curated.write_text(CURATED, encoding="utf-8")
    old = words_digest(*split(CURATED))
    (root / "content/events/2026-01-04-editors-launch.ko.md").write_text(TRANSLATION.format(stamp=old), encoding="utf-8")
    (root / "content/events/2026-01-04-editors-launch.ja.md").write_text(
        TRANSLATION.format(stamp="0123456789ab"), encoding="utf-8")  # stale before the merge: stays stale
    january = [r for r in rows if r["date"] == "2026-01-03"]  # 22:54 and 23:05 UTC: 4 January in Korea
    assert len(january) == 2
    data = small_database(tmp_path, january + [r for r in rows if r["date"] == "2026-04-18"])
    result = run_import(root, data=data)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "merged records 1, 2: content/events/2026-01-04-editors-launch.md" in result.stdout
    assert "(1 created, 0 updated, 1 merged" in result.stdout
    text = curated.read_text(encoding="utf-8")
    # every line the editors wrote is there, in order; the new lines are the figures and sources only
    lines, old_lines = text.split("\n"), CURATED.split("\n")
    steps = difflib.SequenceMatcher(None, old_lines, lines, autojunk=False).get_opcodes()
    assert {step[0] for step in steps} == {"equal", "insert"}  # nothing the editors wrote moved or changed
    new = [line for tag, _, _, j1, j2 in steps if tag == "insert" for line in lines[j1:j2]]
    assert new[:3] == [
        '  - {what: "distance travelled, missile 1 of 2", value: 900, unit: km, by: CNS North Korea Missile Test '
        'Database, note: Hwasong-11E}',
        '  - {what: "apogee, missile 1 of 2", value: 50, unit: km, by: CNS North Korea Missile Test Database, '
        'note: Hwasong-11E}',
        '  - {what: "distance travelled, missile 2 of 2", value: 950, unit: km, by: CNS North Korea Missile Test '
        'Database, note: Hwasong-11E}']
    assert lines.index(new[0]) == old_lines.index("claims:")  # appended to the figures' list
    assert new[5] == "  - publisher: James Martin Center for Nonproliferation Studies (CNS) / Nuclear Threat Initiative (NTI)"
    assert text.endswith("---\nThe editors' words, kept as written.\n")
    front, body = split(text)
    assert len(front["figures"]) == 2 + 5 and len(front["sources"]) == 3
    # the current translation gains the matching items and is current again; the stale one stays stale
    ko = (root / "content/events/2026-01-04-editors-launch.ko.md").read_text(encoding="utf-8")
    ko_front, _ = split(ko)
    assert ko_front["translated_from"] == words_digest(front, body)
    assert [f["what"] for f in ko_front["figures"]] == [
        "사거리", "정점고도", "비행거리, 2발 중 1번째", "정점고도, 2발 중 1번째", "비행거리, 2발 중 2번째",
        "정점고도, 2발 중 2번째", "발사 수"]
    assert len(ko_front["sources"]) == 3 and '  - {what: "비행거리, 2발 중 1번째", by: CNS 북한 미사일 시험 데이터베이스, note: 화성-11마형}' in ko
    ja_front, _ = split((root / "content/events/2026-01-04-editors-launch.ja.md").read_text(encoding="utf-8"))
    assert ja_front["translated_from"] == "0123456789ab" and len(ja_front["figures"]) == 7
    # a second run changes nothing
    before = files(root / "content")
    again = run_import(root, "--update", data=data)
    assert "(0 created, 0 updated, 0 merged, 2 unchanged" in again.stdout, again.stdout
    assert files(root / "content") == before
    # a translation that arrives later (translated from the entry before the merge) is brought up to date
    late = root / "content/events/2026-01-04-editors-launch.ko.md"
    late.write_text(TRANSLATION.format(stamp=old), encoding="utf-8")
    run_import(root, data=data)
    assert split(late.read_text(encoding="utf-8"))[0]["translated_from"] == words_digest(front, body)
    assert late.read_text(encoding="utf-8") == ko
    late.write_text(TRANSLATION.format(stamp=f'"{old}"'), encoding="utf-8")  # a quoted stamp, as YAML allows
    run_import(root, data=data)
    assert split(late.read_text(encoding="utf-8"))[0]["translated_from"] == words_digest(front, body)
    # a launch no longer in the database: its file is named, not deleted
    fewer = small_database(tmp_path / "fewer", january)
    result = run_import(root, data=fewer)
    assert "warning: content/events/2026-04-19-cns-hwasong-11d-sinpo.md was made by an earlier import" in result.stdout
    assert "2026-04-19-cns-hwasong-11d-sinpo.ko.md" not in result.stdout
    assert (root / "content/events/2026-04-19-cns-hwasong-11d-sinpo.md").is_file()


def test_the_readme_gives_the_command_and_the_about_page_the_provenance():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "site-gen import table PATH/TO/test.en.json --map content/imports/cns-missile-tests.yaml --update" in readme
    about = (REPO / "content/pages/about.md").read_text(encoding="utf-8")
    for needed in (DATABASE, "James Martin Center for Nonproliferation Studies", "Nuclear Threat Initiative",
                   DATABASE_URL, COPY_URL, "Apache License 2.0", "UTC+08:30"):
        assert needed in about, needed
    counts = Counter(p.name.split(".")[-2] if translation_parts(p.name) else "en" for p in EVENTS.glob("*.md"))
    assert counts["ko"] == counts["ja"] == counts["en"] == 207  # every event, curated or imported, in Korean and Japanese


def test_the_database_never_seems_to_disagree_with_itself():
    # Figures of one measure with different values read as sources that differ (event pages, cards):
    # each missile, and each launch merged into one entry, has measures of its own.
    for stem, (front, _) in entries().items():
        values: dict[str, set] = {}
        for figure in front.get("figures", []):
            if figure["by"] == DATABASE:
                values.setdefault(figure["what"], set()).add(figure["value"])
        assert all(len(v) == 1 for v in values.values()), (stem, values)


def test_a_dry_run_merges_nothing_and_mapping_mistakes_name_the_key(tmp_path, rows):
    root = tmp_path / "site"
    (root / "content/events").mkdir(parents=True)
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    (root / "content/imports").mkdir()
    shutil.copy(MAPPING, root / "content/imports/cns-missile-tests.yaml")
    curated = root / "content/events/2026-01-04-editors-launch.md"
    curated.write_text(CURATED, encoding="utf-8")
    data = small_database(tmp_path, [r for r in rows if r["date"] == "2026-01-03"])
    dry = run_import(root, "--dry-run", data=data)
    assert "would be merged records 1, 2: content/events/2026-01-04-editors-launch.md" in dry.stdout, dry.stdout
    assert curated.read_text(encoding="utf-8") == CURATED
    bad = root / "content/imports/cns-missile-tests.yaml"
    bad.write_text(MAPPING.read_text().replace("reader: cns-json", "reader: cns-xml").replace(
        "merge: {category: provocation,", "merge: {kind: provocation, category: provocation,"), encoding="utf-8")
    result = run_import(root, data=data)
    assert result.returncode == 2
    assert "cns-missile-tests.yaml: reader: unknown reader 'cns-xml' (known: cns-json)" in result.stderr
    assert "cns-missile-tests.yaml: merge: give {category: SLUG, tags: [SLUG, ...]}" in result.stderr
