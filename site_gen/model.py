"""The content model: what an entry's front matter and the site config may hold.

Pydantic checks every field in one pass and reports all errors at once; the same models give the
JSON Schema that editors and data users get (`/schema/event.json`).
"""
from __future__ import annotations

import re
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer,
                      WithJsonSchema, field_validator, model_validator)

from .dates import EventDate, parse_event_date
from .i18n import N_, gettext

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Ids become URL paths: Unicode letters and digits are fine (Hangul ids work), separators are hyphens.
ID = re.compile(r"[^\W_](?:[\w-]*[^\W_])?")


# The usual address (http(s)://, a plain ASCII host, then anything), which urlsplit always accepts: it
# needs no split, the slowest check of an entry (urlsplit's own cache is too small to help).
PLAIN_HTTP_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]*)?(?:[/?#].*)?", re.DOTALL)


def _http_url(value: str) -> str:
    if PLAIN_HTTP_URL.fullmatch(value):
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"url {value!r} must be an absolute http:// or https:// address")
    return value


def _media_path(value: str) -> str:
    # Pictures are served from the site itself: a page never makes a request to another host.
    if not value.startswith("media/") or ".." in value.split("/") or "\\" in value or urlsplit(value).scheme:
        raise ValueError(f"{value!r} must name a file under content/media/, written as media/<name> "
                         "(pictures are copied into the site, never loaded from another host)")
    return value


def _slug(value: str) -> str:
    if not SLUG.fullmatch(value):
        raise ValueError(f"{value!r} is not a slug: use lowercase letters, digits and single hyphens")
    return value


# CSS colours as written in a stylesheet: #hex, a name, or rgb()/hsl(); nothing that could end the rule.
COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]+|(rgb|hsl)a?\([0-9.,%/ ]+\)")


def _colour(value: str) -> str:
    if not COLOUR.fullmatch(value):
        raise ValueError(f"{value!r} is not a CSS colour: use #rrggbb, a colour name, rgb() or hsl()")
    return value


def _id(value: str) -> str:
    if not ID.fullmatch(value) or value != value.lower():
        raise ValueError(f"{value!r} is not a valid id: use lowercase letters, digits and hyphens")
    return value


DateField = Annotated[
    EventDate,
    BeforeValidator(parse_event_date),
    PlainSerializer(EventDate.iso, return_type=str),
    WithJsonSchema({
        "anyOf": [{"type": "integer", "minimum": 1, "maximum": 9999},
                  {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2}))?)?)?$"}],
        "description": "YYYY, YYYY-MM, YYYY-MM-DD, or a local date-time with its UTC offset: 2026-01-04T07:50+09:00",
    }),
]
Text = Annotated[str, Field(min_length=1)]
HttpUrl = Annotated[str, AfterValidator(_http_url), Field(json_schema_extra={"format": "uri"})]
Slug = Annotated[str, AfterValidator(_slug)]
Colour = Annotated[str, AfterValidator(_colour)]
Id = Annotated[str, AfterValidator(_id)]


# C0 control characters (tab and line ends apart): XML cannot carry them at all (a feed holding one is
# broken for every reader) and HTML counts them as errors. YAML lets them in only as escapes ("\x01").
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_character_problem(text: str) -> str | None:
    found = CONTROL.search(text)
    return None if found is None else (f"holds the control character U+{ord(found.group()):04X}, which HTML and "
                                       "XML cannot carry: remove it")


class Strict(BaseModel):
    # Unknown fields are errors: they are usually typos, and the message suggests the nearest name.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True,
                              arbitrary_types_allowed=True)

    @field_validator("*")
    @classmethod
    def _no_control_characters(cls, value):
        if isinstance(value, str):
            if CONTROL.search(value):
                raise ValueError(control_character_problem(value))
        elif isinstance(value, (list, dict)):  # a dict's keys and values: tag names in the config
            for text in (*value, *value.values()) if isinstance(value, dict) else value:
                if isinstance(text, str) and CONTROL.search(text):
                    raise ValueError(control_character_problem(text))
        return value


class Location(Strict):
    name: Text  # short: it labels the map marker ("Near Pyongyang")
    note: str = ""  # longer remarks (who said where, what the marker stands for): on the event page only
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)

    @model_validator(mode="after")
    def _both_or_neither(self) -> Location:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both lat and lon, or neither")
        return self


class Figure(Strict):
    """A number a source reported. Conflicting figures for the same `what` are shown side by side."""

    what: Text
    value: float | int = Field(allow_inf_nan=False)  # YAML's .nan and .inf are no figure (and not JSON)
    unit: str = ""
    by: Text
    approximate: bool = False
    note: str = ""


