"""The search index: every event's searchable text, written at build time, loaded by the browser on first use.

It is a script that sets one global rather than a JSON file, because browsers refuse fetch() from
pages opened from disk, and a timeline must work opened from disk too.
"""
from __future__ import annotations

import html
import json
from functools import lru_cache

import nh3

from ..dates import display_range
from ..i18n import gettext
from ..timeline import Event, Timeline
from .exports import joined


@lru_cache(maxsize=None)  # the preview redoes the index on every save: only changed bodies cost anything
def plain_text(body_html: str) -> str:
    """The words of a rendered body, without markup (nh3 with no allowed tags keeps only text)."""
    return " ".join(html.unescape(nh3.clean(body_html, tags=set())).split())


def search_index(timeline: Timeline) -> bytes:
    zone = timeline.config.timezone
    records = (json.dumps(_record(event, zone), ensure_ascii=False, separators=(",", ":")).encode()
               for event in timeline.events)
    return joined(b"window.siteGenSearchIndex=[", records, b",", b"];\n")


def _record(event: Event, zone: str) -> dict:
    entry = event.entry
    return {
        "id": event.id,
        "url": event.url.lstrip("/") + "index.html",
        "title": entry.title,
        "date": display_range(entry.date, entry.end_date, zone),
        "summary": entry.summary,
        "text": plain_text(event.body_html),
        "sources": " ".join(f"{s.publisher} {s.title}" for s in entry.sources),
        # what is contested, as cards say it, in the language being drawn
        "flags": [gettext("%(label)s: %(text)s") % {"label": flag.label, "text": flag.text} for flag in event.flags],
    }
