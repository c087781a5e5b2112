"""Validate stage: raw front matter → typed entries, and every problem with its file, line and field."""
from __future__ import annotations

import difflib
import reprlib
import typing
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from pydantic import BaseModel, ValidationError

from .content import RawEntry, display_path, leads_outside, line_of, outside_problem
from .model import CONTROL, ID, EventEntry, PageEntry, SiteConfig, control_character_problem
from .pages import URL_FOLDERS
from .problems import Problem
from .translations import words_version

RESERVED_PATHS = URL_FOLDERS  # top-level URL folders the generator writes itself; a free page may not take one


@dataclass(frozen=True)
class ValidEntry:
    id: str
    raw: RawEntry
    entry: EventEntry | PageEntry


def field_path(loc: tuple) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _nested_model(annotation) -> type[BaseModel] | None:
    """The model inside `Model`, `Model | None`, `list[Model]` or `dict[str, Model]`, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


def _names_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names allowed at `loc` (the path of an unknown field, without its own name)."""
    for part in loc:
        if isinstance(part, int) or part not in model.model_fields:
            continue  # list indexes and dict keys (a category's slug) do not change the model
        nested = _nested_model(model.model_fields[part].annotation)
        if nested is None:
            return []
        model = nested
    return list(model.model_fields)


def _message(error: dict, model: type[BaseModel]) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        name = str(error["loc"][-1])
        close = difflib.get_close_matches(name, _names_at(model, error["loc"][:-1]), n=1, cutoff=0.6)
        return f"unknown field {name!r}" + (f"; did you mean {close[0]!r}?" if close else "")
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short" and error["loc"][-1:] == ("sources",):
        return "at least one source is required"
    message = error["msg"]
    message = message.removeprefix("Value error, ")
    if kind in ("string_type", "list_type", "dict_type", "model_type", "float_type", "int_type", "bool_type",
                "float_parsing", "literal_error", "bool_parsing"):
        shown = _SHORT.repr(error["input"])
        message += f" (got {shown})" if len(shown) < 80 else ""
    return message


# The value quoted in a message is cut short as it is written out: a full repr() of a huge or deeply
# nested value (a pasted document, shared YAML aliases) could take minutes and fill the terminal.
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = _SHORT.maxlong = 100
_SHORT.maxlevel = 3


def check_model(raw: RawEntry, model: type[BaseModel], data: dict | None = None):
    """Validate front matter against `model`; return (instance or None, problems)."""
    try:
        return model.model_validate(raw.full_front() if data is None else data), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            problems.append(Problem(raw.file, line_of(raw, loc), field_path(loc) or "(entry)",
                                    _message(error, model)))
        return None, problems


