"""Languages: the translations beside entries and pages (`<id>.<lang>.md`) checked against their
originals, and the timeline in each language of the config made from the default one.

Load → validate → model, as for entries: `translation_sources` finds the files, `check_translation`
checks one against its original (words only; a fact is refused with its line), and `localized` makes a
language's timeline. Facts always come from the original; words the translation leaves out fall back to
the original's, and readers are told so (Event.lang, Event.body_lang).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from . import content
from .content import RawEntry, line_of
from .files import translation_sources  # noqa: F401 - part of this module's interface (the build lists translations here)
from .model import EventEntry, ExportedEvent, PageEntry, SiteConfig, control_character_problem
from .problems import Problem
from .timeline import Event, Page, Timeline, make_timeline
from .translations import LISTS, WordsVersion, translation_parts, words_version

META = ("translated_from", "machine_assisted", "reviewed")
# The words a translation may give, and in items of which lists (claims, figures, sources) or mappings.
EVENT_WORDS = {"title": None, "summary": None, "location": ("name", "note"), "claims": ("text", "by", "note"),
               "figures": ("what", "unit", "by", "note"), "sources": ("note",)}
PAGE_WORDS = {"title": None, "summary": None}
ITEM_FACTS = {"location": ("lat", "lon"), "claims": ("status", "disputed_by", "quote"),
              "figures": ("value", "approximate"), "sources": ("publisher", "title", "url", "date", "kind",
                                                               "archived_url", "checked")}


@dataclass(frozen=True)
class Translation:
    """One checked translation: its words, and how far readers may lean on them."""

    file: str
    lang: str
    front: dict  # the word fields as written (meta fields apart)
    body: str
    translated_from: str
    machine_assisted: bool
    reviewed: bool
    current: bool  # translated_from is the original's words_digest: the original has not changed since


def prefix_of(config: SiteConfig, lang: str) -> str:
    """The URL folder of a language's pages: "" for the default language."""
    if lang == config.language:
        return ""
    language = config.languages[lang]
    return language.prefix if language.prefix is not None else lang.lower()


def all_languages(config: SiteConfig) -> list[str]:
    return [config.language, *config.languages]


def language_name(config: SiteConfig, lang: str) -> str:
    if lang == config.language:
        return config.language_name or lang
    return config.languages[lang].name or lang


def _problem(raw: RawEntry, loc: tuple, message: str) -> Problem:
    return Problem(raw.file, line_of(raw, loc), _field(loc), message)


def _field(loc: tuple) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p)) for i, p in enumerate(loc))


def _fact_or_unknown(raw: RawEntry, loc: tuple, name: str, facts, allowed) -> Problem:
    if name in facts:
        return _problem(raw, loc, f"{name!r} is a fact and comes from the original: a translation holds only "
                        f"words ({', '.join(allowed)}); remove it")
    close = difflib.get_close_matches(name, list(allowed), n=1, cutoff=0.6)
    return _problem(raw, loc, f"unknown field {name!r}" + (f"; did you mean {close[0]!r}?" if close else "")
                    + f" (a translation holds only {', '.join(allowed)})")


def _text_problem(raw: RawEntry, loc: tuple, value) -> Problem | None:
    if not isinstance(value, str):
        return _problem(raw, loc, f"must be text (got {type(value).__name__})")
    if not value.strip():
        return _problem(raw, loc, "must not be empty (leave the field out to keep the original's words)")
    return _problem(raw, loc, found) if (found := control_character_problem(value)) else None


