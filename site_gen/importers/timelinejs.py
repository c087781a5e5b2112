"""TimelineJS → entries: its JSON, or the CSV its Google Sheet template exports.

Both become the JSON's slide shape first ({start_date, end_date, text, media, group, unique_id}), so one
mapping serves both.
"""
from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nh3

from ..dates import parse_event_date
from ..problems import UsageError
from . import (Entry, InputError, Writer, check_choices, date_stem, first_sentence, host_of, html_text_and_links,
               is_http_url, present, slugify, text_of, yaml_date)

# The Google Sheet template's columns, and where each goes in a JSON slide.
CSV_DATE = ("year", "month", "day")
CSV_FIELDS = {"headline": ("text", "headline"), "text": ("text", "text"), "media": ("media", "url"),
              "media credit": ("media", "credit"), "media caption": ("media", "caption"),
              "media thumbnail": ("media", "thumbnail"), "alt text": ("media", "alt")}


def plain(fragment: object) -> str:
    """HTML → plain text: tags dropped by nh3 (the sanitizer the site uses), entities decoded."""
    return " ".join(html.unescape(nh3.clean(str(fragment or ""), tags=set())).split())


def read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise InputError(f"cannot open it: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise InputError(f"not a JSON or CSV text file (not UTF-8 at byte {error.start})") from None


def read_json(text: str) -> tuple[dict | None, list[tuple[str, dict]], int]:
    """(title slide, [(where, slide)], number of eras)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"not valid TimelineJS JSON: {error.msg} (line {error.lineno}, column {error.colno})") \
            from None
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise InputError("not TimelineJS JSON: it needs a top-level object with an \"events\" list")
    slides = [(f"slide {n}", slide) for n, slide in enumerate(data["events"], 1)]
    title = data.get("title") if isinstance(data.get("title"), dict) else None
    eras = data.get("eras") if isinstance(data.get("eras"), list) else []
    return title, slides, len(eras)


def _csv_time(value: str | None) -> dict:
    """'14:30', '14:30:05' or '2:30 PM' → {hour, minute, second}; {} when absent; ValueError when not a time."""
    if not value:
        return {}
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp])?\.?(?:[Mm]\.?)?", value.strip())
    if not match:
        raise ValueError(f"time {value!r} not understood (use 14:30 or 2:30 PM)")
    hour, minute = int(match[1]), int(match[2])
    if match[4]:
        hour = hour % 12 + (12 if match[4].lower() == "p" else 0)
    return {"hour": hour, "minute": minute, "second": int(match[3]) if match[3] else None}


def read_csv(text: str) -> tuple[dict | None, list[tuple[str, dict]], int]:
    try:
        rows = list(_numbered(csv.reader(io.StringIO(text))))
    except csv.Error as error:
        raise InputError(f"not readable as CSV: {error}") from None
    header_at = next((i for i, (_, row) in enumerate(rows)
                      if {"year", "headline"} <= {" ".join(c.split()).lower() for c in row}), None)
    if header_at is None:
        raise InputError("not TimelineJS JSON or CSV: no header row with the template's columns "
                         "(Year, Month, Day, Time, ..., Headline, Text, Media, ..., Type, Group)")
    names = [" ".join(c.split()).lower() for c in rows[header_at][1]]
    title, slides, eras = None, [], 0
    for line, row in rows[header_at + 1:]:
        cells = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(names)}
        if not any(cells.values()):
            continue
        slide: dict = {"text": {}, "media": {}, "group": cells.get("group", ""), "row_problems": []}
        for prefix, key in (("", "start_date"), ("end ", "end_date")):
            if cells.get(prefix + "year"):
                date = {part: cells.get(prefix + part) for part in CSV_DATE}
                date["display_date"] = "" if prefix else cells.get("display date", "")
                try:
                    date.update(_csv_time(cells.get(prefix + "time")))
                except ValueError as error:
                    slide["row_problems"].append(f"{prefix}{error}; kept the date only")
                slide[key] = date
        for column, (part, name) in CSV_FIELDS.items():
            slide[part][name] = cells.get(column, "")
        kind = cells.get("type", "").lower()
        if kind == "title":
            title = slide
        elif kind == "era":
            eras += 1
        else:
            slides.append((f"row {line}", slide))
    return title, slides, eras


def _numbered(reader):
    """(first line of the row, row): a quoted cell may span lines."""
    last = 0
    for row in reader:
        yield last + 1, row
        last = reader.line_num


def _number(value: object, what: str) -> int | None:
    text = text_of(value)
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{what} {text!r} is not a number") from None


def tl_date(obj: object, offset: str) -> str | None:
    """A TimelineJS date object → an entry date (2017, 2017-07, 2017-07-04 or 2017-07-04T09:40+09:00)."""
    if not isinstance(obj, dict):
        return None
    year = _number(obj.get("year"), "year")
    if year is None:
        return None
    if not 1 <= year <= 9999:
        raise ValueError(f"year {year} is outside 1..9999, which entries cannot hold")
    month, day = _number(obj.get("month"), "month"), _number(obj.get("day"), "day")
    text = f"{year:04d}"
    if month:
        text += f"-{month:02d}"
        if day:
            text += f"-{day:02d}"
            hour = _number(obj.get("hour"), "hour")
            if hour is not None:  # a time needs its UTC offset: TimelineJS has none, the option gives it
                minute, second = _number(obj.get("minute"), "minute") or 0, _number(obj.get("second"), "second")
                # ...unless display_date names it, as site-gen's own export does: "4 January 2026, 07:50 (UTC+09:00)"
                shown = re.search(r"\(UTC([+-]\d{2}:\d{2})?\)$", plain(obj.get("display_date")))
                if shown:
                    offset = shown[1] or "Z"
                text += f"T{hour:02d}:{minute:02d}" + (f":{second:02d}" if second else "") + offset
    parse_event_date(text)  # a ValueError says what is wrong (month 13, 30 February)
    return text


def _group_category(group: str, config) -> str | None:
    wanted = group.lower()
    for slug, category in config.categories.items():
        if wanted in (slug, category.name.lower()) or slugify(group) == slug:
            return slug
    return None


def _local_media(url: str, project) -> str | None:
    """media/NAME when the URL's path holds /media/NAME and content/media/NAME exists."""
    path = "/" + urlsplit(url).path.lstrip("/")
    if "/media/" not in path:
        return None
    name = unquote(path.split("/media/", 1)[1])
    if not name or ".." in name.split("/") or not (project.media_dir / name).is_file():
        return None
    return f"media/{name}"


def slide_entry(where: str, slide: dict, options: dict, writer: Writer) -> Entry | str:
    """One slide → an Entry, or the reason it is skipped."""
    if not isinstance(slide, dict):
        return "not a slide object"
    text = slide.get("text") if isinstance(slide.get("text"), dict) else {}
    media = slide.get("media") if isinstance(slide.get("media"), dict) else {}
    body_html = str(text.get("text") or "").strip()
    plain_text, links = html_text_and_links(body_html)
    title = plain(text.get("headline")) or first_sentence(plain_text, 120)
    if not title:
        return "no headline and no text"
    try:
        date = tl_date(slide.get("start_date"), options["offset"])
        end_date = tl_date(slide.get("end_date"), options["offset"])
    except ValueError as error:
        return f"date: {error}"
    if date is None:
        return "no start_date year"
    notes = list(slide.get("row_problems", []))

    config = writer.config
    group = plain(slide.get("group"))
    category = _group_category(group, config) if group else None
    tags = []
    if category is None:
        category = options["category"]
        if group and slugify(group):
            tags.append(slugify(group))  # the group is kept, as a tag, when no category matches it

    sources, seen = [], set()
    for href, label in links:
        if is_http_url(href) and href not in seen:
            seen.add(href)
            sources.append({"publisher": host_of(href), "title": label or href, "url": href})
    if not sources:
        if not options["source_url"]:
            return "no source: give --source-url"
        sources.append({"publisher": options["source_publisher"], "title": options["source_title"],
                        "url": options["source_url"]})

    front: dict = {"title": title, "date": yaml_date(date)}
    if end_date and end_date != date:
        front["end_date"] = yaml_date(end_date)
    front["category"] = category
    if options["actors"]:
        front["actors"] = list(options["actors"])
    front["summary"] = first_sentence(plain_text) if plain_text else title
    if tags:
        front["tags"] = tags

    body = [body_html] if body_html else []
    url = str(media.get("url") or "").strip()
    if url:
        src = _local_media(url, writer.project)
        caption, credit = plain(media.get("caption")), plain(media.get("credit"))
        if src:
            front["image"] = {"src": src, "alt": plain(media.get("alt")) or caption or title}
            if credit:
                front["image"]["credit"] = credit
        elif is_http_url(url):
            label = (caption or url).replace("[", "\\[").replace("]", "\\]")
            body.append(f"Media: [{label}]({url.replace(' ', '%20')})" + (f" ({credit})" if credit else ""))
            notes.append(f"media {url} is not a file in content/media/: kept as a link in the body")
        else:
            notes.append(f"media {url[:80]!r} not imported: neither a web address nor a file in content/media/")
    front["sources"] = sources

    key = slugify(str(text_of(slide.get("unique_id")) or ""))
    day = date[:10]
    if key:  # the slide's own id makes re-imports find it again
        stem = key if key.startswith(day + "-") else date_stem(date, key)
    else:  # no ASCII in the headline (e.g. Hangul): a short hash of it keeps the name deterministic
        stem = date_stem(date, slugify(title) or "event-" + hashlib.sha1(title.encode()).hexdigest()[:8])
    return Entry(where, stem, front, "\n\n".join(body), notes=notes)


def run(writer: Writer, path: Path, category: str | None, actors: list[str], utc_offset: str,
        source_url: str | None, source_publisher: str | None) -> None:
    config = writer.config
    category = category or next(iter(config.categories))
    check_choices(config, category, actors)
    offset = "Z" if utc_offset in ("Z", "z", "+00:00", "UTC") else utc_offset
    try:
        parse_event_date(f"2000-01-01T00:00{offset}")
    except ValueError:
        raise UsageError(f"--utc-offset: {utc_offset!r} is not a UTC offset such as +09:00 or Z") from None
    if source_url is not None and not is_http_url(source_url):
        raise UsageError(f"--source-url: {source_url!r} is not an http:// or https:// address")

    text = read_text(path)
    suffix = path.suffix.lower()
    is_json = suffix == ".json" or (suffix != ".csv" and text.lstrip()[:1] in ("{", "["))
    title, slides, eras = read_json(text) if is_json else read_csv(text)
    title_text = title.get("text") if isinstance(title, dict) else None
    file_title = plain(title_text.get("headline")) if isinstance(title_text, dict) else ""
    options = {"category": category, "actors": actors, "offset": offset, "source_url": source_url,
               "source_publisher": present(source_publisher) or (host_of(source_url) if source_url else None),
               "source_title": file_title or path.name}
    if title is not None:
        writer.skip("the title slide", "it introduces the timeline, it is not an event")
    for n in range(1, eras + 1):
        writer.skip(f"era {n}", "an era is a period shown behind the events, not an event")
    for where, slide in slides:
        entry = slide_entry(where, slide, options, writer)
        if isinstance(entry, str):
            writer.skip(where, entry)
        else:
            writer.write(entry)
