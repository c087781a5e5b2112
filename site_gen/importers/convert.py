"""Convert stage of `site-gen import`: one row + the mapping → an entry (front matter, body, id), or the
reason it is rejected (naming the field), or the reason the mapping skips it."""
from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import nh3

from ..dates import parse_event_date
from . import Entry, date_stem, first_sentence, host_of, present, slugify, text_of, yaml_date
from .mapping import PLACEHOLDER, Mapping, Rule
from .read import Row

LIST_FIELDS = {"actors", "tags", "responds_to"}
SLUG_FIELDS = {"actors", "tags", "category"}  # written as slugs: "North Korea" → north-korea
DATE_KEYS = re.compile(r"(^|\.)(date|end_date)$")
EXCEL_EPOCH = datetime(1899, 12, 30)  # day 0 of Excel's serial dates (1900 system, leap-year bug included)
ISO = re.compile(r"(?P<y>\d{1,4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2})(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})"
                 r"(?::(?P<S>\d{2}))?\s*(?P<z>Z|UTC|[+-]\d{2}:?\d{2})?)?)?)?")
TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:([AaPp])\.?[Mm]?\.?)?\s*(Z|UTC|[+-]\d{2}:\d{2})?")


class Rejected(Exception):
    """The row cannot become an entry; the message says which field and why."""


class Skipped(Exception):
    """The mapping says the row is not an event (a TimelineJS title or era row)."""


@dataclass
class Context:
    file_name: str
    site_zone: ZoneInfo
    data_zone: ZoneInfo | timezone
    prepare: Callable[[Row, Context], dict] | None = None  # a ready-made mapping's step: adds "_" columns
    options: dict = field(default_factory=dict)  # the ready-made mapping's command-line options
    table: object = None  # the whole Table, for steps that look beyond one row
    notes: list[str] = field(default_factory=list)  # what the row's conversion noticed


def strip_html(fragment: object) -> str:
    """HTML → plain text: tags dropped by nh3 (the sanitizer the site uses), entities decoded."""
    return " ".join(html.unescape(nh3.clean(str(fragment or ""), tags=set())).split())


TRANSFORM = {"plain": strip_html, "first_sentence": first_sentence, "slug": slugify, "lower": str.lower,
             "urls": lambda text: re.findall(r"https?://[^\s<>\"';,]+", text)}


def render(template: tuple[str, ...], cells: dict, row: Row, ctx: Context) -> str | None:
    """Placeholders {Column} filled ({A|B}: the first present); a part with an empty one is left out."""
    built = {"_row": str(row.number), "_file": ctx.file_name}
    out = []
    for part in template:
        missing = False

        def fill(match):
            nonlocal missing
            if match[0] in ("{{", "}}"):
                return match[0][0]
            for name in match[1].split("|"):
                value = built.get(name) or text_of(cells.get(name))
                if value is not None:
                    return value
            missing = True
            return ""
        text = PLACEHOLDER.sub(fill, part)
        if not missing:
            out.append(text)
    text = "".join(out).strip()
    return text or None


def evaluate(rule: Rule, cells: dict, row: Row, ctx: Context) -> object:
    """The rule's value for this row (None when empty); ValueError when a cell cannot be used."""
    if rule.template:
        value = render(rule.template, cells, row, ctx)
    elif rule.column is not None:
        value = cells.get(rule.column)
        if isinstance(value, list):
            value = [present(v) for v in value if present(v) is not None] or None
        elif isinstance(value, str):  # kept as written (a body's line breaks) unless it says "unknown"
            value = value.strip() if present(value) is not None else None
        else:
            value = present(value)
    elif rule.parts:
        return date_from_parts(rule, cells, ctx)
    else:
        return rule.value
    if value is not None and rule.transform:
        value = TRANSFORM[rule.transform](text_of(value) or "") or None
    if isinstance(value, str) and rule.split:
        value = [piece.strip() for piece in value.split(rule.split) if present(piece) is not None] or None
    if value is not None and rule.pattern is not None:
        value = [_matched(rule, v)[0] for v in value] if isinstance(value, list) else _matched(rule, value)
        value = value[0] if len(value) == 1 else value
    if value is not None and rule.values is not None:
        lookup = (lambda v: rule.values.get(str(v).strip().lower(), v))
        value = [lookup(v) for v in value] if isinstance(value, list) else lookup(value)
    return rule.default if value is None else value


