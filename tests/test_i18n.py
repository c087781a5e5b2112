"""Languages: translations beside their originals, checked (facts refused with their line, stale ones
warned of and listed by check), and the site in every language with its alternates and fallbacks."""
from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from conftest import REPO, SITE_YAML, SiteProject
from site_gen.translations import translation_parts, words_digest

LANGUAGES_YAML = """\
language_name: English
languages:
  ko:
    name: 한국어
    title: 시험 연표
    categories:
      provocation: {name: 도발}
    actors:
      north-korea: {name: 북한}
  ja:
    name: 日本語
    title: テスト年表
    categories:
      provocation: {name: 挑発}
"""

LAUNCH_KO = """\
---
translated_from: "{digest}"
machine_assisted: true
reviewed: false
title: 북한, 동해상으로 탄도미사일 발사
summary: 합동참모본부는 북한이 탄도미사일을 발사했다고 밝혔다.
claims:
  - {{text: 미사일은 약 900km를 비행했다.}}
---
합참에 따르면 **미사일**은 동해상에 떨어졌다.
"""

LAUNCH_JA = """\
---
translated_from: "{digest}"
machine_assisted: true
reviewed: false
title: 北朝鮮が日本海に向けて弾道ミサイルを発射
summary: 韓国軍合同参謀本部は、北朝鮮が弾道ミサイルを発射したと発表した。
---
合同参謀本部によると、ミサイルは日本海に落下した。
"""


def ko(message: str) -> str:
    """A notice as Korean readers get it (the interface catalog's words; HTML-escaped as pages hold them)."""
    from markupsafe import escape  # noqa: PLC0415

    from site_gen import i18n  # noqa: PLC0415
    translated = i18n.translations("ko").gettext(message)
    assert translated != message, f"no Korean for {message!r}"
    return str(escape(translated))


def digest_of(path: Path) -> str:
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return words_digest(yaml.safe_load(front), body)


def make_site(project: SiteProject) -> SiteProject:
    """Two events: `launch`, translated into Korean and Japanese; `talks`, translated into neither."""
    # (the bundled site's summit greens: the shared test config's #0a0 fails axe's contrast check)
    config = SITE_YAML.replace('"#0a0"', '"#196f3d", dark_colour: "#82e0aa"').replace(
        '"#c00"', '"#b03a2e", dark_colour: "#f1948a"').replace('"#00c"', '"#1f618d", dark_colour: "#85c1e9"')
    (project.root / "site.yaml").write_text(config + LANGUAGES_YAML, encoding="utf-8")
    launch = project.event("launch", "According to the JCS the **missile** fell into the East Sea.",
                           title="North Korea fires a ballistic missile", actors=["north-korea"],
                           summary="The JCS said North Korea fired a ballistic missile.",
                           claims=[{"text": "The missile flew about 900 km.", "by": "JCS", "status": "unverified"}],
                           tags=["icbm"])
    project.event("talks", "The two sides met.", title="Talks in Panmunjom", date="2026-02-01",
                  category="summit", summary="Officials met at Panmunjom.", responds_to=["launch"])
    project.write("content/pages/about.md", "---\ntitle: About\n---\nAbout this timeline.\n")
    project.write("content/events/launch.ko.md", LAUNCH_KO.format(digest=digest_of(launch)))
    project.write("content/events/launch.ja.md", LAUNCH_JA.format(digest=digest_of(launch)))
    return project


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """One build of the fixture site, shared by the tests that only read it."""
    project = make_site(SiteProject(tmp_path_factory.mktemp("i18n") / "site"))
    result = project.run("build", check=True)
    assert "warning" not in result.stdout
    return project.output


def read(output: Path, path: str) -> str:
    return (output / path).read_text(encoding="utf-8")


def test_every_page_kind_is_built_in_every_language(built):
    for prefix in ("", "ko/", "ja/"):
        for path in ("index.html", "chronological/index.html", "events/launch/index.html",
                     "categories/provocation/index.html", "tags/icbm/index.html", "about/index.html",
                     "map/index.html", "embed/index.html", "search-index.js", "feeds/atom.xml",
                     "data/events.json", "data/events.csv", "data/events.ics", "data/timeline.json"):
            assert (built / prefix / path).is_file(), prefix + path
    assert not (built / "ko" / "static").exists()  # shared: one copy at the root


