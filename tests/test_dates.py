from datetime import datetime, timezone

import pytest

from site_gen.dates import EventDate, display_range, parse_event_date


@pytest.mark.parametrize("text, iso, display, precision", [
    (2026, "2026", "2026", "year"),
    ("2026-01", "2026-01", "January 2026", "month"),
    ("2026-01-04", "2026-01-04", "4 January 2026", "day"),
    ("2026-01-04T07:50+09:00", "2026-01-04T07:50+09:00", "4 January 2026, 07:50 (UTC+09:00)", "time"),
    ("2026-01-04T07:50:30Z", "2026-01-04T07:50:30Z", "4 January 2026, 07:50 (UTC)", "time"),
    ("2026-01-04 23:00-12:00", "2026-01-04T23:00-12:00", "4 January 2026, 23:00 (UTC-12:00)", "time"),
    ("2026-01-04T07:50+14:00", "2026-01-04T07:50+14:00", "4 January 2026, 07:50 (UTC+14:00)", "time"),
])
def test_parse_keeps_precision_and_offset(text, iso, display, precision):
    parsed = parse_event_date(text)
    assert parsed.iso() == iso
    assert parsed.display() == display
    assert parsed.precision == precision


def test_instant_is_utc():
    assert parse_event_date("2026-01-04T07:50+09:00").instant == datetime(2026, 1, 3, 22, 50, tzinfo=timezone.utc)
    assert parse_event_date("2026-01-04").instant is None


@pytest.mark.parametrize("text, fragment", [
    ("2026-02-30", "day is out of range"),
    ("2026-13", "month must be in 1..12"),
    ("2026-00", "month must be in 1..12"),  # a month or day of 0 is wrong, not missing
    ("2026-01-00", "day is out of range"),
    ("2026-01-04T07:50", "needs its UTC offset"),
    ("2026-01-04T25:00+09:00", "hour must be in 0..23"),
    ("2026-01-04T07:50+14:30", "outside -12:00..+14:00"),
    ("2026-01-04T07:50-12:30", "outside -12:00..+14:00"),
    ("4 January 2026", "use YYYY"),
    ("", "use YYYY"),
])
def test_invalid_dates_say_why(text, fragment):
    with pytest.raises(ValueError, match=fragment):
        parse_event_date(text)


@pytest.mark.parametrize("value", [True, 3.5, None, ["2026"]])
def test_non_text_dates_are_rejected(value):
    with pytest.raises(ValueError):
        parse_event_date(value)


def test_sort_puts_timed_events_before_a_bare_date_on_the_same_day():
    launch = parse_event_date("2026-01-04T07:50+09:00")
    meeting = parse_event_date("2026-01-04")
    earlier_day = parse_event_date("2026-01-03")
    month = parse_event_date("2026-01")
    assert sorted([meeting, launch, earlier_day, month], key=EventDate.sort_key) == [
        month, earlier_day, launch, meeting]


def test_timed_events_on_one_day_sort_by_instant():
    seoul = parse_event_date("2026-01-04T09:00+09:00")  # 00:00 UTC
    tokyo_earlier = parse_event_date("2026-01-04T08:30+09:00")
    assert sorted([seoul, tokyo_earlier], key=EventDate.sort_key) == [tokyo_earlier, seoul]


def test_display_range():
    start, end = parse_event_date("2025-05-08T08:10+09:00"), parse_event_date("2025-05-08T09:20+09:00")
    # as a newsroom writes it (issue 17): one day, one zone name; without a zone, the offset
    assert display_range(start, end, "Asia/Seoul") == "8 May 2025, 08:10–09:20 KST"
    assert display_range(start, end) == "8 May 2025, 08:10–09:20 UTC+09:00"
    assert display_range(start, None, "Asia/Seoul") == "8 May 2025, 08:10 KST"
    # a zone whose offset is not the one written does not lend its name
    assert display_range(start, None, "Europe/Paris") == "8 May 2025, 08:10 UTC+09:00"
    assert display_range(parse_event_date("2026-01-04"), parse_event_date("2026-01-06")) == \
        "4 January 2026 – 6 January 2026"
    assert display_range(parse_event_date("2026-01-04T00:30Z"), None, "UTC") == "4 January 2026, 00:30 UTC"