def _matched(rule: Rule, value: object) -> list[dict]:
    """The pattern's matches, one after another, covering the whole text: each an object of its groups."""
    text, found, at = str(value).strip(), [], 0
    while at < len(text) or not found:
        match = rule.pattern.match(text, at)
        if not match or (match.end() == at and found):
            raise ValueError(f"{text[at:at + 80]!r} does not match the pattern {rule.pattern.pattern!r}")
        found.append({name: part for name, part in match.groupdict().items() if part is not None})
        at = match.end()
    return found


# ---------------------------------------------------------------- dates

def _precision(fmt: str) -> str:
    if re.search(r"%[HIMSp]", fmt):
        return "time"
    if re.search(r"%[dj]", fmt):
        return "day"
    return "month" if re.search(r"%[mbB]", fmt) else "year"


def _written(moment: datetime, precision: str, ctx: Context) -> str:
    """A date or date-time as an entry date: a time without a zone is in the data's zone; times are
    written in the site's zone, with its offset, so the entry is filed on its local day."""
    if precision != "time":
        text = f"{moment.year:04d}" + (f"-{moment.month:02d}" if precision != "year" else "")
        return text + (f"-{moment.day:02d}" if precision == "day" else "")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ctx.data_zone).astimezone(ctx.site_zone)
    elif moment.utcoffset() == timedelta(0):  # UTC: shown in the site's zone, on its local day
        moment = moment.astimezone(ctx.site_zone)
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    zone = "Z" if minutes == 0 else f"{'+' if minutes > 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return f"{moment:%Y-%m-%dT%H:%M}" + (f":{moment.second:02d}" if moment.second else "") + zone


def to_date(value: object, rule: Rule, ctx: Context) -> str:
    """A cell → an entry date (2017, 2017-07, 2017-07-04, 2017-07-04T09:40+09:00); ValueError if it is none."""
    if isinstance(value, datetime):  # a workbook's date cell: midnight means a date without a time
        return _written(value, "day" if value.time() == time() and value.tzinfo is None else "time", ctx)
    if isinstance(value, date):
        return _written(datetime(value.year, value.month, value.day), "day", ctx)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 1 <= value <= 9999:
            return f"{int(value):04d}"  # a year
        if 9999 < value < 2958466:  # an Excel serial date (up to 9999-12-31), its fraction the time of day
            moment = EXCEL_EPOCH + timedelta(days=value)
            moment = moment.replace(microsecond=0) + timedelta(seconds=round(moment.microsecond / 1e6))
            return _written(moment, "day" if float(value).is_integer() else "time", ctx)
        raise ValueError(f"{value!r} is neither a year nor an Excel date")
    text = str(value).strip()
    for fmt in rule.formats:
        try:
            return _written(datetime.strptime(text, fmt), _precision(fmt), ctx)
        except ValueError:
            continue
    match = ISO.fullmatch(text)
    if not match:
        formats = f" nor {' or '.join(rule.formats)}" if rule.formats else ""
        raise ValueError(f"{text!r} is not a date (expected YYYY-MM-DD, YYYY-MM or YYYY{formats})")
    y, m, d = (int(match[k]) if match[k] else None for k in "ymd")
    if match["H"] is None:
        datetime(y, m or 1, d or 1)  # ValueError names the bad month or day
        return f"{y:04d}" + (f"-{m:02d}" if m else "") + (f"-{d:02d}" if d else "")
    moment = datetime(y, m, d, int(match["H"]), int(match["M"]), int(match["S"] or 0))
    zone = match["z"]
    if zone in ("Z", "UTC"):
        moment = moment.replace(tzinfo=timezone.utc).astimezone(ctx.site_zone)
    elif zone:  # an offset written in the data: kept as written (it says the local time there)
        sign = 1 if zone[0] == "+" else -1
        moment = moment.replace(tzinfo=timezone(sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[-2:]))))
    return _written(moment, "time", ctx)