def test_translated_event_shows_its_translation_and_the_machine_notice(built):
    page = read(built, "ko/events/launch/index.html")
    assert '<html lang="ko">' in page
    assert "<h1>북한, 동해상으로 탄도미사일 발사</h1>" in page
    assert "<strong>미사일</strong>" in page  # the translated body, converted
    assert "미사일은 약 900km를 비행했다." in page  # a claim's text
    assert ko("Machine-assisted translation, not yet reviewed: the original is authoritative.") in page
    assert ko("Not yet translated") not in page and "Not yet translated" not in page
    assert " 도발</a>" in page  # the category's Korean name from the config
    assert ">북한</a>" in page


def test_untranslated_event_appears_in_the_original_with_its_lang_and_a_notice(built):
    page = read(built, "ko/events/talks/index.html")
    assert '<h1 lang="en">Talks in Panmunjom</h1>' in page
    assert '<div class="body" lang="en">' in page
    assert ko("Not yet translated: shown in its original language.") in page  # in the reader's language
    index = read(built, "ko/index.html")
    assert 'lang="en">Talks in Panmunjom</a>' in index  # its card too, on every list
    assert "Talks in Panmunjom" in read(built, "ja/index.html")
    assert "Not yet translated" not in read(built, "events/talks/index.html")  # never in the original's language


def test_every_page_links_its_alternates_and_x_default(built):
    for prefix in ("", "ko/", "ja/"):
        page = read(built, prefix + "events/launch/index.html")
        for code, folder in (("en", ""), ("ko", "ko/"), ("ja", "ja/")):
            assert f'<link rel="alternate" hreflang="{code}" href="https://example.org/{folder}events/launch/">' in page
        assert '<link rel="alternate" hreflang="x-default" href="https://example.org/events/launch/">' in page
        assert f'<link rel="canonical" href="https://example.org/{prefix}events/launch/">' in page


def test_the_language_switch_keeps_the_event(built):
    page = read(built, "ja/events/launch/index.html")
    switch = re.search(r'<nav class="language-switch".*?</nav>', page, re.S).group()
    assert 'href="../../../events/launch/index.html" hreflang="en"' in switch
    assert 'href="../../../ko/events/launch/index.html" hreflang="ko"' in switch
    assert '<span aria-current="page" lang="ja">日本語</span>' in switch
    # links inside a language stay in it; the shared files are at the root
    assert 'href="../../../ja/events/talks/index.html"' in page
    assert 'href="../../../static/style.css"' in page


