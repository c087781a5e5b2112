"""Data exports: events.json (with its JSON Schema), events.csv, and TimelineJS JSON."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from html import escape

from markupsafe import Markup

from ..model import ExportedEvent
from ..dates import display_range
from ..i18n import gettext
from ..timeline import Event, Timeline, claims_in_order, number_text, status_name


def _json(data, indent: int | None = None) -> bytes:
    # Without indent, json uses its C encoder: the big exports are written five times faster.
    return (json.dumps(data, ensure_ascii=False, indent=indent) + "\n").encode()


def _json_with_items(data: dict, key: str, items: Iterable[str]) -> bytes:
    """`_json({**data, key: [...]})` where the list's items come already as JSON text, made one event
    at a time: each event's dicts are dropped as soon as it is written, so the garbage collector does
    not go over all of them again and again, and a caller could make or keep the items apart."""
    head = json.dumps({**data, key: []}, ensure_ascii=False).removesuffix("[]}") + "["
    return joined(head.encode(), (item.encode() for item in items), b", ", b"]}\n")


def joined(head: bytes, items: Iterable[bytes], separator: bytes, tail: bytes) -> bytes:
    """`head + separator.join(items) + tail`, written into one buffer that grows in place: a join holds
    every item and the result at once, and a str of the whole takes two or four bytes a character as
    soon as one is not ASCII. At 10,000 events, making events.json then peaks at ~1.2 times its size."""
    buffer = io.BytesIO()
    buffer.write(head)
    for number, item in enumerate(items):
        if number:
            buffer.write(separator)
        buffer.write(item)
    buffer.write(tail)
    return buffer.getvalue()


def exported(event: Event, base_url: str, body: str) -> dict:
    """The event's front matter with every field, then the fields only the export has (see ExportedEvent)."""
    record = event.entry.model_dump(mode="json", exclude_none=True)
    record.update(id=event.id, url=base_url + event.url.lstrip("/"), body=body)
    return record


def events_json_item(timeline: Timeline, event: Event) -> str:
    """One event of events.json, as JSON text."""
    record = exported(event, timeline.config.base_url, event.body_markdown)
    if timeline.config.languages:  # see model.ExportedEvent: the language of the words, and their translation
        record["language"] = event.lang or timeline.config.language
        if event.translation is not None:
            t = event.translation
            record["translation"] = {"translated_from": t.translated_from, "machine_assisted": t.machine_assisted,
                                     "reviewed": t.reviewed, "current": t.current}
    return json.dumps(record, ensure_ascii=False)


def events_json(timeline: Timeline) -> bytes:
    config = timeline.config
    base = config.base_url
    root = base.removesuffix(timeline.prefix + "/") if timeline.prefix else base  # the site's own base_url
    head = {"$schema": root + "schema/event.json", "title": config.title, "base_url": base}
    if config.languages:
        head["language"] = config.language
    if timeline.languages:  # the default language's file says where the others are
        head["translations"] = {code: root + f"{local.prefix}/data/events.json"
                                for code, local in timeline.languages.items()}
    return _json_with_items(head, "events", (events_json_item(timeline, event) for event in timeline.events))


def event_schema(base_url: str) -> bytes:
    schema = ExportedEvent.model_json_schema()
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": base_url + "schema/event.json",
              **schema,
              "description": "A site-gen event: the YAML front matter of one entry file. In events.json each "
                             "event also has its url and Markdown body (readOnly)."}
    return _json(schema, indent=1)  # read by people too


def _figure(figure) -> str:
    value = f"{figure.value:,}" + (f" {figure.unit}" if figure.unit else "")
    return f"{figure.what}: {'about ' if figure.approximate else ''}{value} ({figure.by})"


def _slide_figure(figure) -> str:
    """A figure in a slide's text, in the reader's words: "range: about 1,000 km (KCNA)"."""
    value = number_text(figure.value)
    value = gettext("about %(value)s") % {"value": value} if figure.approximate else value
    value += f" {figure.unit}" if figure.unit else ""
    return gettext("%(what)s: %(value)s (%(by)s)") % {"what": figure.what, "value": value, "by": figure.by}