def _suggest(name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def event_id_of(raw: RawEntry) -> str:
    """The id set in the front matter, else the file's name."""
    given = raw.front.get("id")
    given = given.strip() if isinstance(given, str) else None  # as the model reads it
    return given or PurePosixPath(raw.file).stem


def check_event(raw: RawEntry, checked: dict | None = None, used: set | None = None):
    """One entry's own checks (its fields, and its body's characters): (EventEntry or None, problems).
    `checked` remembers results by file and text, across builds; the keys used go into `used`."""
    key = raw.key
    if checked is not None and key in checked:
        result = checked[key]
    else:
        entry, found = check_model(raw, EventEntry)
        result = (entry, found + _body_problems(raw))
        if checked is not None:
            checked[key] = result
    if used is not None:
        used.add(key)
    return result


# The fields the checks across entries read (validate_events); once an entry's own checks are done and
# remembered, its raw front matter is cut down to these (slimmed), which at 10,000 entries saves the
# memory of a second copy of every field (the first being the checked model's).
CROSS_FIELDS = ("id", "draft", "category", "actors", "responds_to", "image")


def slimmed(raw: RawEntry, keep_words: bool = False) -> RawEntry:
    """`keep_words`: the site has other languages, whose translations are checked against this entry's
    words (translations.words_version, kept so the check need not parse its YAML again)."""
    front = {name: raw.front[name] for name in CROSS_FIELDS if name in raw.front}
    return replace(raw, front=front, complete=False,
                   words_version=words_version(raw.full_front(), raw.body) if keep_words else None)


def validate_events(raws: list[RawEntry], config: SiteConfig, content_dir: Path | None = None,
                    drafts: bool = True, checked: dict | None = None,
                    used: set | None = None) -> tuple[list[ValidEntry], list[Problem]]:
    """Field checks for each entry, then the checks across entries (ids, categories, actors, threads).

    The checks across entries read the raw front matter, so an entry with a bad date still has its
    unknown category reported in the same run: every problem at once. Without `drafts`, entries
    marked `draft: true` are left out unchecked: work in progress never blocks publishing.
    `checked` keeps each entry's own checks by file and text across builds (the keys this run needs are
    added to `used`).
    """
    problems: list[Problem] = []
    valid: list[ValidEntry] = []
    ids: dict[str, RawEntry] = {}  # every entry's id, valid or not, so responds_to can name a broken one
    left_out: set[str] = set()
    for raw in raws:
        given = raw.front.get("id")
        event_id = event_id_of(raw)
        if not drafts and raw.front.get("draft") is True:
            left_out.add(event_id)  # a draft's front matter is unchecked: its id may be anything
            continue
        entry, found = check_event(raw, checked, used)
        problems += found
        if not ID.fullmatch(event_id) or event_id != event_id.lower():
            if not isinstance(given, str):
                problems.append(Problem(raw.file, 1, "id", f"the file name gives the id {event_id!r}, which "
                                        "cannot be a URL path: rename the file (lowercase letters, digits, "
                                        "hyphens) or set id"))
            continue
        if event_id in ids:
            line = line_of(raw, ("id",)) if "id" in raw.front else 1  # else the id is the file's name
            problems.append(Problem(raw.file, line, "id",
                                    f"duplicate id {event_id!r}: {ids[event_id].file} has the same id"))
            continue
        ids[event_id] = raw
        if entry is not None:
            valid.append(ValidEntry(event_id, raw, entry))

    dates = {item.id: item.entry.date for item in valid}
    for event_id, raw in ids.items():
        problems += cross_problems(raw, event_id, ids, dates, left_out, config, content_dir)
    return valid, problems


def cross_problems(raw: RawEntry, event_id: str, ids: dict, dates: dict, left_out: set[str], config: SiteConfig,
                   content_dir: Path | None) -> list[Problem]:
    """One entry's checks against the others and the config: its category and actors are defined, what it
    responds to exists, is published and does not come after it, and its picture is there. `ids` maps
    every id to its raw entry; `dates` the valid ones to their dates; `left_out` holds drafts' ids."""
    problems = []
    front = raw.front
    category = front.get("category")
    category = category.strip() if isinstance(category, str) else None  # as the model reads it
    if category is not None and category not in config.categories:
        problems.append(Problem(raw.file, line_of(raw, ("category",)), "category",
                                f"unknown category {category!r}{_suggest(category, config.categories)}"
                                f" (defined in site.yaml: {', '.join(config.categories)})"))
    for index, actor in _strings(front.get("actors")):
        if actor not in config.actors:
            problems.append(Problem(raw.file, line_of(raw, ("actors", index)), f"actors[{index}]",
                                    f"unknown actor {actor!r}{_suggest(actor, config.actors)}"
                                    " (define it under actors: in site.yaml)"))
    for index, target in _strings(front.get("responds_to")):
        message = None
        if target == event_id:
            message = "an event cannot respond to itself"
        elif target in left_out:
            message = f"{target!r} is a draft, left out of this build: publish it (remove draft: true) or " \
                      "build with --drafts"
        elif target not in ids:
            message = f"no event has the id {target!r}{_suggest(target, ids)}"
        elif event_id in dates and target in dates and dates[target].first_day > dates[event_id].first_day:
            message = f"{target!r} is dated {dates[target]}, after this event ({dates[event_id]}): " \
                      "a response cannot come first"
        if message:  # finding the line re-reads the YAML: only worth it for a problem
            problems.append(Problem(raw.file, line_of(raw, ("responds_to", index)), f"responds_to[{index}]",
                                    message))
    return problems + image_problems(raw, content_dir)


def image_problems(raw: RawEntry, content_dir: Path | None) -> list[Problem]:
    """The picture an entry names must be in content/media/."""
    image = raw.front.get("image")
    src = image.get("src") if isinstance(image, dict) else None
    if isinstance(src, str) and src.startswith("media/") and content_dir and not _is_file(content_dir / src):
        return [Problem(raw.file, line_of(raw, ("image", "src")), "image.src", f"no file content/{src}")]
    return []


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # a name too long for the file system, a NUL byte: no such file either way
        return False


def _body_problems(raw: RawEntry) -> list[Problem]:
    """Control characters in the body, at their line. (Bodies Markdown cannot convert are reported by
    the build, which converts them, in parallel when there are many.)"""
    found = CONTROL.search(raw.body)
    if found:
        line = raw.body_line + raw.body.count("\n", 0, found.start())
        return [Problem(raw.file, line, "body", control_character_problem(found.group()))]
    return []


body_problems = _body_problems  # for translations' bodies (build.Builder.add_languages)


def _strings(value) -> list[tuple[int, str]]:
    """The text items of a list, stripped of surrounding spaces as the model strips them."""
    return [(i, v.strip()) for i, v in enumerate(value) if isinstance(v, str)] if isinstance(value, list) else []


def validate_pages(raws: list[RawEntry]) -> tuple[list[ValidEntry], list[Problem]]:
    problems: list[Problem] = []
    valid = []
    slugs: dict[str, RawEntry] = {}
    for raw in raws:
        entry, found = check_model(raw, PageEntry)
        problems += found + _body_problems(raw)
        slug = PurePosixPath(raw.file).stem
        if entry is not None:
            if not ID.fullmatch(slug) or slug != slug.lower():
                problems.append(Problem(raw.file, 1, "", f"page file name {slug!r} must be lowercase letters, "
                                        "digits and hyphens (it becomes the URL)"))
            elif slug in RESERVED_PATHS:
                problems.append(Problem(raw.file, 1, "", f"page name {slug!r} is taken by the site's own "
                                        f"/{slug}/ pages: rename the file"))
            elif slug in slugs:  # pages in sub-folders share one URL space: about.md and x/about.md collide
                problems.append(Problem(raw.file, 1, "", f"page name {slug!r} is also used by "
                                        f"{slugs[slug].file}: both would be /{slug}/; rename one"))
            else:
                slugs[slug] = raw
                valid.append(ValidEntry(slug, raw, entry))
    return valid, problems


# Files in content/media are published as they are, on the site's own address. Pictures only: an SVG or
# HTML file there could hold a script that runs when someone opens it (no page's policy covers it).
MEDIA_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif"}


def validate_media(folder: Path, project: Path) -> list[Problem]:
    """Problems with the files copied from content/media: links that lead out of it, and non-pictures.
    Names starting with "." are skipped, as the copy skips them."""
    problems = []
    if not folder.is_dir():
        return problems
    for path in sorted(folder.rglob("*")):
        if path.name.startswith(".") or not path.is_file():
            continue
        shown = display_path(path, project)
        if leads_outside(path, folder):
            problems.append(outside_problem(shown, folder, project))
        elif path.suffix.lower() not in MEDIA_TYPES:
            problems.append(Problem(shown, 1, "", f"only pictures ({', '.join(sorted(MEDIA_TYPES))}) are "
                                    "published from content/media/: a script in any other kind of file "
                                    "(an SVG, an HTML page) would run on the site's own address"))
    return problems


def validate_config(raw: RawEntry) -> tuple[SiteConfig | None, list[Problem]]:
    return check_model(raw, SiteConfig)

