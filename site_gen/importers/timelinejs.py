"""TimelineJS → entries: its JSON, or the CSV its Google Sheet template exports.

Two ready-made mappings (mappings/timelinejs-json.yaml, timelinejs-csv.yaml) name the columns; the step
here, `prepare`, works out what needs HTML and the site's config: plain titles and summaries, links in the
text as sources, the group as a category (or a tag), the media as a picture or a link.
"""
from __future__ import annotations

import re
from datetime import timedelta, timezone
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..problems import UsageError
from . import first_sentence, host_of, html_text_and_links, is_http_url, present, slugify, text_of
from .convert import Context, Rejected, strip_html
from .mapping import built_in, parse
from .read import Row

DERIVED = frozenset({"_title", "_summary", "_category", "_tags", "_sources", "_image", "_body", "_key",
                     "_time", "_end_time"})
# The JSON's nested field, and the CSV template's column, for each thing the step reads.
NAMES = {"headline": ("text.headline", "Headline"), "text": ("text.text", "Text"), "media": ("media.url", "Media"),
         "credit": ("media.credit", "Media Credit"), "caption": ("media.caption", "Media Caption"),
         "alt": ("media.alt", "Alt Text"), "group": ("group", "Group"), "id": ("unique_id", "unique_id")}


def _cell(cells: dict, what: str) -> object:
    json_name, csv_name = NAMES[what]
    return cells.get(json_name, cells.get(csv_name))


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


def _time(cells: dict, prefix: str, display: object) -> str | None:
    """The slide's time as one text (JSON has hour, minute, second; the CSV a Time column), with the UTC
    offset its display date names, as site-gen's own export writes it: "4 January 2026, 07:50 (UTC+09:00)"."""
    hour = text_of(cells.get(f"{prefix}_date.hour"))
    if hour is not None:
        minute, second = text_of(cells.get(f"{prefix}_date.minute")) or "0", text_of(cells.get(f"{prefix}_date.second"))
        text = f"{int(hour):02d}:{int(minute):02d}" + (f":{int(second):02d}" if second else "")
    else:
        text = text_of(cells.get("Time" if prefix == "start" else "End Time"))
    if text is None:
        return None
    shown = re.search(r"\(UTC([+-]\d{2}:\d{2})?\)$", strip_html(display))
    return text + ((shown[1] or "Z") if shown else "")


def _title_of_file(ctx: Context) -> str | None:
    """The timeline's own title: the JSON's title slide, or the CSV's row of type title."""
    if "title" not in ctx.options:
        title = None
        document = ctx.table.document
        if isinstance(document, dict) and isinstance(document.get("title"), dict):
            title = strip_html((document["title"].get("text") or {}).get("headline"))
        for row in ctx.table.rows:
            if str(row.cells.get("Type", "")).strip().lower() == "title":
                title = strip_html(row.cells.get("Headline"))
        ctx.options["title"] = title or None
    return ctx.options["title"]


def prepare(row: Row, ctx: Context) -> dict:
    cells, options, writer = row.cells, ctx.options, ctx.options["writer"]
    body_html = str(present(_cell(cells, "text")) or "").strip()
    plain_text, links = html_text_and_links(body_html)
    title = strip_html(_cell(cells, "headline")) or first_sentence(plain_text, 120)
    if not title:
        raise Rejected("title: no headline and no text")
    notes = []
    group = strip_html(_cell(cells, "group"))
    category = _group_category(group, writer.config) if group else None
    tags = [slugify(group)] if category is None and group and slugify(group) else []
    sources, seen = [], set()
    for href, label in links:
        if is_http_url(href) and href not in seen:
            seen.add(href)
            sources.append({"publisher": host_of(href), "title": label or href, "url": href})
    if not sources:
        if not options.get("source_url"):
            raise Rejected("sources: no link in the text: give --source-url")
        url = options["source_url"]
        file_title = _title_of_file(ctx)
        if not file_title:
            notes.append(f"the file has no title slide: its source is titled with the host of {url}")
        sources.append({"publisher": options.get("source_publisher") or host_of(url),
                        "title": file_title or host_of(url), "url": url})
    body = [body_html] if body_html else []
    image = None
    caption, credit = strip_html(_cell(cells, "caption")), strip_html(_cell(cells, "credit"))
    # Several media links in one cell, separated by ';' or spaces: each is kept, none broken.
    for url in [u for u in re.split(r"[;\s]+", str(present(_cell(cells, "media")) or "")) if u]:
        src = _local_media(url, writer.project)
        if src and image is None:
            image = {"src": src, "alt": strip_html(_cell(cells, "alt")) or caption or title}
            if credit:
                image["credit"] = credit
        elif is_http_url(url):
            label = (caption or url).replace("[", "\\[").replace("]", "\\]")
            body.append(f"Media: [{label}]({url.replace(' ', '%20')})" + (f" ({credit})" if credit else ""))
            notes.append(f"media {url} is not a file in content/media/: kept as a link in the body")
        else:
            notes.append(f"media {url[:80]!r} not imported: neither a web address nor a file in content/media/")
    key = slugify(str(text_of(_cell(cells, "id")) or ""))
    return {"_title": title, "_summary": first_sentence(plain_text) if plain_text else title,
            "_category": category or options["category"], "_tags": tags or None, "_sources": sources,
            "_image": image, "_body": "\n\n".join(body) or None,
            "_key": re.sub(r"^\d{4}(?:-\d{2}){0,2}-", "", key) or None,
            "_time": _time(cells, "start", cells.get("start_date.display_date", cells.get("Display Date"))),
            "_end_time": _time(cells, "end", cells.get("end_date.display_date")), "_notes": notes}


def mapping_for(path: Path, actors: list[str]):
    """The ready-made mapping for this file: the JSON's or the Sheet template's."""
    try:
        head = path.read_bytes()[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        head = b""
    is_json = path.suffix.lower() == ".json" or (path.suffix.lower() != ".csv" and head[:1] in (b"{", b"["))
    data = built_in("timelinejs-json" if is_json else "timelinejs-csv")
    data["fields"]["actors"] = {"value": list(actors)}
    return parse(data, f"the ready-made mapping timelinejs-{'json' if is_json else 'csv'}")


def utc_offset(text: str) -> timezone:
    """--utc-offset (+09:00, Z): the zone of slide times that name none."""
    match = re.fullmatch(r"([+-])(\d{2}):(\d{2})", text)
    if text in ("Z", "z", "UTC"):
        return timezone.utc
    if not match or int(match[3]) >= 60 or int(match[2]) > 14:
        raise UsageError(f"--utc-offset: {text!r} is not a UTC offset such as +09:00 or Z")
    sign = 1 if match[1] == "+" else -1
    return timezone(sign * timedelta(hours=int(match[2]), minutes=int(match[3])))
