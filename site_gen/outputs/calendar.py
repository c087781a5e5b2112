"""An iCalendar file with one event per entry (UTC times, stable UIDs), for calendar subscriptions."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from urllib.parse import urlsplit

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from ..dates import EventDate
from ..timeline import Timeline


def _after(when: EventDate) -> date:
    """The day after the period a date names (iCalendar all-day ends are exclusive)."""
    if when.day:
        return when.first_day + timedelta(days=1)
    if when.month:
        return date(when.year + (when.month == 12), when.month % 12 + 1, 1)
    return date(when.year + 1, 1, 1)


def calendar(timeline: Timeline) -> bytes:
    config = timeline.config
    host = urlsplit(config.base_url).hostname or "site-gen"
    cal = Calendar()
    cal.add("prodid", f"-//site-gen//{config.title}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", config.title)
    for event in timeline.events:
        entry = event.entry
        item = CalendarEvent()
        item.add("uid", f"{event.id}@{host}")  # the id is the permalink's: stable across builds
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
        cal.add_component(item)
    return cal.to_ical()