def test_sitemap_lists_the_alternates(built):
    tree = ET.parse(built / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = {u.find("s:loc", ns).text: {l.get("hreflang"): l.get("href") for l in u.findall("x:link", ns)}
            for u in tree.getroot().findall("s:url", ns)}
    assert urls["https://example.org/ko/events/launch/"] == {
        "en": "https://example.org/events/launch/", "ko": "https://example.org/ko/events/launch/",
        "ja": "https://example.org/ja/events/launch/", "x-default": "https://example.org/events/launch/"}
    assert "https://example.org/ja/about/" in urls


def test_feeds_search_and_exports_are_per_language(built):
    assert "北朝鮮が日本海に向けて弾道ミサイルを発射" in read(built, "ja/feeds/atom.xml")
    assert "https://example.org/ja/events/launch/" in read(built, "ja/feeds/atom.xml")
    assert "북한, 동해상으로" in read(built, "ko/search-index.js")
    data = json.loads(read(built, "ko/data/events.json"))
    assert data["language"] == "ko"
    launch, talks = data["events"]
    assert launch["title"] == "북한, 동해상으로 탄도미사일 발사" and launch["language"] == "ko"
    assert launch["translation"] == {"translated_from": digest_of_built(built), "machine_assisted": True,
                                     "reviewed": False, "current": True}
    assert launch["claims"][0]["status"] == "unverified"  # facts from the original
    assert talks["language"] == "en" and "translation" not in talks
    root = json.loads(read(built, "data/events.json"))
    assert root["translations"] == {"ko": "https://example.org/ko/data/events.json",
                                    "ja": "https://example.org/ja/data/events.json"}


def digest_of_built(built: Path) -> str:
    return digest_of(built.parent / "content/events/launch.md")


def test_exports_match_their_schema(built):
    jsonschema = pytest.importorskip("jsonschema") if False else __import__("jsonschema")
    schema = json.loads(read(built, "schema/event.json"))
    for prefix in ("", "ko/"):
        for event in json.loads(read(built, prefix + "data/events.json"))["events"]:
            jsonschema.validate(event, schema)


def test_a_translation_that_changes_a_fact_is_refused_with_its_line(project):
    make_site(project)
    assert project.run("build").returncode == 0
    before = read(project.output, "ko/events/launch/index.html")
    path = project.root / "content/events/launch.ko.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("reviewed: false\n", "reviewed: false\ndate: 2026-01-05\ncategory: summit\n")
                    .replace("- {text: 미사일은 약 900km를 비행했다.}", "- {text: 미사일, status: confirmed}"),
                    encoding="utf-8")
    project.write("content/events/launch.de.md", "---\ntranslated_from: x\n---\n")
    result = project.run("build")
    assert result.returncode == 1
    err = result.stderr
    assert "content/events/launch.ko.md:5: date: 'date' is a fact and comes from the original" in err
    assert "content/events/launch.ko.md:6: category: 'category' is a fact" in err
    assert "content/events/launch.ko.md:10: claims[0].status: 'status' is a fact" in err
    assert "content/events/launch.de.md:1: the file name names the language 'de'" in err
    assert read(project.output, "ko/events/launch/index.html") == before  # the previous output intact


def test_a_translation_longer_than_its_original_is_refused(project):
    make_site(project)
    path = project.root / "content/events/launch.ja.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "reviewed: false\n", "reviewed: false\nsources: [{note: a}, {note: b}]\n"), encoding="utf-8")
    result = project.run("build")
    assert result.returncode == 1
    assert "launch.ja.md:5: sources[1]: the original has 1 sources, this gives 2" in result.stderr


def test_a_translation_holding_a_control_character_is_refused_with_its_line(project):
    # As in the originals (model.CONTROL): XML cannot carry one, and drawn cards rely on there being none.
    make_site(project)
    path = project.root / "content/events/launch.ja.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: 北朝鮮が", 'title: "\\0北朝鮮が').replace("を発射\n", 'を発射"\n', 1)
                    .replace("reviewed: false\n", 'reviewed: false\nlocation: {note: "a\\x01b"}\n'),
                    encoding="utf-8")
    result = project.run("build")
    assert result.returncode == 1
    assert "launch.ja.md:6: title: holds the control character U+0000" in result.stderr
    assert "launch.ja.md:5: location.note: holds the control character U+0001" in result.stderr


def test_a_shorter_list_falls_back_to_the_originals_items(project):
    make_site(project)
    launch = project.root / "content/events/launch.md"
    front = yaml.safe_load(launch.read_text(encoding="utf-8").split("---\n")[1])
    front["claims"].append({"text": "It was a new type.", "by": "KCNA", "status": "disputed"})
    launch.write_text("---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\nBody.\n", encoding="utf-8")
    project.run("build", check=True)
    page = read(project.output, "ko/events/launch/index.html")
    assert "미사일은 약 900km를 비행했다." in page and "It was a new type." in page