class Disputer(Strict):
    """Who disputes a claim, with a link to where they do (`disputed_by` also takes a plain name)."""

    name: Text
    url: HttpUrl | None = None


class Claim(Strict):
    """An assertion, attributed; its status says how far it is established."""

    text: Text
    by: Text
    status: Literal["confirmed", "disputed", "unverified", "refuted"]
    disputed_by: list[Text | Disputer] = []
    note: str = ""
    # Only a claim marked as a direct quotation is shown in quotation marks; any other is a paraphrase,
    # shown as attributed text, so a reader never takes the editors' wording for the speaker's.
    quote: bool = Field(False, description="true when `text` is the speaker's own words, quoted exactly")


# What a source is, and so how far a reader can lean on it. The weak kinds are named on event pages in
# words; an event cited only by weak sources is flagged on its page and its card (Event.only_weak_sources).
SOURCE_KINDS = {
    "article": "a report by a news organisation, at its own address",
    "official": "an official statement or document, at its own address",
    "state-media": "a report by state media (KCNA, for example), at its own address",
    "database": "a database or dataset",
    "aggregator": "an aggregator's page that retells other outlets' reports",
    "ai-generated": "a page written by AI",
    "homepage": "the publisher's home page only: the article's own address is unknown",
}
WEAK_KINDS = frozenset({"homepage", "aggregator", "ai-generated"})
# How each kind is named to readers (pages name the weak ones beside the source; TimelineJS slides all).
KIND_NAMES = {"article": N_("article"), "official": N_("official statement or document"),
              "state-media": N_("state media"), "database": N_("database"), "aggregator": N_("aggregator"),
              "ai-generated": N_("AI-written page"), "homepage": N_("publisher's home page only")}
SourceKind = Literal[tuple(SOURCE_KINDS)]


def _is_home_page(url: object) -> bool:
    """Whether an address has nothing beyond the host: it cannot be an article's own."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # not an address at all: the url's own check reports it
        return False
    return parts.path in ("", "/") and not parts.query


def _full_day(value: EventDate) -> EventDate:
    if value.precision != "day":
        raise ValueError(f"{value} is not a day: write the date the source was checked as YYYY-MM-DD")
    return value


DayField = Annotated[
    EventDate,
    BeforeValidator(parse_event_date),
    AfterValidator(_full_day),
    PlainSerializer(EventDate.iso, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}),
]


class Source(Strict):
    publisher: Text
    title: Text
    url: HttpUrl
    date: DateField | None = None
    note: str = ""
    kind: SourceKind = Field("article", description="what the source is: " + "; ".join(
        f"{name}: {meaning}" for name, meaning in SOURCE_KINDS.items()) + ". Default: article, or homepage "
        "when the url has no path beyond /.")
    archived_url: HttpUrl | None = Field(None, description="an archived copy, e.g. a Web Archive address")
    checked: DayField | None = Field(
        None, description="the day the source (or its archived copy) was last checked: YYYY-MM-DD")

    @model_validator(mode="before")
    @classmethod
    def _home_page_kind(cls, data):
        # A home page cannot be the article: without a kind written, such a source counts as home page only.
        if isinstance(data, dict) and "kind" not in data and _is_home_page(data.get("url")):
            return {**data, "kind": "homepage"}
        return data

    @property
    def weak(self) -> bool:
        return self.kind in WEAK_KINDS

    @property
    def kind_name(self) -> str:
        return gettext(KIND_NAMES[self.kind])  # in the language being drawn

    @property
    def kind_words(self) -> str:
        """The kind in words where it weakens the source, else empty."""
        return self.kind_name if self.weak else ""


class Image(Strict):
    src: Annotated[str, AfterValidator(_media_path)]
    alt: Text
    credit: str = ""
    ai_generated: bool = False


class EventEntry(Strict):
    """The front matter of one event file."""

    title: Text
    date: DateField
    end_date: DateField | None = None
    category: Slug
    actors: list[Slug] = []
    location: Location | None = None
    summary: Text
    tags: list[Slug] = []
    figures: list[Figure] = []
    claims: list[Claim] = []
    responds_to: list[Id] = []
    sources: list[Source] = Field(min_length=1)
    image: Image | None = None
    draft: bool = False
    id: Id | None = None

    @field_validator("actors", "tags", "responds_to")
    @classmethod
    def _once_each(cls, names: list[str]) -> list[str]:
        # A name given twice means it once: the event is filed, listed and shown under it once.
        return list(dict.fromkeys(names))

    @model_validator(mode="after")
    def _end_after_start(self) -> EventEntry:
        if self.end_date is not None and self.end_date.sort_key() < self.date.sort_key():
            raise ValueError(f"end_date {self.end_date} is before date {self.date}")
        return self


class PageEntry(Strict):
    """The front matter of a free page (about, methodology)."""

    title: Text
    summary: str = ""
    draft: bool = False


class Category(Strict):
    name: Text
    colour: Colour
    dark_colour: Colour | None = None  # used when the reader's system is in dark mode
    symbol: Annotated[str, Field(min_length=1, max_length=2)] = "●"  # shown with the name: never colour alone
    description: str = ""


class Actor(Strict):
    name: Text
    colour: Colour = "#555555"
    description: str = ""


class TermWords(Strict):
    """A category's or actor's name and description in another language (what is left out: the default's)."""

    name: str = ""
    description: str = ""


LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]+)*")