def _csv_source(source) -> str:
    """A source in a CSV cell: publisher, title, address, then its kind and any archived copy."""
    text = f"{source.publisher}: {source.title} <{source.url}> ({source.kind}"
    return text + (f"; archived copy <{source.archived_url}>)" if source.archived_url else ")")


def events_csv(timeline: Timeline) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "url", "title", "date", "end_date", "category", "actors", "location", "lat", "lon",
                     "summary", "tags", "responds_to", "figures", "claims", "sources", "body"])
    base = timeline.config.base_url
    for event in timeline.events:
        e = event.entry
        writer.writerow([
            event.id, base + event.url.lstrip("/"), e.title, e.date.iso(), e.end_date.iso() if e.end_date else "",
            e.category, "; ".join(e.actors), e.location.name if e.location else "",
            "" if not e.location or e.location.lat is None else e.location.lat,
            "" if not e.location or e.location.lon is None else e.location.lon,
            e.summary, "; ".join(e.tags), "; ".join(e.responds_to), "; ".join(_figure(f) for f in e.figures),
            "; ".join(f"{c.text} ({c.status}, {c.by})" for c in e.claims),
            "; ".join(_csv_source(s) for s in e.sources),
            event.body_markdown,  # last, so the columns before keep their places; site-gen import reads it back
        ])
    return out.getvalue().encode()


def _tl_date(when, zone: str, keep_time: bool = True) -> dict:
    """A TimelineJS date object; without `keep_time`, to the day only. TimelineJS has no time zones and
    takes a missing time for midnight, so a same-day response without a time would come before the
    07:50 launch it answers: on such days (mixed_days) slides are given days only, and keep the order
    they are written in (TimelineJS's sort is stable), the timeline's. display_date keeps the time."""
    date = {"year": when.year}
    for part in ("month", "day", "hour", "minute", "second") if keep_time else ("month", "day"):
        if getattr(when, part) is not None:
            date[part] = getattr(when, part)
    shown = display_range(when, None, zone)
    if when.hour is not None and not shown.endswith(when.offset_text() or "UTC"):
        # the offset too, for readers anywhere and for importers (site-gen's own reads it back)
        shown += f" (UTC{'' if when.offset_minutes == 0 else when.offset_text()})"
    date["display_date"] = shown
    return date


def _timelinejs_source(source) -> str:
    """A source in a slide's text: its link, publisher and kind, and any archived copy beside the original."""
    words = gettext("archived copy")
    archived = f' <a href="{escape(source.archived_url)}">{escape(words)}</a>' if source.archived_url else ""
    note = f" {escape(source.note)}" if source.note else ""
    return (f'<li><a href="{escape(source.url)}">{escape(source.title)}</a> ({escape(source.publisher)}; '
            f'{escape(source.kind_name)}){archived}{note}</li>')


def _safeguards(event: Event) -> str:
    """What TimelineJS has no field for, as slide text: claims with their status, and figures with who
    reported them (where sources differ, side by side)."""
    e = event.entry
    parts = []
    if e.figures:
        rows = "".join(f"<li>{escape(_slide_figure(f))}{f' ({escape(f.note)})' if f.note else ''}</li>"
                       for f in e.figures)
        differ = [flag for flag in event.flags if flag.kind == "figures"]
        note = "".join(f"<p><strong>{escape(f.label)}: {escape(f.text)}.</strong></p>" for f in differ)
        heading = gettext("Figures, as each source reported them:")
        parts.append(f"<p>{escape(heading)}</p>{note}<ul>{rows}</ul>")
    if e.claims:
        claimed = escape(gettext("(claimed by %(by)s)"))  # escaped first: the name goes in escaped
        rows = "".join(f"<li><strong>{escape(status_name(c.status))}:</strong> {_claim_text(c)} "
                       f"{claimed % {'by': escape(c.by)}}{_disputers(c)}{f' {escape(c.note)}' if c.note else ''}</li>"
                       for c in claims_in_order(e))
        heading = gettext("Claims:")
        parts.append(f"<p>{escape(heading)}</p><ul>{rows}</ul>")
    return "".join(parts)