def parse_time(value: object) -> time | None:
    """'14:30', '2:30 PM', a workbook time or a fraction of a day → a time; None when empty."""
    value = present(value)
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    if isinstance(value, timedelta):  # openpyxl gives [h]:mm cells as durations
        value = value.total_seconds() / 86400
    if isinstance(value, float) and 0 <= value < 1:
        seconds = round(value * 86400)
        return time(seconds // 3600, seconds // 60 % 60, seconds % 60)
    match = TIME.fullmatch(str(value).strip())
    if not match:
        raise ValueError(f"time {value!r} not understood (use 14:30 or 2:30 PM)")
    hour = int(match[1])
    if match[4]:
        hour = hour % 12 + (12 if match[4].lower() == "p" else 0)
    zone = match[5]
    if zone and zone not in ("Z", "UTC"):  # an offset written with the time: kept as written
        sign = 1 if zone[0] == "+" else -1
        zone = timezone(sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
    elif zone:
        zone = timezone.utc
    return time(hour, int(match[2]), int(match[3] or 0), tzinfo=zone)


def date_from_parts(rule: Rule, cells: dict, ctx: Context) -> str | None:
    """Year, month and day (and time) columns → an entry date, as precise as the columns that are filled."""
    numbers = {}
    for part in ("year", "month", "day"):
        text = text_of(cells.get(rule.parts.get(part, ""))) if part in rule.parts else None
        if text is not None:
            if not text.isdigit():
                raise ValueError(f"{part} {text!r} (column {rule.parts[part]!r}) is not a number")
            numbers[part] = int(text)
    if "year" not in numbers:
        return None
    y, m, d = numbers["year"], numbers.get("month"), numbers.get("day") if numbers.get("month") else None
    if not 1 <= y <= 9999:
        raise ValueError(f"year {y} is outside 1..9999, which entries cannot hold")
    moment = datetime(y, m or 1, d or 1)
    at = parse_time(cells.get(rule.parts["time"])) if d and "time" in rule.parts else None
    if at is None:
        return f"{y:04d}" + (f"-{m:02d}" if m else "") + (f"-{d:02d}" if d else "")
    return _written(datetime.combine(moment.date(), at), "time", ctx)


# ---------------------------------------------------------------- an entry

def _number(value: object) -> float | int:
    number = value if isinstance(value, (int, float)) else float(str(value).replace(",", "").strip())
    return int(number) if float(number).is_integer() else number


def _value(key: str, rule: Rule, cells: dict, row: Row, ctx: Context) -> object:
    value = evaluate(rule, cells, row, ctx)
    if isinstance(value, str) and key != "body":
        value = " ".join(value.split())
    if value is not None and DATE_KEYS.search(key) and rule.column:
        value = to_date(value, rule, ctx)
        if "time" in rule.parts and len(value) == 10:  # a day, and the time in a column of its own
            try:
                at = parse_time(cells.get(rule.parts["time"]))
            except ValueError as error:
                at = None
                ctx.notes.append(f"{key}: {error}: imported with the date only")
            if at is not None:
                value = _written(datetime.combine(date.fromisoformat(value), at), "time", ctx)
    if isinstance(value, str) and DATE_KEYS.search(key):
        value = yaml_date(value)
    elif value is not None and key.rsplit(".", 1)[-1] in ("lat", "lon", "value") and not isinstance(value, list):
        value = _number(value)
    return value


def _expand(key: str, spec: dict, cells: dict, row: Row, ctx: Context) -> list[dict]:
    """One object (a source, a figure) per item when a sub-field gives a list (url split on ';')."""
    got = {}
    for name, rule in spec.items():
        try:
            got[name] = _build(f"{key}.{name}", rule, cells, row, ctx)
        except ValueError as error:
            raise Rejected(f"{key}.{name}: {error}") from None
    got = {k: v for k, v in got.items() if v is not None}
    if not any(name in got for name, rule in spec.items() if not (isinstance(rule, Rule) and rule.value is not None
                                                                   and not rule.column and not rule.template)):
        return []  # only constants: the row has nothing for this object (a figure without its value)
    lists = [len(v) for v in got.values() if isinstance(v, list)]
    count = max(lists, default=1)
    objects = [{k: (v[i] if i < len(v) else v[-1]) if isinstance(v, list) else v for k, v in got.items()}
               for i in range(count)] if got else []
    return objects


def _build(key: str, spec: object, cells: dict, row: Row, ctx: Context) -> object:
    if isinstance(spec, Rule):
        return _value(key, spec, cells, row, ctx)
    if isinstance(spec, dict):
        objects = _expand(key, spec, cells, row, ctx)
        return objects[0] if objects else None
    items = []
    for i, sub in enumerate(spec):
        if isinstance(sub, dict):
            items += _expand(f"{key}[{i}]", sub, cells, row, ctx)
            continue
        value = _build(f"{key}[{i}]", sub, cells, row, ctx)  # a column holding a list (of sources) adds each
        items += value if isinstance(value, list) else [] if value is None else [value]
    return items or None


def _sources(sources: list, notes: list[str]) -> list:
    """Each source with a url gets a publisher and title: the link's host when the row gives none."""
    kept = []
    for source in sources:
        if not isinstance(source, dict) or not source.get("url"):
            continue
        url = str(source["url"]).strip()
        for name in ("publisher", "title"):
            if not source.get(name) and host_of(url):
                source = {**source, name: host_of(url)}
                notes.append(f"source {url}: no {name} in the row, so its host names it")
        kept.append(source)
    return kept


def convert(row: Row, mapping: Mapping, ctx: Context) -> Entry:
    """The row as an Entry; raises Rejected (why, naming the field) or Skipped."""
    cells = row.cells
    if mapping.skip and str(present(cells.get(mapping.skip[0])) or "").lower() in mapping.skip[1]:
        raise Skipped(f"{mapping.skip[0]} is {cells.get(mapping.skip[0])!r}: not an event")
    notes = ctx.notes = []
    if ctx.prepare:
        cells = {**cells, **ctx.prepare(row, ctx)}
        notes += cells.pop("_notes", [])
    front, body = {}, ""
    for name, spec in mapping.fields.items():
        try:
            value = _build(name, spec, cells, row, ctx)
        except ValueError as error:
            raise Rejected(f"{name}: {error}") from None
        if value is None:
            continue
        if name in LIST_FIELDS and not isinstance(value, list):
            value = [value]
        if name in SLUG_FIELDS:
            value = [slugify(str(v)) for v in value] if isinstance(value, list) else slugify(str(value))
        if name == "sources":
            value = _sources(value if isinstance(value, list) else [value], notes)
        if name == "body":
            body = str(value)
        elif value != []:
            front[name] = value
    translations = {}
    for lang, rule in mapping.translations.items():  # a column holding the words of each language
        words = evaluate(rule, cells, row, ctx)
        if isinstance(words, dict):
            translations[lang] = words
    return Entry(row.where, _stem(mapping, front, cells, row, ctx), front, body,
                 record_key=_text(mapping.record_key, cells, row, ctx), notes=notes, translations=translations)


def _text(rule: Rule | None, cells: dict, row: Row, ctx: Context) -> str | None:
    value = evaluate(rule, cells, row, ctx) if rule else None
    return text_of(value)


def _stem(mapping: Mapping, front: dict, cells: dict, row: Row, ctx: Context) -> str:
    """The entry's id and file name: the mapping's id, else the day and the title's words."""
    day = str(front.get("date", ""))[:10]
    given = _text(mapping.id, {**cells, "_day": day}, row, ctx)
    if given:
        lowered = given.strip().lower()
        return lowered if re.fullmatch(r"[^\W_](?:[\w-]*[^\W_])?", lowered) else slugify(given, 80)
    try:
        day = parse_event_date(day).iso()
    except ValueError:
        day = day or "undated"
    title = str(front.get("title", ""))
    return date_stem(day, slugify(title) or ("event-" + hashlib.sha1(title.encode()).hexdigest()[:8]))
