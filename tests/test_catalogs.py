"""The interface catalogs: extracted afresh (as `make messages` does), every string of the interface is in
messages.pot and translated in every language's catalog, with no empty or fuzzy entry (gettext shows
English for those, silently) and the same placeholders as the English."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from site_gen import i18n

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("ko", "ja")
# %(name)s for Python and Jinja; {name} for the words index.html hands timeline.js.
PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[sd]|\{[A-Za-z_]\w*\}")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Catalog:
    """The interface's strings as pybabel extracts them now, with the project's own babel.cfg."""
    out = tmp_path_factory.mktemp("messages") / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(ROOT / "site_gen/locale/babel.cfg"), "-o", str(out),
                                str(ROOT)])
    with out.open("rb") as file:
        return read_po(file)


def ids(catalog: Catalog) -> set:
    return {message.id for message in catalog if message.id}


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def catalog_problems(template: Catalog, catalog: Catalog) -> list[str]:
    """What is wrong with `catalog` against the extracted `template`: a string missing, empty or fuzzy,
    or translated with other placeholders than the English."""
    problems = []
    for wanted in template:
        if not wanted.id:
            continue
        message = catalog.get(wanted.id)
        shown = wanted.id[0] if isinstance(wanted.id, tuple) else wanted.id
        if message is None:
            problems.append(f"missing: {shown!r}")
            continue
        if message.fuzzy:
            problems.append(f"fuzzy (gettext would show English): {shown!r}")
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.append(f"empty: {shown!r}")
            continue
        english = placeholders(wanted.id[-1] if isinstance(wanted.id, tuple) else wanted.id)
        for string in strings:
            if placeholders(string) != english:
                problems.append(f"placeholders {placeholders(string)} instead of {english}: {shown!r}")
    for message, errors in catalog.check():  # Babel's own checks (python-format, plural forms)
        problems.extend(f"{error}: {message.id!r}" for error in errors)
    return problems


def read_catalog(language: str) -> Catalog:
    with i18n.catalog_path(language).open("rb") as file:
        return read_po(file, locale=language)


def test_the_template_holds_every_string_extracted_now(extracted):
    with (ROOT / "site_gen" / "locale" / "messages.pot").open("rb") as file:
        committed = read_po(file)
    assert ids(extracted) == ids(committed), "run `make messages`: messages.pot is out of date"
    assert len(ids(extracted)) > 100  # the templates and the code were both read


def test_every_string_the_code_translates_is_extracted(extracted):
    # pybabel does not look inside f-strings: a gettext call written there would never be translated.
    called = re.compile(r"""\b(?:n?gettext|N_)\(\s*(["'])((?:(?!\1).)+)\1""")
    found = {match.group(2) for path in (ROOT / "site_gen").rglob("*.py")
             for match in called.finditer(path.read_text(encoding="utf-8"))}
    singulars = {message.id[0] if isinstance(message.id, tuple) else message.id for message in extracted}
    assert len(found) > 40 and sorted(found - singulars) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_catalog_is_complete_exact_and_not_fuzzy(extracted, language):
    assert catalog_problems(extracted, read_catalog(language)) == []


def test_the_bundled_languages_are_the_catalogs_found():
    assert i18n.languages() == ["en", *sorted(LANGUAGES)]


def test_the_check_catches_a_missing_empty_fuzzy_or_mismatched_translation(extracted):
    # The guard itself: a catalog broken in each of the four ways is reported for each.
    catalog = read_catalog("ko")
    del catalog["Sources"]
    catalog["Timeline"].string = ""
    catalog["Map"].flags.add("fuzzy")
    catalog["Credit: %(credit)s"].string = "제공: %(credits)s"
    catalog["{count} events"].string = "사건 건"
    problems = catalog_problems(extracted, catalog)
    assert "missing: 'Sources'" in problems
    assert "empty: 'Timeline'" in problems
    assert "fuzzy (gettext would show English): 'Map'" in problems
    assert any("Credit: %(credit)s" in problem and "placeholders" in problem for problem in problems)
    assert any("{count} events" in problem for problem in problems)


def test_a_fuzzy_entry_would_fall_back_to_english(tmp_path, monkeypatch):
    # Why fuzzy entries must be loud: compiled, they are left out, and readers get the English.
    locale = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, locale)
    path = locale / "ko" / "LC_MESSAGES" / "messages.po"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('msgid "Timeline"\n', '#, fuzzy\nmsgid "Timeline"\n', 1), encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    i18n.translations.cache_clear()
    try:
        assert i18n.translations("ko").gettext("Timeline") == "Timeline"
        assert i18n.translations("ko").gettext("Map") == "지도"
    finally:
        monkeypatch.undo()
        i18n.translations.cache_clear()
    assert i18n.translations("ko").gettext("Timeline") == "연표"


def test_catalogs_are_compiled_in_memory_and_shipped_as_po():
    assert i18n.translations("ja") is i18n.translations("ja")  # compiled once
    assert not list(i18n.LOCALE_DIR.rglob("*.mo"))
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"locale/*/LC_MESSAGES/*.po"' in pyproject  # an installed site-gen has them


def test_a_language_without_a_catalog_is_a_clear_error():
    with pytest.raises(ValueError, match="no interface catalog for language 'xx'"):
        i18n.translations("xx")
    assert i18n.translations("en").gettext("Timeline") == "Timeline"
    assert i18n.translations("en-GB").gettext("Timeline") == "Timeline"