def test_stale_translation_warns_and_check_lists_missing_and_stale(project):
    make_site(project)
    launch = project.root / "content/events/launch.md"
    launch.write_text(launch.read_text(encoding="utf-8").replace("about 900 km", "about 1,000 km"),
                      encoding="utf-8")
    result = project.run("build", check=True)
    assert ("content/events/launch.ko.md:2: warning: translated_from: ko: the original changed since this "
            "was translated") in result.stdout
    assert "content/events/launch.ja.md:2: warning" in result.stdout
    assert ko("The original has changed since this translation.") in read(project.output, "ko/events/launch/index.html")
    check = project.run("check")
    assert check.returncode == 0, check.stderr
    assert "Translations in ko (한국어): 2 events, 1 translated (1 stale), 1 missing; 1 page, 1 missing" in check.stdout
    assert "  stale: content/events/launch.ko.md (content/events/launch.md changed since)" in check.stdout
    assert "  missing: content/events/talks.ko.md" in check.stdout
    assert "  missing: content/pages/about.ko.md" in check.stdout


def test_a_facts_only_edit_keeps_the_translation_current(project):
    make_site(project)
    launch = project.root / "content/events/launch.md"
    launch.write_text(launch.read_text(encoding="utf-8").replace("2026-01-04", "2026-01-03"), encoding="utf-8")
    assert "warning" not in project.run("build", check=True).stdout


def test_translations_of_unknown_originals_and_bad_names_are_errors(project):
    make_site(project)
    project.write("content/events/lanch.ko.md", "---\ntranslated_from: abc\n---\n")
    result = project.run("build")
    assert result.returncode == 1
    assert "content/events/lanch.ko.md:1: translates 'lanch', but no event has that id; did you mean 'launch'?" in result.stderr


def test_an_edited_translation_redraws_only_pages_that_show_it(project):
    make_site(project)
    project.run("build", check=True)
    path = project.root / "content/events/launch.ko.md"
    path.write_text(path.read_text(encoding="utf-8").replace("떨어졌다", "낙하했다"), encoding="utf-8")
    result = project.run("build", check=True)
    drawn = int(re.search(r"\((\d+) files? drawn", result.stdout).group(1))
    assert 0 < drawn < 15, result.stdout  # the Korean pages showing its body, not the site
    assert "낙하했다" in read(project.output, "ko/events/launch/index.html")
    assert "낙하했다" not in read(project.output, "events/launch/index.html")


def test_a_site_without_languages_has_no_alternates(project):
    project.event("one")
    project.run("build", check=True)
    page = read(project.output, "events/one/index.html")
    assert "hreflang" not in page and "language-switch" not in page


def test_the_preview_follows_an_edited_translation_page_by_page(project):
    from conftest import PreviewProcess  # noqa: PLC0415
    import urllib.request  # noqa: PLC0415

    make_site(project)
    server = PreviewProcess(project)
    try:
        after = len(server.lines)
        path = project.root / "content/events/launch.ko.md"
        path.write_text(path.read_text(encoding="utf-8").replace("떨어졌다", "낙하했다"), encoding="utf-8")
        server.wait_for_line("Built 2 events", after=after)
        line = next(line for line in server.lines[after:] if "Built 2 events" in line)
        drawn = int(re.search(r"\((\d+) pages changed", line).group(1))
        assert 0 < drawn < 15, line  # the Korean pages showing it, not the site
        with urllib.request.urlopen(server.url("/ko/events/launch/"), timeout=10) as response:
            assert "낙하했다" in response.read().decode()
        # a broken translation is reported at its line, and fixed again
        after = len(server.lines)
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("reviewed: false\n", "reviewed: false\nurl: https://example.com/\n"),
                        encoding="utf-8")
        server.wait_for_line("launch.ko.md:5: url: 'url' is a fact", after=after)
        after = len(server.lines)
        path.write_text(text, encoding="utf-8")
        server.wait_for_line("Built 2 events", after=after)
    finally:
        server.stop()


def test_a_language_naming_an_unknown_category_is_an_error(project):
    make_site(project)
    path = project.root / "site.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("provocation: {name: 挑発}", "provocaton: {name: 挑発}"),
                    encoding="utf-8")
    result = project.run("build")
    assert result.returncode == 1
    assert "languages.ja.categories: provocaton not defined under categories:" in result.stderr


