"""Atom and JSON Feed 1.1 of the latest events, site-wide and per category."""
from __future__ import annotations

import json
from html import escape
import xml.etree.ElementTree as ET
from datetime import datetime, time, timezone

from ..i18n import gettext
from ..timeline import Event, Timeline

LATEST = 50
ATOM = "http://www.w3.org/2005/Atom"


def moment(event: Event) -> str:
    """RFC 3339 time of the event: its instant, or midnight UTC of its first day. Deterministic, unlike
    a build time, so the same content always gives the same feed."""
    instant = event.entry.date.instant or datetime.combine(event.entry.date.first_day, time(), timezone.utc)
    return instant.isoformat().replace("+00:00", "Z")


def latest(events: list[Event]) -> list[Event]:
    return sorted(events, key=Event.sort_key, reverse=True)[:LATEST]


def content_html(event: Event) -> str:
    sources = "".join(f'<li><a href="{escape(s.url)}">{escape(s.title)}</a>, {escape(s.publisher)}</li>'
                      for s in event.entry.sources)
    heading = gettext("Sources")  # outside the f-string, where pybabel sees it
    return f"<p>{escape(event.entry.summary)}</p>{event.body_html}<h2>{escape(heading)}</h2><ul>{sources}</ul>"


def atom(timeline: Timeline, events: list[Event], feed_path: str, title: str) -> bytes:
    base = timeline.config.base_url
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    items = latest(events)

    def add(parent, tag, text=None, **attributes):
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        element.text = text
        return element

    add(feed, "id", base + feed_path)
    add(feed, "title", title)
    add(feed, "subtitle", timeline.config.description)
    add(feed, "updated", max((moment(e) for e in items), default="1970-01-01T00:00:00Z"))
    add(feed, "link", rel="self", href=base + feed_path)
    add(feed, "link", rel="alternate", type="text/html", href=base)
    add(add(feed, "author"), "name", timeline.config.title)
    add(feed, "generator", "site-gen")
    for event in items:
        entry = add(feed, "entry")
        add(entry, "id", base + event.url.lstrip("/"))
        add(entry, "title", event.entry.title)
        add(entry, "link", rel="alternate", type="text/html", href=base + event.url.lstrip("/"))
        add(entry, "published", moment(event))
        add(entry, "updated", moment(event))
        add(entry, "summary", event.entry.summary)
        add(entry, "content", content_html(event), type="html")
        add(entry, "category", term=event.entry.category,
            label=timeline.config.categories[event.entry.category].name)
    ET.indent(feed)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8") + b"\n"


def json_feed(timeline: Timeline, events: list[Event], feed_path: str, title: str) -> bytes:
    base = timeline.config.base_url
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": base,
        "feed_url": base + feed_path,
        "description": timeline.config.description,
        "language": timeline.config.language,
        "items": [{
            "id": base + event.url.lstrip("/"),
            "url": base + event.url.lstrip("/"),
            "title": event.entry.title,
            "summary": event.entry.summary,
            "content_html": content_html(event),
            "date_published": moment(event),
            "tags": [timeline.config.categories[event.entry.category].name, *event.entry.tags],
        } for event in latest(events)],
    }
    return (json.dumps(feed, ensure_ascii=False, indent=1) + "\n").encode()


def feed_files(timeline: Timeline) -> list[tuple[str, str, list[Event], str]]:
    """(Atom path, JSON Feed path, events, title) for the site and for each category with events."""
    title = timeline.config.title
    feeds = [("feeds/atom.xml", "feeds/feed.json", timeline.events, title)]
    for category in timeline.categories:
        if category.events:
            feeds.append((f"feeds/{category.slug}.xml", f"feeds/{category.slug}.json", category.events,
                          f"{title}: {category.name}"))
    return feeds