class Language(Strict):
    """One more language of the site (`languages:` in site.yaml); every word left out falls back to the
    default language's."""

    name: str = ""  # the language's own name, shown in the language switch ("한국어"); default: its code
    prefix: str | None = None  # the URL folder of its pages; default: its code ("ko" -> /ko/)
    title: str = ""
    description: str = ""
    categories: dict[Slug, TermWords] = {}
    actors: dict[Slug, TermWords] = {}
    tags: dict[Slug, Text] = {}

    @field_validator("prefix")
    @classmethod
    def _folder(cls, value: str | None) -> str | None:
        if value is not None and not SLUG.fullmatch(value):
            raise ValueError(f"{value!r} is not a URL folder: use lowercase letters, digits and hyphens")
        return value


class SiteConfig(Strict):
    title: Text
    description: str = ""
    base_url: HttpUrl = "http://localhost:8000/"
    language: str = "en"
    trusted_html: bool = False  # true keeps raw HTML in Markdown as written (only for trusted editors)
    categories: dict[Slug, Category] = Field(min_length=1)
    actors: dict[Slug, Actor] = {}
    cname: str = ""  # custom domain for GitHub Pages, written to CNAME when publishing
    timezone: str = "Asia/Seoul"  # IANA name: times in it are labelled with its abbreviation ("07:50 KST")
    tags: dict[Slug, Text] = {}  # names shown for tags ("icbm: ICBM"); a tag not named here shows its slug's words
    language_name: str = ""  # the default language's own name in the language switch; default: its code
    languages: dict[str, Language] = {}  # the other languages, by code: their pages go under /<prefix>/

    @field_validator("languages")
    @classmethod
    def _language_codes(cls, value: dict[str, Language]) -> dict[str, Language]:
        prefixes = set()
        for code, language in value.items():
            if not LANGUAGE_CODE.fullmatch(code):
                raise ValueError(f"{code!r} is not a language code such as ko, ja or pt-BR")
            prefix = language.prefix or code.lower()
            if prefix in prefixes:
                raise ValueError(f"two languages share the URL folder {prefix!r}")
            prefixes.add(prefix)
        return value

    @model_validator(mode="after")
    def _other_languages(self) -> SiteConfig:
        if self.language in self.languages:
            raise ValueError(f"languages: {self.language!r} is the default language (language:), not another one")
        for code, language in self.languages.items():  # a name for a category or actor that is not there is a typo
            for kind, defined in (("categories", self.categories), ("actors", self.actors)):
                unknown = [slug for slug in getattr(language, kind) if slug not in defined]
                if unknown:
                    raise ValueError(f"languages.{code}.{kind}: {', '.join(unknown)} not defined under {kind}:")
        return self

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone name, such as Asia/Seoul") from None
        return value


class ExportedTranslation(Strict):
    translated_from: str  # words_digest of the original it translates
    machine_assisted: bool
    reviewed: bool
    current: bool  # the original's words have not changed since


class ExportedEvent(EventEntry):
    """An event as `events.json` gives it: its front matter, with the id always set, plus two fields
    only the export has. The JSON Schema of this model is published at /schema/event.json and
    serves editors too; `url` and `body` are marked readOnly there, and front matter may not set them."""

    id: Id
    url: Annotated[str, Field(json_schema_extra={"readOnly": True, "format": "uri"},
                              description="The event's permalink (export only).")]
    body: Annotated[str, Field(json_schema_extra={"readOnly": True},
                               description="The Markdown body (export only).")]
    # A site in several languages: each language's events.json gives its words (falling back to the
    # original's), with the language they are in and, when translated, how far to lean on the translation.
    language: str | None = Field(None, json_schema_extra={"readOnly": True},
                                 description="The language of this record's words (export only, sites in several languages).")
    translation: ExportedTranslation | None = Field(None, json_schema_extra={"readOnly": True},
                                                    description="The translation the words come from (export only).")
