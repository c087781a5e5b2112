"""An iCalendar file with one event per entry (UTC times, stable UIDs), for calendar subscriptions.

The file is a header, one VEVENT per event, and a footer: `calendar_event` makes one event's bytes,
so a caller may make them in parallel or keep them per event; `calendar` joins them.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from urllib.parse import urlsplit

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from ..dates import EventDate
from ..timeline import Event, Timeline

FOOTER = b"END:VCALENDAR\r\n"


def _after(when: EventDate) -> date:
    """The day after the period a date names (iCalendar all-day ends are exclusive)."""
    if when.day:
        return when.first_day + timedelta(days=1)
    if when.month:
        return date(when.year + (when.month == 12), when.month % 12 + 1, 1)
    return date(when.year + 1, 1, 1)


@lru_cache(maxsize=8)
def _host(base_url: str) -> str:
    return urlsplit(base_url).hostname or "site-gen"


def fold(line: str) -> str:
    """icalendar's folding of a content line (at most 75 octets a line; a backslash or caret that would
    end a line moves to the next, so no escape is split), a slice at a time for ASCII lines: icalendar
    goes a character at a time, which was a third of the file's cost. Other lines are left to it."""
    if not line.isascii():
        return line.to_ical().decode()
    parts, start = [], 0
    while len(line) - start > 74:  # one octet a character, so 74 characters a line (the fold's space aside)
        end = start + 73 if line[start + 73] in "\\^" else start + 74
        parts.append(line[start:end])
        start = end
    parts.append(line[start:])
    return "\r\n ".join(parts)


def _to_ical(component) -> bytes:
    """component.to_ical(), with `fold` for the folding."""
    return "".join(fold(line) + "\r\n" for line in component.content_lines() if line).encode()


def calendar_event(timeline: Timeline, event: Event) -> bytes:
    """One event's VEVENT, from BEGIN to END, as it appears in `calendar`."""
    config = timeline.config
    entry = event.entry
    item = CalendarEvent()
    item.add("uid", f"{event.id}@{_host(config.base_url)}")  # the id is the permalink's: stable across builds
    start = entry.date.instant
    # DTSTAMP must be present; the event's own time keeps the file identical from build to build.
    item.add("dtstamp", start or datetime.combine(entry.date.first_day, time(), timezone.utc))
    if start is not None:
        item.add("dtstart", start)
        if entry.end_date is not None:
            end = entry.end_date.instant or datetime.combine(_after(entry.end_date), time(), timezone.utc)
            item.add("dtend", end)
    else:
        item.add("dtstart", entry.date.first_day)
        item.add("dtend", _after(entry.end_date or entry.date))
    item.add("summary", entry.title)
    sources = "\n".join(f"- {s.publisher}: {s.title} <{s.url}>" for s in entry.sources)
    item.add("description", f"{entry.summary}\n\n{config.base_url}{event.url.lstrip('/')}\n\nSources:\n{sources}")
    item.add("url", config.base_url + event.url.lstrip("/"))
    item.add("categories", [config.categories[entry.category].name])
    if entry.location:
        item.add("location", entry.location.name)
        if entry.location.lat is not None:
            item.add("geo", (entry.location.lat, entry.location.lon))
    return _to_ical(item)


def calendar(timeline: Timeline) -> bytes:
    config = timeline.config
    cal = Calendar()
    cal.add("prodid", f"-//site-gen//{config.title}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", config.title)
    # The events go where the calendar's own lines end, as icalendar puts subcomponents.
    header = _to_ical(cal).removesuffix(FOOTER)
    return header + b"".join(calendar_event(timeline, event) for event in timeline.events) + FOOTER