def check_translation(raw: RawEntry, lang: str, original: RawEntry, is_page: bool) -> tuple[Translation | None, list[Problem]]:
    """A translation checked against its original (every problem, each at its line), and whether it is
    current."""
    front = raw.front
    allowed = PAGE_WORDS if is_page else EVENT_WORDS
    facts = set(PageEntry.model_fields if is_page else ExportedEvent.model_fields)  # url too
    version = original_words(original)
    problems = []
    for name in front:
        if name not in META and name not in allowed:
            problems.append(_fact_or_unknown(raw, (name,), str(name), facts, (*META, *allowed)))
    digest = front.get("translated_from")
    if digest is None:
        problems.append(Problem(raw.file, raw.front_line, "translated_from", "required field is missing: the "
                                "words_digest of the original this translates (see README, Languages)"))
    elif not isinstance(digest, str):
        problems.append(_problem(raw, ("translated_from",), "must be the 12 hex digits of words_digest, quoted "
                                 "if they are all digits"))
    for name in ("machine_assisted", "reviewed"):
        if name in front and not isinstance(front[name], bool):
            problems.append(_problem(raw, (name,), "must be true or false"))
    for name in ("title", "summary"):
        if name in front and (problem := _text_problem(raw, (name,), front[name])):
            problems.append(problem)
    if not is_page:
        problems += _item_problems(raw, front, version.counts)
    if problems:
        return None, problems
    words = {name: front[name] for name in allowed if name in front}
    return Translation(raw.file, lang, words, raw.body, digest, front.get("machine_assisted", False),
                       front.get("reviewed", False), digest == version.digest), []


def original_words(original: RawEntry) -> WordsVersion:
    """The original's words_version: kept with it when its front matter was slimmed (a cold build's
    entries, and the build cache's), else read from its full front matter."""
    return original.words_version or words_version(original.full_front(), original.body)


def _item_problems(raw: RawEntry, front: dict, counts: tuple[int, ...]) -> list[Problem]:
    problems = []
    location = front.get("location")
    if location is not None:
        if not isinstance(location, dict):
            problems.append(_problem(raw, ("location",), "must be a mapping (name:, note:)"))
        else:
            problems += _mapping_problems(raw, ("location",), location, EVENT_WORDS["location"], ITEM_FACTS["location"])
    for name, count in zip(LISTS, counts):
        items = front.get(name)
        if items is None:
            continue
        if not isinstance(items, list):
            problems.append(_problem(raw, (name,), f"must be a list, in the order of the original's {name}"))
            continue
        if len(items) > count:
            problems.append(_problem(raw, (name, count), f"the original has {count} {name}, this gives {len(items)}: "
                                     "a translation adds nothing (same number and order; {} for nothing to say)"))
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                problems.append(_problem(raw, (name, index), "must be a mapping ({} for nothing to say)"))
            else:
                problems += _mapping_problems(raw, (name, index), item, EVENT_WORDS[name], ITEM_FACTS[name])
    return problems


def _mapping_problems(raw: RawEntry, loc: tuple, item: dict, allowed, facts) -> list[Problem]:
    problems = []
    for key, value in item.items():
        if key not in allowed:
            problems.append(_fact_or_unknown(raw, (*loc, key), str(key), facts, allowed))
        elif (problem := _text_problem(raw, (*loc, key), value)):
            problems.append(problem)
    return problems


def translation_target(raw: RawEntry, config: SiteConfig, originals: dict[str, RawEntry],
                       what: str) -> tuple[str, str, Problem | None]:
    """(id, language) a translation file names, or the problem with its name."""
    event_id, lang = translation_parts(PurePosixPath(raw.file).name)
    if lang not in config.languages:
        known = ", ".join(config.languages) or "none"
        why = " (it is the default language: the original is in it)" if lang == config.language else ""
        return event_id, lang, Problem(raw.file, 1, "", f"the file name names the language {lang!r}, which is not one "
                                       f"of the site's other languages (languages: in site.yaml: {known}){why}")
    if event_id not in originals:
        return event_id, lang, Problem(raw.file, 1, "", f"translates {event_id!r}, but no {what} has that id"
                                       f"{_suggest(event_id, originals)}: name the file <id>.{lang}.md")
    return event_id, lang, None


