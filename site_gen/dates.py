"""Event dates: a year, a month, a day, or a local time with its UTC offset, kept as precise as written."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time, get_timezone_location

from . import i18n

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


# Zones an event's own may be when the site's zone does not have its offset at that moment, and only one
# of them does: Pyongyang kept UTC+08:30 from 15 August 2015 to 4 May 2018 (tzdata knows it).
REGION_ZONES = ("Asia/Pyongyang", "Asia/Seoul", "Asia/Tokyo")

# How dates are worded, by Babel. English keeps the newsroom style the site had ("4 January 2026, 07:50
# KST"), as fixed CLDR patterns; every other language takes its own CLDR skeletons ("2026년 1월 4일 (일)").
_ENGLISH = {"day": "d MMMM y", "month": "MMMM y", "year": "y", "short_day": "d MMM y", "short_month": "MMM y"}
_SKELETONS = {"day": "yMMMEd", "month": "yMMMM", "year": "y", "short_day": "yMMMd", "short_month": "yMMM"}


@lru_cache(maxsize=None)
def _locale(language: str) -> Locale:
    return Locale.parse(language, sep="-")


def _language(language: str | None) -> str:
    return i18n.current() if language is None else language


def _english(language: str) -> bool:
    return _locale(language).language == "en"


@lru_cache(maxsize=1 << 16)  # month headings and short dates recur on every list page
def _date_words(when: EventDate, short: bool, language: str) -> str:
    kind = ("short_" if short else "") + ("day" if when.day else "month" if when.month else "year")
    kind = "year" if kind == "short_year" else kind
    if _english(language):
        return format_date(when.first_day, _ENGLISH[kind], locale="en")
    return format_skeleton(_SKELETONS[kind], when.first_day, locale=_locale(language))


def _clock(when: EventDate, language: str) -> str:
    moment = time(when.hour, when.minute)
    if _english(language):
        return format_time(moment, "HH:mm", locale="en")
    return format_time(moment, "short", locale=_locale(language))  # the locale's own: 오전 7:50, 7:50


def _own_zone(when: EventDate, zone: str | None) -> tuple[str, bool] | None:
    """(IANA name, whether it is the site's zone) of the zone the written offset is in at that moment:
    the site's zone, else the one region zone that has it; None when neither does."""
    wanted = timedelta(minutes=when.offset_minutes)
    if zone and when.instant.astimezone(_zone(zone)).utcoffset() == wanted:
        return zone, True
    matching = [name for name in REGION_ZONES if name != zone
                and when.instant.astimezone(_zone(name)).utcoffset() == wanted]
    return (matching[0], False) if len(matching) == 1 else None


def zone_label(when: EventDate, zone: str | None, language: str | None = None) -> str:
    """The event's own zone, named in the reader's language: in English what a newsroom writes after a
    time, the abbreviation of the site's `zone` (an IANA name) when its offset at that moment is the one
    written ("KST"); else the city's zone in the reader's words ("서울 시간", "ソウル時間", "Pyongyang Time");
    else the offset itself ("UTC+09:00")."""
    if when.offset_minutes is None:
        return ""
    language = _language(language)
    offset = "UTC" if when.offset_minutes == 0 else f"UTC{when.offset_text()}"
    own = _own_zone(when, zone)
    if own is None or when.offset_minutes == 0 and own[0] in ("UTC", "Etc/UTC"):
        return offset
    name, is_site_zone = own
    if _english(language) and is_site_zone:
        abbreviation = when.instant.astimezone(_zone(name)).tzname() or ""
        return abbreviation if abbreviation[:1].isalpha() else offset
    locale = _locale(language)
    return locale.zone_formats["region"] % get_timezone_location(name, locale, return_city=True)


@lru_cache(maxsize=None)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def when_texts(start: EventDate, end: EventDate | None, zone: str | None = None,
               language: str | None = None) -> tuple[str, str, str]:
    """(start, dash, end) as a newsroom writes them, in the reader's language (by default the one being
    drawn, i18n.current()): "4 January 2026, 07:50 KST", "2026년 1월 4일 (일) 오전 7:50(서울 시간)"; a range
    within a day "8 May 2025, 08:10" "–" "09:20 KST"; across days "4 January 2026" " – " "6 January 2026"
    ("2026年1月4日(日)" "～" "2026年1月6日(火)"). The one place dates and times are worded for readers."""
    return _when_texts(start, end, zone, _language(language))  # the language resolved before the cache


@lru_cache(maxsize=1 << 16)  # a card is drawn for each list it is on: its dates are worded once per language
def _when_texts(start: EventDate, end: EventDate | None, zone: str | None, language: str) -> tuple[str, str, str]:
    locale = _locale(language)
    joined = locale.datetime_formats["medium"]  # "{1}, {0}": the day, then the time

    def zoned(when: EventDate) -> str:
        # The zone after the time, as each language writes it ("07:50 KST", "7:50（ソウル時間）").
        return i18n.translations(language).gettext("%(time)s %(zone)s") % {"time": _clock(when, language),
                                                 "zone": zone_label(when, zone, language)}

    def full(when: EventDate) -> str:
        day = _date_words(when, False, language)
        return day if when.hour is None else joined.format(zoned(when), day)

    # Between two days: CLDR's " ~ " and "～"; English keeps the plain spaces it had around "–".
    between = " – " if _english(language) else locale.interval_formats[None].replace("{0}", "").replace("{1}", "")
    if end is None:
        return full(start), "", ""
    if (end.hour is not None and start.hour is not None and end.first_day == start.first_day
            and end.offset_minutes == start.offset_minutes):
        dash = "–" if _english(language) else between  # English: 08:10–09:20, as CLDR's own time ranges
        return joined.format(_clock(start, language), _date_words(start, False, language)), dash, zoned(end)
    return full(start), between, full(end)


def date_text(when: EventDate, language: str | None = None) -> str:
    """A source's date (or the day it was checked) for readers; English as EventDate.display()."""
    language = _language(language)
    if _english(language):
        return when.display()
    return when_texts(when, None, None, language)[0]


def year_text(year: int, language: str | None = None) -> str:
    """A year as a heading: "2026", "2026년", "2026年"."""
    return _date_words(EventDate(year), False, _language(language))


def month_text(year: int, month: int, language: str | None = None) -> str:
    """A month as a heading: "January 2026", "2026년 1월", "2026年1月"."""
    return _date_words(EventDate(year, month), False, _language(language))


def short_date(when: EventDate, language: str | None = None) -> str:
    """The day in few letters, for lists of steps: "4 Jan 2026", "Jan 2026", "2026" (no time)."""
    return _date_words(when, True, _language(language))


def display_range(start: EventDate, end: EventDate | None, zone: str | None = None,
                  language: str | None = None) -> str:
    return "".join(when_texts(start, end, zone, language))
