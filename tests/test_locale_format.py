"""Dates, times, zones, ranges and numbers worded by Babel for each language; the event's own zone, named
in the reader's language, never the reader's."""
from __future__ import annotations

import pytest

from site_gen import i18n
from site_gen.dates import display_range, month_text, parse_event_date, short_date, when_texts, year_text, zone_label
from site_gen.timeline import figure_spread, number_text
from site_gen.model import Figure

D = parse_event_date
LAUNCH = D("2026-01-04T07:50+09:00")


@pytest.mark.parametrize("language, expected", [
    ("en", "4 January 2026, 07:50 KST"),  # English as it was
    ("ko", "2026년 1월 4일 (일) 오전 7:50(서울 시간)"),
    ("ja", "2026年1月4日(日) 7:50（ソウル時間）"),
])
def test_a_time_in_each_language_with_the_events_zone(language, expected):
    assert display_range(LAUNCH, None, "Asia/Seoul", language) == expected


@pytest.mark.parametrize("language, day, month, year", [
    ("en", "4 January 2026", "April 1984", "1984"),
    ("ko", "2026년 1월 4일 (일)", "1984년 4월", "1984년"),
    ("ja", "2026年1月4日(日)", "1984年4月", "1984年"),
])
def test_days_months_and_years_are_kept_as_precise_as_written(language, day, month, year):
    assert display_range(D("2026-01-04"), None, None, language) == day
    assert display_range(D("1984-04"), None, None, language) == month
    assert display_range(D("1984"), None, None, language) == year
    assert month_text(1984, 4, language) == month
    assert year_text(1984, language) == year


@pytest.mark.parametrize("language, within_a_day, across_days", [
    ("en", ("8 May 2025, 08:10", "–", "09:20 KST"), ("4 January 2026", " – ", "6 January 2026")),
    ("ko", ("2025년 5월 8일 (목) 오전 8:10", " ~ ", "오전 9:20(서울 시간)"),
     ("2026년 1월 4일 (일)", " ~ ", "2026년 1월 6일 (화)")),
    ("ja", ("2025年5月8日(木) 8:10", "～", "9:20（ソウル時間）"), ("2026年1月4日(日)", "～", "2026年1月6日(火)")),
])
def test_ranges(language, within_a_day, across_days):
    start, end = D("2025-05-08T08:10+09:00"), D("2025-05-08T09:20+09:00")
    assert when_texts(start, end, "Asia/Seoul", language) == within_a_day
    assert when_texts(D("2026-01-04"), D("2026-01-06"), None, language) == across_days


def test_pyongyang_kept_utc_0830_from_august_2015_to_may_2018():
    # The site's zone is Seoul's; an event in Pyongyang time is named as such, not as Seoul's.
    during = D("2016-01-06T10:00+08:30")
    assert zone_label(during, "Asia/Seoul", "ko") == "평양 시간"
    assert zone_label(during, "Asia/Seoul", "ja") == "平壌時間"
    assert zone_label(during, "Asia/Seoul", "en") == "Pyongyang Time"
    assert display_range(during, None, "Asia/Seoul", "ja") == "2016年1月6日(水) 10:00（平壌時間）"
    # the first and last days of UTC+08:30 in Pyongyang (tzdata: 15 August 2015 to 4 May 2018) ...
    assert zone_label(D("2015-08-15T00:00+08:30"), "Asia/Seoul", "ko") == "평양 시간"
    assert zone_label(D("2018-05-04T23:29+08:30"), "Asia/Seoul", "ko") == "평양 시간"
    # ... and outside them no zone had +08:30 then: the offset is shown, not a zone's name
    assert zone_label(D("2015-08-14T12:00+08:30"), "Asia/Seoul", "ko") == "UTC+08:30"
    assert zone_label(D("2018-05-06T12:00+08:30"), "Asia/Seoul", "ko") == "UTC+08:30"
    # +09:00 is Seoul's, Tokyo's and (outside those years) Pyongyang's: the site's zone names it
    assert zone_label(D("2018-05-06T12:00+09:00"), "Asia/Seoul", "ko") == "서울 시간"


@pytest.mark.parametrize("language, tokyo, utc, elsewhere", [
    ("en", "JST", "UTC", "UTC-05:00"),
    ("ko", "도쿄 시간", "UTC", "UTC-05:00"),
    ("ja", "東京時間", "UTC", "UTC-05:00"),
])
def test_the_zone_is_the_events_own_never_the_readers(language, tokyo, utc, elsewhere):
    assert zone_label(D("2026-01-04T07:50+09:00"), "Asia/Tokyo", language) == tokyo
    assert zone_label(D("2026-01-04T00:30Z"), "UTC", language) == utc
    assert zone_label(D("2026-01-04T00:30Z"), "Asia/Seoul", language) == utc
    assert zone_label(D("2026-01-04T08:00-05:00"), "Asia/Seoul", language) == elsewhere


@pytest.mark.parametrize("language, short", [("en", "4 Sep 2026"), ("ko", "2026년 9월 4일"), ("ja", "2026年9月4日")])
def test_short_dates(language, short):
    assert short_date(D("2026-09-04T10:00+09:00"), language) == short


def test_the_language_being_drawn_is_the_default():
    with i18n.using("ja"):
        assert display_range(D("1984-04"), None) == "1984年4月"
        assert i18n.gettext("Timeline") == "年表"
        assert i18n.ngettext("%(num)s event", "%(num)s events", 3) % {"num": 3} == "3件の出来事"
    assert display_range(D("1984-04"), None) == "April 1984"
    assert i18n.gettext("Timeline") == "Timeline"


@pytest.mark.parametrize("language, thousand, half", [("en", "1,000", "7,687.5"), ("ko", "1,000", "7,687.5"),
                                                      ("ja", "1,000", "7,687.5")])
def test_figures_numbers_per_locale(language, thousand, half):
    with i18n.using(language):
        assert number_text(1000) == thousand
        assert number_text(7687.5) == half
        assert number_text(1000.0) == thousand
        assert number_text(0.12345) == "0.12345"  # every digit written, none rounded away
        spread = figure_spread([Figure(what="range", value=900, unit="km", by="A"),
                                Figure(what="range", value=1000, unit="km", by="B")])
        assert spread == f"900–{thousand} km"
    with i18n.using("de"):  # a locale with other separators shows that Babel, not Python, formats them
        assert number_text(7687.5) == "7.687,5"


@pytest.mark.parametrize("language, names", [("en", ["North Korea", "South Korea", "Japan", "China", "Russia"]),
                                             ("ko", ["북한", "대한민국", "일본", "중국", "러시아"]),
                                             ("ja", ["北朝鮮", "韓国", "日本", "中国", "ロシア"])])
def test_the_maps_countries_are_named_by_babel(language, names):
    from site_gen.outputs.pictures import country_name, outline  # noqa: PLC0415
    with i18n.using(language):
        assert [country_name(shape["name"]) for shape in outline()["shapes"]] == names


def test_year_pages_are_named_in_the_language():
    from site_gen.render import term_name  # noqa: PLC0415
    from site_gen.timeline import Term  # noqa: PLC0415
    with i18n.using("ko"):
        assert term_name(Term("years", "2025", "2025")) == "2025년"
        assert term_name(Term("tags", "icbm", "ICBM")) == "ICBM"
    assert term_name(Term("years", "2025", "2025")) == "2025"
