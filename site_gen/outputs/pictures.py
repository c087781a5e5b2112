"""Pictures drawn at build time as SVG, so they need no JavaScript: events per month, and a map."""
from __future__ import annotations

import json
import math
from collections import Counter
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

from babel import Locale
from babel.dates import get_month_names

from .. import i18n
from ..dates import month_text
from ..i18n import gettext, ngettext
from ..timeline import Timeline

OUTLINE = Path(__file__).resolve().parent.parent / "data" / "outline.json"


# The outline's countries (data/make_outline.py) by their ISO codes, so that Babel names them per language.
COUNTRY_CODES = {"North Korea": "KP", "South Korea": "KR", "Japan": "JP", "China": "CN", "Russia": "RU"}


def country_name(name: str) -> str:
    """A country of the outline in the reader's words ("북한", "北朝鮮"); in English, as the outline has it."""
    language = i18n.current()
    if language.split("-")[0] == i18n.SOURCE_LANGUAGE or name not in COUNTRY_CODES:
        return name
    return Locale.parse(i18n.locale_name(language)).territories.get(COUNTRY_CODES[name], name)


def _events(count: int) -> str:
    return ngettext("%(num)s event", "%(num)s events", count) % {"num": count}


def month_chart(timeline: Timeline, url, events=None) -> Markup:
    """One row of twelve monthly bars per year, stacked by category; each bar links to its month.
    With `events`, only the years they fall in (the index shows its own years; /years/ shows all)."""
    counts: Counter = Counter()
    years_shown = {e.entry.date.year for e in events} if events is not None else None
    for event in timeline.events:
        if years_shown is not None and event.entry.date.year not in years_shown:
            continue
        date = event.entry.date
        if date.month:
            counts[(date.year, date.month, event.entry.category)] += 1
    if not counts:
        return Markup("")
    per_month = Counter()
    for (year, month, _), n in counts.items():
        per_month[(year, month)] += n
    tallest = max(per_month.values())
    years = sorted({year for year, _ in per_month})
    # Each row: room for the counts above the bars, the bars, then the month initials.
    count_room, bar_height, label_room, left, step = 12, 34, 14, 36, 28
    row = count_room + bar_height + label_room
    width, height = left + 12 * step, row * len(years)
    names = {slug: c.name for slug, c in timeline.config.categories.items()}
    title = gettext("Events per month, by category")  # outside f-strings, where pybabel sees it
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" '
             f'aria-labelledby="chart-title"><title id="chart-title">{escape(title)}</title>']
    initials = get_month_names("narrow", locale=i18n.locale_name(i18n.current()))  # J F M…, 1月 2月…
    for index, year in enumerate(years):
        top = index * row + count_room
        parts.append(f'<a href="{escape(url(f"/years/{year}/"))}"><text class="year-label" x="0" '
                     f'y="{top + bar_height}">{year}</text></a>')
        for month in range(1, 13):
            x = left + (month - 1) * step
            parts.append(f'<text class="month-label" x="{x + step / 2:.0f}" y="{top + bar_height + 11}" '
                         f'text-anchor="middle">{escape(initials[month])}</text>')
            total = per_month.get((year, month), 0)
            if not total:
                continue
            label = ", ".join(f"{names[slug]} {counts[(year, month, slug)]}" for slug in names
                              if counts[(year, month, slug)])
            title = gettext("%(when)s: %(events)s (%(counts)s)") % {
                "when": month_text(year, month), "events": _events(total), "counts": label}
            parts.append(f'<a href="{escape(url(f"/years/{year}/#month-{year}-{month:02d}"))}">'
                         f'<title>{escape(title)}</title>')
            y = top + bar_height
            for slug in names:
                n = counts[(year, month, slug)]
                if n:
                    h = n / tallest * bar_height
                    y -= h
                    parts.append(f'<rect class="bar" data-category="{escape(slug)}" x="{x + 5}" y="{y:.1f}" '
                                 f'width="{step - 10}" height="{h:.1f}"/>')
            parts.append(f'<text class="bar-count" x="{x + step / 2:.0f}" y="{y - 2:.1f}" '
                         f'text-anchor="middle">{total}</text></a>')
    parts.append("</svg>")
    return Markup("".join(parts))


OVERVIEW_BINS = 60  # at most this many columns, whatever the number of events: each is a span of months


