"""Event dates: a year, a month, a day, or a local time with its UTC offset, kept as precise as written."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

_DATE = re.compile(
    r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"(?P<offset>Z|[+-]\d{2}:\d{2})?)?)?)?"
)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
# Real UTC offsets run from -12:00 (Baker Island) to +14:00 (Line Islands).
_MIN_OFFSET, _MAX_OFFSET = -12 * 60, 14 * 60


@dataclass(frozen=True)
class EventDate:
    year: int
    month: int | None = None
    day: int | None = None
    hour: int | None = None
    minute: int | None = None
    second: int | None = None
    offset_minutes: int | None = None  # set exactly when a time is

    @property
    def precision(self) -> str:
        if self.hour is not None:
            return "time"
        return "day" if self.day else "month" if self.month else "year"

    @property
    def instant(self) -> datetime | None:
        """The moment in UTC, for date-times; None for dates."""
        if self.hour is None:
            return None
        local = datetime(self.year, self.month, self.day, self.hour, self.minute, self.second or 0,
                         tzinfo=timezone(timedelta(minutes=self.offset_minutes)))
        return local.astimezone(timezone.utc)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def sort_key(self) -> tuple:
        # Within a day, events with a known time come first, by their instant; a bare date sorts after
        # them (its time is unknown), so a same-day response follows the launch it answers.
        instant = self.instant
        return (self.year, self.month or 0, self.day or 0, instant.timestamp() if instant else float("inf"))

    def offset_text(self) -> str:
        if self.offset_minutes is None:
            return ""
        if self.offset_minutes == 0:
            return "Z"
        sign = "+" if self.offset_minutes > 0 else "-"
        hours, minutes = divmod(abs(self.offset_minutes), 60)
        return f"{sign}{hours:02d}:{minutes:02d}"

    def iso(self) -> str:
        """Machine-readable form, as valid in HTML `<time datetime>`: 2026, 2026-01, 2026-01-04T07:50+09:00."""
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        if self.hour is not None:
            text += f"T{self.hour:02d}:{self.minute:02d}"
            if self.second is not None:
                text += f":{self.second:02d}"
            text += self.offset_text()
        return text

    def display(self) -> str:
        """Human form, in the local time as written: 4 January 2026, 07:50 (UTC+09:00)."""
        if not self.month:
            return str(self.year)
        if not self.day:
            return f"{MONTHS[self.month - 1]} {self.year}"
        text = f"{self.day} {MONTHS[self.month - 1]} {self.year}"
        if self.hour is not None:
            offset = "UTC" if self.offset_minutes == 0 else f"UTC{self.offset_text()}"
            text += f", {self.hour:02d}:{self.minute:02d} ({offset})"
        return text

    def __str__(self) -> str:
        return self.iso()


def parse_event_date(value: object) -> EventDate:
    """Parse what an editor wrote; raise ValueError with a message that says how to fix it."""
    if isinstance(value, EventDate):
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError("must be a date such as 2026-01-04, 2026-01 or 2026-01-04T07:50+09:00")
    if isinstance(value, int) and 1 <= value <= 9999:
        value = f"{value:04d}"  # YAML reads `date: 602` as a number: the year 602, as the schema allows
    text = str(value).strip()
    match = _DATE.fullmatch(text)
    if not match:
        raise ValueError(f"invalid date {text!r}: use YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM+HH:MM")
    *numbers, offset = match.groups()
    year, month, day, hour, minute, second = (None if v is None else int(v) for v in numbers)
    if hour is not None and offset is None:
        raise ValueError(f"invalid date {text!r}: a time needs its UTC offset, e.g. {text}+09:00 for Korea")
    try:
        # datetime checks month and day ranges (2026-02-30 fails here) and the time of day.
        datetime(year, 1 if month is None else month, 1 if day is None else day, hour or 0, minute or 0,
                 second or 0)
    except ValueError as error:
        raise ValueError(f"invalid date {text!r}: {error}") from None
    offset_minutes = None
    if offset == "Z":
        offset_minutes = 0
    elif offset is not None:
        hours, minutes = int(offset[1:3]), int(offset[4:6])
        offset_minutes = (hours * 60 + minutes) * (1 if offset[0] == "+" else -1)
        if minutes >= 60 or not _MIN_OFFSET <= offset_minutes <= _MAX_OFFSET:
            raise ValueError(f"invalid date {text!r}: UTC offset {offset} is outside -12:00..+14:00")
    return EventDate(year, month, day, hour, minute, second, offset_minutes)


def zone_label(when: EventDate, zone: str | None) -> str:
    """What a newsroom writes after a time: the abbreviation of `zone` (an IANA name) at that moment when
    its offset is the one written ("KST"), else the offset itself ("UTC+09:00")."""
    if when.offset_minutes is None:
        return ""
    if zone:
        local = when.instant.astimezone(_zone(zone))
        name = local.tzname() or ""
        if local.utcoffset() == timedelta(minutes=when.offset_minutes) and name[:1].isalpha():
            return name
    return "UTC" if when.offset_minutes == 0 else f"UTC{when.offset_text()}"


@lru_cache(maxsize=None)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def when_texts(start: EventDate, end: EventDate | None, zone: str | None = None) -> tuple[str, str, str]:
    """(start, dash, end) as a newsroom writes them: "4 January 2026, 07:50 KST"; a range within a day
    "8 May 2025, 08:10" "–" "09:20 KST"; across days "4 January 2026" " – " "6 January 2026". The one
    place dates and times are worded for readers (issue 18 swaps it for Babel's formatting)."""

    def day(when: EventDate) -> str:
        if not when.month:
            return str(when.year)
        if not when.day:
            return f"{MONTHS[when.month - 1]} {when.year}"
        return f"{when.day} {MONTHS[when.month - 1]} {when.year}"

    def clock(when: EventDate) -> str:
        return f"{when.hour:02d}:{when.minute:02d}"

    def full(when: EventDate) -> str:
        return day(when) + (f", {clock(when)} {zone_label(when, zone)}" if when.hour is not None else "")

    if end is None:
        return full(start), "", ""
    if (end.hour is not None and start.hour is not None and end.first_day == start.first_day
            and end.offset_minutes == start.offset_minutes):
        return f"{day(start)}, {clock(start)}", "–", f"{clock(end)} {zone_label(end, zone)}"
    return full(start), " – ", full(end)


def short_date(when: EventDate) -> str:
    """The day in few letters, for lists of steps: "4 Jan 2026", "Jan 2026", "2026" (no time)."""
    if not when.month:
        return str(when.year)
    month = MONTHS[when.month - 1][:3]
    return f"{when.day} {month} {when.year}" if when.day else f"{month} {when.year}"


def display_range(start: EventDate, end: EventDate | None, zone: str | None = None) -> str:
    return "".join(when_texts(start, end, zone))