def _claim_text(claim) -> str:
    """In quotation marks only when the entry says the words are the speaker's own."""
    words = gettext("“%(text)s”") if claim.quote else gettext("%(text)s (paraphrased)")
    return escape(words) % {"text": escape(claim.text)}


def _disputers(claim) -> str:
    if not claim.disputed_by:
        return ""
    names = [escape(who) if isinstance(who, str) else
             (f'<a href="{escape(who.url)}">{escape(who.name)}</a>' if who.url else escape(who.name))
             for who in claim.disputed_by]
    return escape(gettext("; disputed by %(names)s.")) % {"names": ", ".join(names)}


def mixed_days(events: list[Event]) -> frozenset:
    """Days holding both an event with a time and one without."""
    timed, untimed = set(), set()
    for event in events:
        when = event.entry.date
        if when.day:
            (timed if when.hour is not None else untimed).add(when.first_day)
    return frozenset(timed & untimed)


def timelinejs_item(timeline: Timeline, event: Event, mixed: frozenset = frozenset()) -> str:
    """One event's TimelineJS slide, as JSON text."""
    base = timeline.config.base_url
    zone = timeline.config.timezone
    e = event.entry
    sources = "".join(_timelinejs_source(s) for s in e.sources)
    sources_heading = gettext("Sources:")  # outside the f-string below, where pybabel sees it
    slide = {
        "unique_id": event.id,
        "start_date": _tl_date(e.date, zone, e.date.first_day not in mixed),
        "text": {"headline": escape(e.title),
                 "text": f"<p>{escape(e.summary)}</p>{event.body_html}{_safeguards(event)}"
                         f"<p>{escape(sources_heading)}</p><ul>{sources}</ul>"},
        "group": timeline.config.categories[e.category].name,
        "display_date": display_range(e.date, e.end_date, zone),
    }
    if e.end_date:
        slide["end_date"] = _tl_date(e.end_date, zone, e.date.first_day not in mixed)
    if e.image:
        slide["media"] = {"url": base + e.image.src, "alt": e.image.alt, "caption": e.image.alt,
                          "credit": e.image.credit + (gettext(" (AI-generated image)") if e.image.ai_generated else "")}
    return json.dumps(slide, ensure_ascii=False)


def timelinejs(timeline: Timeline) -> bytes:
    """TimelineJS JSON. TimelineJS has no place for coordinates, figures, claims or sources, so figures
    (with who reported them), claims (with their status) and sources (with their notes) go into each
    slide's text; coordinates are left out."""
    mixed = mixed_days(timeline.events)
    return _json_with_items({"title": {"text": {"headline": timeline.config.title,
                                                "text": timeline.config.description}}},
                            "events", (timelinejs_item(timeline, event, mixed) for event in timeline.events))


def json_ld(event: Event, base_url: str) -> Markup:
    """schema.org Event as JSON-LD for an event page. Escaped so no text can end the script element."""
    e = event.entry
    data = {"@context": "https://schema.org", "@type": "Event", "name": e.title, "description": e.summary,
            "startDate": e.date.iso(), "url": base_url + event.url.lstrip("/"),
            "eventStatus": "https://schema.org/EventScheduled"}
    if e.end_date:
        data["endDate"] = e.end_date.iso()
    if e.location:
        place = {"@type": "Place", "name": e.location.name}
        if e.location.lat is not None:
            place["geo"] = {"@type": "GeoCoordinates", "latitude": e.location.lat, "longitude": e.location.lon}
        data["location"] = place
    if e.image:
        data["image"] = base_url + e.image.src
    text = json.dumps(data, ensure_ascii=False)  # without indent: json's C encoder, 10x faster
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">\n{text}\n</script>')
