"""The bundled site drawn in Korean and Japanese with render.Renderer(templates, language): no text of the
interface is left in English (each text node and reader-facing attribute is compared against the English
msgids), dates are the language's own and every <time> keeps the exact value."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup, Comment

from site_gen import i18n, render
from site_gen.build import Builder
from site_gen.pages import recent
from site_gen.project import Project
from site_gen.render import Renderer, make_environment

ROOT = Path(__file__).resolve().parent.parent
ATTRIBUTES = ("aria-label", "title", "alt", "placeholder", "content", "data-all", "data-some",
              "data-some-query", "data-chosen")
ISO = re.compile(r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2}))?)?)?")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """The bundled timeline, loaded once (a copy: the build cache is written beside it)."""
    root = tmp_path_factory.mktemp("bundled")
    for name in ("site.yaml", "content", "templates"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, root / name)
    return root, Builder(Project(root)).load()


def draw(loaded, language: str) -> dict[str, bytes]:
    root, (timeline, site_key, keys) = loaded
    files = Renderer(root / "templates", language).render(timeline, site_key, keys)
    return {path: data() if callable(data) else data for path, data in files.items()}


def english_fragments() -> set[str]:
    """The English words of every msgid, cut at placeholders and tags, which no text node may be."""
    with (i18n.LOCALE_DIR / "messages.pot").open("rb") as file:
        template = read_po(file)
    pieces = set()
    for message in template:
        for text in (message.id if isinstance(message.id, tuple) else (message.id,)):
            for piece in re.split(r"%\(\w+\)s|\{\w+\}|<[^>]+>", text):
                piece = piece.strip(" .,:;()“”←→—")
                if len(re.findall(r"[A-Za-z]", piece)) >= 3:
                    pieces.add(piece)
    return pieces


def _in_content(node) -> bool:
    """Whether a text node is in an entry's own Markdown (an event's body, a free page): content, which
    translations of entries (not catalogs) put in other languages."""
    return any("body" in parent.get("class", ()) or (parent.name == "article" and "page" in parent.get("class", ()))
               for parent in node.parents if parent.name)


def shown_texts(html: str):
    soup = BeautifulSoup(html, "html.parser")
    for node in soup.find_all(string=True):
        if isinstance(node, Comment) or node.parent.name in ("script", "style") or _in_content(node):
            continue
        yield node.parent.name, str(node)
    for element in soup.find_all(True):
        for attribute in ATTRIBUTES:
            if element.has_attr(attribute) and not (element.name == "meta" and element.get("property", "").startswith(
                    ("og:url", "og:type", "og:locale", "article:"))):
                yield f"{element.name}[{attribute}]", element[attribute]


def untranslated(files: dict[str, bytes]) -> list[tuple[str, str, str]]:
    english = english_fragments()
    found = []
    for path, data in sorted(files.items()):
        if not path.endswith(".html"):
            continue
        for where, text in shown_texts(data.decode()):
            words = text.strip(" .,:;()“”←→—\n")
            if words in english:
                found.append((path, where, text.strip()))
    return found


@pytest.mark.parametrize("language", ["ko", "ja"])
def test_no_interface_string_is_left_in_english(loaded, language):
    files = draw(loaded, language)
    assert len([path for path in files if path.endswith(".html")]) > 50
    assert untranslated(files) == []


def test_the_check_finds_english_where_a_translation_is_missing(loaded, tmp_path, monkeypatch):
    # The guard itself: with one translation taken out of the Korean catalog, its English shows and is found.
    locale = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, locale)
    path = locale / "ko" / "LC_MESSAGES" / "messages.po"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('msgid "Reported by"\nmsgstr "보고한 곳"', 'msgid "Reported by"\nmsgstr ""'),
                    encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    monkeypatch.setattr(render, "_environments", {})  # environments are kept per language: a new one
    i18n.translations.cache_clear()
    try:
        found = untranslated(draw(loaded, "ko"))
    finally:
        monkeypatch.undo()
        i18n.translations.cache_clear()
    assert found and {text for _, _, text in found} == {"Reported by"}


@pytest.mark.parametrize("language, seoul, month", [("ko", "서울 시간", "년"), ("ja", "ソウル時間", "年")])
def test_dates_are_the_languages_own_and_time_keeps_the_exact_value(loaded, language, seoul, month):
    files = draw(loaded, language)
    index = BeautifulSoup(files["index.html"].decode(), "html.parser")
    times = index.find_all("time")
    assert times and all(ISO.fullmatch(time["datetime"]) for time in times)
    assert any(seoul in time.get_text() for time in times)  # the bundled launches are in Seoul's time
    assert any(month in time.get_text() for time in times)
    assert not [time for time in times if re.search(r"[A-Za-z]", time.get_text().replace("UTC", ""))]  # no "January"
    for path, data in files.items():
        if path.endswith(".html"):
            for time in BeautifulSoup(data.decode(), "html.parser").find_all("time"):
                assert ISO.fullmatch(time["datetime"]), (path, time)


def test_one_environment_per_language_each_compiling_a_template_once(loaded):
    root = loaded[0]
    ko = make_environment(root / "templates", "ko")
    assert make_environment(root / "templates", "ko") is ko
    assert make_environment(root / "templates", "ja") is not ko
    assert ko.get_template("base.html") is ko.get_template("base.html")
    assert Renderer(root / "templates", "ko").env is ko


def test_english_is_drawn_as_before(loaded):
    files = draw(loaded, "en")
    html = files["index.html"].decode()
    assert "Skip to content" in html and "Latest first." in html
    assert 'data-all="{count} events"' in html


def test_the_filters_speak_the_pages_language_in_a_browser(loaded, tmp_path, static_server, page):
    # timeline.js words its status from the page (index.html hands it the catalog's words).
    for path, data in draw(loaded, "ko").items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    shutil.copytree(loaded[0] / "templates" / "static", tmp_path / "static", dirs_exist_ok=True)
    page.goto(static_server(tmp_path) + "index.html")
    status = page.locator("#filter-status")
    on_index = recent(loaded[1][0].events)  # the index holds the latest months (pages.INDEX_LIMIT)
    total = len(on_index)
    page.wait_for_function("document.getElementById('filter-status').textContent.length > 0")
    assert status.text_content() == f"사건 {total}건"
    page.locator("#filter-options summary").click()
    page.locator("input[name=category][value=provocation]").check()
    shown = sum(event.entry.category == "provocation" for event in on_index)
    assert status.text_content() == f"사건 {total}건 중 {shown}건 표시"
    assert page.locator("#filter-summary").text_content() == "(선택: Provocation)"


@pytest.mark.parametrize("language, sources, month", [("ko", "출처", "년"), ("ja", "出典", "年")])
def test_feeds_slides_and_search_index_are_worded_in_the_language(loaded, language, sources, month):
    import json  # noqa: PLC0415

    import feedparser  # noqa: PLC0415

    files = draw(loaded, language)
    feed = feedparser.parse(files["feeds/atom.xml"])
    assert all(f"<h2>{sources}</h2>" in entry.content[0].value for entry in feed.entries)
    slides = json.loads(files["data/timeline.json"])["events"]
    heading = i18n.translations(language).gettext("Sources:")
    assert heading != "Sources:" and all(f"<p>{heading}</p>" in slide["text"]["text"] for slide in slides)
    assert all(month in slide["display_date"] for slide in slides)
    assert "Sources:" not in files["data/timeline.json"].decode()
    index = files["search-index.js"].decode()
    records = json.loads(index.removeprefix("window.siteGenSearchIndex=").removesuffix(";\n"))
    assert all(month in record["date"] for record in records)
    assert "sources differ" not in index and "claimed by" not in index


def test_pages_drawn_later_in_another_thread_keep_their_language(loaded):
    # The preview draws lazily, in its server's thread, where no language was set: each drawing sets its own.
    import threading  # noqa: PLC0415

    root, (timeline, site_key, keys) = loaded
    renderer = Renderer(root / "templates", "ja")
    renderer.render(timeline, site_key, keys)  # the first render draws every page
    files = renderer.render(timeline, site_key, keys, lazy=True, reshaped=True)  # now pages wait to be asked
    assert callable(files["index.html"]) and callable(files["search-index.js"])
    drawn = {}
    thread = threading.Thread(target=lambda: drawn.update(page=files["index.html"](), data=files["search-index.js"]()))
    thread.start()
    thread.join()
    assert "年表" in drawn["page"].decode() and "出典により異なる" in drawn["data"].decode()
    assert i18n.current() == "en"