def test_digests_come_from_the_full_front_matter_when_workers_slim_it(tmp_path):
    # From parallel.PARALLEL_FROM new files, forked workers check the entries and keep only a few of
    # their fields (validate.slimmed): a digest of that would make every translation stale.
    import sys  # noqa: PLC0415

    sys.path.insert(0, str(REPO / "bench"))
    from corpus import make_corpus  # noqa: PLC0415

    from site_gen.parallel import PARALLEL_FROM  # noqa: PLC0415

    folder = make_corpus(tmp_path / "corpus", PARALLEL_FROM + 10, languages=True)
    result = SiteProject.run(type("P", (), {"root": folder})(), "build", "--jobs", "2", check=True)
    assert "warning" not in result.stdout
    data = json.loads((folder / "output/ko/data/events.json").read_text(encoding="utf-8"))
    assert sum(event["language"] == "ko" for event in data["events"]) == (PARALLEL_FROM + 11) // 2
    assert all(event["translation"]["current"] for event in data["events"] if "translation" in event)
    # and each slimmed original keeps its words' version, so no later check reads its YAML again
    from site_gen.build import Builder  # noqa: PLC0415
    from site_gen.project import Project  # noqa: PLC0415

    builder = Builder(Project(folder), jobs=2)
    builder.load()
    originals = [parsed.raw for (shown, _), parsed in builder.cache.parsed.items()
                 if shown.startswith("content/events/") and translation_parts(Path(shown).name) is None]
    assert len(originals) == PARALLEL_FROM + 10 and all(not raw.complete and raw.words_version for raw in originals)


def test_a_slimmed_originals_words_are_kept_so_its_translations_are_checked_without_its_yaml(project):
    # A cold build's workers slim each original (validate.slimmed), and the build cache keeps it so; at
    # 10,000 entries in three languages, reading each one's YAML again for each of its translations was
    # 12 s of every later build. What the check needs (words_digest, how many claims, figures, sources)
    # is kept instead: here the kept text cannot even be parsed, and the check still finds all it needs.
    import dataclasses  # noqa: PLC0415

    from site_gen import validate  # noqa: PLC0415
    from site_gen.content import parse_entry  # noqa: PLC0415
    from site_gen.languages import check_translation  # noqa: PLC0415

    make_site(project)

    def parsed(name: str):
        path = project.root / "content/events" / name
        return parse_entry(path.read_text(encoding="utf-8"), f"content/events/{name}")[0]

    original = validate.slimmed(parsed("launch.md"), keep_words=True)
    original = dataclasses.replace(original, front_text="title: [unclosed")
    translation, problems = check_translation(parsed("launch.ko.md"), "ko", original, is_page=False)
    assert problems == [] and translation.current
    longer = dataclasses.replace(parsed("launch.ko.md"), front={**parsed("launch.ko.md").front,
                                                                "claims": [{"text": "a"}, {"text": "b"}]})
    _, problems = check_translation(longer, "ko", original, is_page=False)
    assert [p.message for p in problems] == ["the original has 1 claims, this gives 2: a translation adds nothing "
                                             "(same number and order; {} for nothing to say)"]


def test_a_translation_under_a_folder_linking_out_is_refused_as_an_entry_is(project, tmp_path):
    # Translations are listed by the entries' walk (files.list_files): one under a linked folder that leads
    # out of content/events/ is refused, by name, as an entry there is; os.walk once skipped it unsaid.
    make_site(project)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project.root / "content/events/launch.ko.md").rename(elsewhere / "launch.ko.md")
    (project.root / "content/events/more").symlink_to(elsewhere, target_is_directory=True)
    result = project.run("build")
    assert result.returncode == 1
    assert "content/events/more/launch.ko.md:1: a symbolic link that leads outside content/events/: refused" \
        in result.stderr


def test_a_drafts_translation_waits_with_it(project):
    make_site(project)
    launch = project.root / "content/events/launch.md"
    launch.write_text(launch.read_text(encoding="utf-8").replace("---\n", "---\ndraft: true\n", 1), encoding="utf-8")
    talks = project.root / "content/events/talks.md"
    talks.write_text(talks.read_text(encoding="utf-8").replace("responds_to:\n- launch\n", ""), encoding="utf-8")
    project.run("build", check=True)  # its translations are not errors, and not shown
    assert not (project.output / "ko/events/launch").exists()