def overview(timeline: Timeline, url) -> Markup:
    """Every event at a glance, time to scale: one row per category, one column per span of months (as many
    months as keep the columns at OVERVIEW_BINS or fewer). A cell's strength tells how many events it
    holds, so 10,000 events draw no more than 34; each cell links to its first month on the year page."""
    dated = [e for e in timeline.events if e.entry.date.month]
    if not dated:
        return Markup("")
    first, last = dated[0].entry.date, dated[-1].entry.date
    start = first.year * 12 + first.month - 1
    span = last.year * 12 + last.month - start  # months from the first event's to the last one's, inclusive
    step = -(-span // OVERVIEW_BINS)  # months per column, rounded up
    columns = -(-span // step)
    rows = [c for c in timeline.categories if c.events]
    cells: Counter = Counter()
    months: dict[tuple, int] = {}  # (row, column) -> the first month (counted from year 0) with events
    for event in dated:
        month = event.entry.date.year * 12 + event.entry.date.month - 1
        key = (event.entry.category, (month - start) // step)
        cells[key] += 1
        months.setdefault(key, month)
    densest = max(cells.values())
    label_width, row_height, axis = 84, 13, 14
    plot = 360 - label_width
    width, height = 360, row_height * len(rows) + axis
    cell = plot / columns
    title = gettext("Events over time, by category: %(events)s from %(first)s to %(last)s") % {
        "events": _events(len(dated)), "first": month_text(first.year, first.month),
        "last": month_text(last.year, last.month)}
    parts = [f'<svg class="overview" viewBox="0 0 {width} {height}" width="100%" '
             f'aria-labelledby="overview-title"><title id="overview-title">{escape(title)}</title>']
    for number, row in enumerate(rows):
        top = number * row_height
        parts.append(f'<text class="row-label" data-category="{escape(row.slug)}" x="0" y="{top + 10}">'
                     f'<tspan class="row-symbol">{escape(row.symbol)}</tspan> {escape(row.name)}</text>'
                     f'<rect class="track" x="{label_width}" y="{top + 5}" width="{plot}" height="1"/>')
        for column in range(columns):
            count = cells.get((row.slug, column))
            if not count:
                continue
            month = months[(row.slug, column)]
            year, month_number = divmod(month, 12)
            strength = 0.35 + 0.65 * math.sqrt(count / densest)  # the eye reads area: the root keeps 1 visible
            href = url(f"/years/{year}/#month-{year}-{month_number + 1:02d}")
            when = month_text(year, month_number + 1)
            title = (gettext("%(category)s, %(when)s onwards: %(events)s") if step > 1 else
                     gettext("%(category)s, %(when)s: %(events)s")) % {
                "category": row.name, "when": when, "events": _events(count)}
            parts.append(f'<a href="{escape(href)}"><title>{escape(title)}</title>'
                         f'<rect class="cell" data-category="{escape(row.slug)}" x="{label_width + column * cell:.1f}" '
                         f'y="{top + 1}" width="{max(cell - 0.6, 1.5):.1f}" height="{row_height - 2}" '
                         f'fill-opacity="{strength:.2f}"/></a>')
    parts.extend(_year_ticks(start, step, columns, label_width, cell, height))
    parts.append("</svg>")
    return Markup("".join(parts))


def _year_ticks(start: int, step: int, columns: int, left: float, cell: float, height: int) -> list[str]:
    """Year labels under the overview, at the column where each year begins, at least 34 px apart."""
    ticks, last_x = [], -100.0
    for column in range(columns):
        first_month, end_month = start + column * step, start + (column + 1) * step
        year = -(-first_month // 12)  # the first January in this column, if any
        if year * 12 >= end_month:
            continue
        x = left + column * cell
        if x - last_x >= 34 and x <= 360 - 24:
            ticks.append(f'<rect class="tick" x="{x:.1f}" y="{height - 14}" width="1" height="4"/>'
                         f'<text class="tick-label" x="{x:.1f}" y="{height - 1}">{year}</text>')
            last_x = x
    return ticks


@lru_cache(maxsize=1)
def outline() -> dict:
    return json.loads(OUTLINE.read_text(encoding="utf-8"))


def places(timeline: Timeline) -> list[dict]:
    """Events with coordinates, grouped by place (rounded to 0.01°), in order of first event."""
    found: dict[tuple, dict] = {}
    for event in timeline.events:
        location = event.entry.location
        if location is None or location.lat is None:
            continue
        key = (round(location.lat, 2), round(location.lon, 2))
        place = found.get(key)
        if place is None:  # not setdefault: that would build a new place for every event
            place = found[key] = {"lat": key[0], "lon": key[1], "names": [], "events": []}
        if location.name not in place["names"]:
            place["names"].append(location.name)
        place["events"].append(event)
    for number, place in enumerate(found.values(), start=1):
        place["anchor"] = f"place-{number}"
    return list(found.values())


MAP_WIDTH = 360  # viewBox units across: a phone shows the map at about this size, so text sizes hold
MAP_MARGIN = 0.6  # degrees kept around the outermost places, at the least


def map_bounds(found: list[dict], bbox: list[float]) -> tuple[float, float, float, float]:
    """(lon_min, lat_min, lon_max, lat_max): the places shown with a margin, at least 3 by 2 degrees
    (a single place still gets its surroundings), inside the outline's own box."""
    lon_min, lon_max = min(p["lon"] for p in found), max(p["lon"] for p in found)
    lat_min, lat_max = min(p["lat"] for p in found), max(p["lat"] for p in found)
    pad_lon = max(MAP_MARGIN, (lon_max - lon_min) * 0.25, (3 - (lon_max - lon_min)) / 2)
    pad_lat = max(MAP_MARGIN, (lat_max - lat_min) * 0.25, (2 - (lat_max - lat_min)) / 2)
    return (max(bbox[0], lon_min - pad_lon), max(bbox[1], lat_min - pad_lat),
            min(bbox[2], lon_max + pad_lon), min(bbox[3], lat_max + pad_lat))


def place_label(place: dict) -> str:
    """The name most of a place's events give it (the first of those on a tie): short, for the map."""
    names = Counter(event.entry.location.name for event in place["events"])
    return max(place["names"], key=lambda name: names[name])


def label_spot(x: float, y: float, length: float, width: float, height: float,
               taken: list[tuple[float, float, float, float]]) -> tuple[float, float, str]:
    """Where a marker's label goes (x, y, text-anchor): right of it, left, below or above, the first that
    stays inside the map and clear of the labels placed so far (`taken`, which gets this one's box)."""
    spots = [(x + 14, y + 4, "start", x + 14), (x - 14, y + 4, "end", x - 14 - length),
             (x, y + 26, "middle", x - length / 2), (x, y - 16, "middle", x - length / 2)]
    for lx, ly, anchor, left in spots:
        box = (left, ly - 12, left + length, ly + 3)
        inside = box[0] >= 0 and box[2] <= width and box[1] >= 0 and box[3] <= height
        if inside and not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in taken):
            taken.append(box)
            return lx, ly, anchor
    taken.append((spots[0][3], y - 8, spots[0][3] + length, y + 7))
    return spots[0][:3]


def event_map(timeline: Timeline, url) -> Markup:
    """The outline of the region, framed on the places shown, with a numbered, named marker per place."""
    data = outline()
    box = data["bbox"]
    every = places(timeline)
    numbers = {id(place): number for number, place in enumerate(every, start=1)}
    found = [p for p in every if box[0] <= p["lon"] <= box[2] and box[1] <= p["lat"] <= box[3]]
    lon_min, lat_min, lon_max, lat_max = map_bounds(found, box) if found else box
    squeeze = math.cos(math.radians((lat_min + lat_max) / 2))  # equirectangular, true to scale mid-map
    scale = MAP_WIDTH / ((lon_max - lon_min) * squeeze)
    width, height = MAP_WIDTH, (lat_max - lat_min) * scale

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (lon - lon_min) * squeeze * scale, (lat_max - lat) * scale

    title = gettext("Map of event locations")
    parts = [f'<svg class="map" viewBox="0 0 {width:.0f} {height:.0f}" width="100%" '
             f'aria-labelledby="map-title"><title id="map-title">{escape(title)}</title>',
             f'<rect class="sea" width="{width:.0f}" height="{height:.0f}"/>']
    for shape in data["shapes"]:
        path = "".join("M" + "L".join("%.1f,%.1f" % xy(lon, lat) for lon, lat in ring) + "Z"
                       for ring in shape["rings"])
        parts.append(f'<path class="land" d="{path}"><title>{escape(country_name(shape["name"]))}</title></path>')
    taken: list[tuple[float, float, float, float]] = []
    for place in found:
        x, y = xy(place["lon"], place["lat"])
        count = len(place["events"])
        label = f'{place_label(place)} ({count})'
        lx, ly, anchor = label_spot(x, y, len(label) * 7.5, width, height, taken)
        title = gettext("%(place)s: %(events)s") % {"place": " / ".join(place["names"]), "events": _events(count)}
        parts.append(f'<a href="#{place["anchor"]}"><title>{escape(title)}</title><circle class="marker" cx="{x:.1f}" cy="{y:.1f}" r="10"/>'
                     f'<text class="marker-label" x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle">'
                     f'{numbers[id(place)]}</text><text class="place-label" x="{lx:.1f}" '
                     f'y="{ly:.1f}" text-anchor="{anchor}">{escape(label)}</text></a>')
    parts.append("</svg>")
    return Markup("".join(parts))