def _suggest(name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def stale_warning(translation: Translation, original_file: str, original_digest: str, line: int) -> Problem:
    return Problem(translation.file, line, "translated_from",
                   f"{translation.lang}: the original changed since this was translated ({original_file} is now "
                   f"{original_digest}, the translation says {translation.translated_from}): check the translation "
                   "and update translated_from")


# Model: a language's timeline, its words from the translations and its facts from the original.

def localized_config(config: SiteConfig, lang: str) -> SiteConfig:
    """The config as pages in `lang` show it: its title, description and names, the default's where left out,
    and its base_url the language's folder (so every absolute address made from it stays in the language)."""
    language = config.languages[lang]
    categories = {slug: _term(term, language.categories.get(slug)) for slug, term in config.categories.items()}
    actors = {slug: _term(actor, language.actors.get(slug)) for slug, actor in config.actors.items()}
    return config.model_copy(update={
        "title": language.title or config.title, "description": language.description or config.description,
        "language": lang, "base_url": config.base_url + prefix_of(config, lang) + "/",
        "categories": categories, "actors": actors, "tags": {**config.tags, **language.tags}})


def _term(term, words):
    if words is None:
        return term
    return term.model_copy(update={"name": words.name or term.name, "description": words.description or term.description})


def localized_entry(entry: EventEntry, words: dict) -> EventEntry:
    """The original's entry with the translation's words in place (model_copy: the facts are checked already)."""
    update = {name: words[name] for name in ("title", "summary") if name in words}
    if "location" in words and entry.location is not None:
        update["location"] = entry.location.model_copy(update=words["location"])
    for name in LISTS:
        if name in words:
            given = words[name]
            update[name] = [item.model_copy(update=given[index]) if index < len(given) else item
                            for index, item in enumerate(getattr(entry, name))]
    return entry.model_copy(update=update) if update else entry


def localized_words(event: Event, translation: Translation | None, body_html: str | None, source_lang: str) -> dict:
    """What an event in another language holds besides its id, file and links: the translation's words
    (`body_html`: its body converted) or, where it gives none, the original's, with the language they are in.
    Also used by the preview to change an event's copy in a language in place (preview/edits.py)."""
    if translation is None:
        return {"entry": event.entry, "body_html": event.body_html, "body_markdown": event.body_markdown,
                "lang": source_lang, "body_lang": source_lang, "translation": None}
    has_body = bool(translation.body.strip())
    return {"entry": localized_entry(event.entry, translation.front),
            "body_html": body_html if has_body else event.body_html,
            "body_markdown": translation.body if has_body else event.body_markdown, "lang": "",
            "body_lang": "" if has_body or not event.body_markdown.strip() else source_lang,
            "translation": translation}


def localized(timeline: Timeline, lang: str, translations: dict[str, Translation],
              page_translations: dict[str, Translation], html: dict[str, str]) -> Timeline:
    """`timeline` in `lang`: each event (and free page) with its translation's words, or the original's
    where none is given (Event.lang says which language they are in). `html` holds the translated bodies
    by file; a body not translated is the original's HTML, converted once for every language."""
    source_lang = timeline.config.language
    events = []
    for event in timeline.events:
        translation = translations.get(event.id)
        words = localized_words(event, translation, html.get(translation.file) if translation else None, source_lang)
        events.append(Event(event.id, event.file, key=f"{lang}:{event.id}", **words))
    pages = []
    for page in timeline.pages:
        translation = page_translations.get(page.slug)
        if translation is None:
            pages.append(Page(page.slug, page.file, page.entry, page.body_html, lang=source_lang))
        else:
            has_body = bool(translation.body.strip())
            pages.append(Page(page.slug, page.file, page.entry.model_copy(update=translation.front),
                              html[translation.file] if has_body else page.body_html,
                              lang="", body_lang="" if has_body else source_lang, translation=translation))
    made = make_timeline(localized_config(timeline.config, lang), events, pages)
    made.lang, made.prefix = lang, prefix_of(timeline.config, lang)
    return made
