"""Pictures drawn at build time as SVG, so they need no JavaScript: events per month, and a map."""
from __future__ import annotations

import json
import math
from collections import Counter
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

from ..dates import MONTHS
from ..timeline import Timeline

OUTLINE = Path(__file__).resolve().parent.parent / "data" / "outline.json"


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
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" '
             f'aria-labelledby="chart-title"><title id="chart-title">Events per month, by category</title>']
    for index, year in enumerate(years):
        top = index * row + count_room
        parts.append(f'<a href="{escape(url(f"/years/{year}/"))}"><text class="year-label" x="0" '
                     f'y="{top + bar_height}">{year}</text></a>')
        for month in range(1, 13):
            x = left + (month - 1) * step
            parts.append(f'<text class="month-label" x="{x + step / 2:.0f}" y="{top + bar_height + 11}" '
                         f'text-anchor="middle">{MONTHS[month - 1][0]}</text>')
            total = per_month.get((year, month), 0)
            if not total:
                continue
            label = ", ".join(f"{names[slug]} {counts[(year, month, slug)]}" for slug in names
                              if counts[(year, month, slug)])
            parts.append(f'<a href="{escape(url(f"/years/{year}/#month-{year}-{month:02d}"))}">'
                         f'<title>{MONTHS[month - 1]} {year}: {total} event{"s" if total != 1 else ""} '
                         f'({escape(label)})</title>')
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


def event_map(timeline: Timeline, url) -> Markup:
    """The outline of the Korean Peninsula and Japan with a numbered marker per place."""
    data = outline()
    lon_min, lat_min, lon_max, lat_max = data["bbox"]
    squeeze = math.cos(math.radians((lat_min + lat_max) / 2))  # equirectangular, true to scale mid-map
    scale = 40
    width, height = (lon_max - lon_min) * squeeze * scale, (lat_max - lat_min) * scale

    def xy(lon: float, lat: float) -> str:
        return f"{(lon - lon_min) * squeeze * scale:.1f},{(lat_max - lat) * scale:.1f}"

    parts = [f'<svg class="map" viewBox="0 0 {width:.0f} {height:.0f}" width="100%" '
             f'aria-labelledby="map-title"><title id="map-title">Map of event locations</title>',
             f'<rect class="sea" width="{width:.0f}" height="{height:.0f}"/>']
    for shape in data["shapes"]:
        path = "".join("M" + "L".join(xy(lon, lat) for lon, lat in ring) + "Z" for ring in shape["rings"])
        parts.append(f'<path class="land" d="{path}"><title>{escape(shape["name"])}</title></path>')
    for number, place in enumerate(places(timeline), start=1):
        if not (lon_min <= place["lon"] <= lon_max and lat_min <= place["lat"] <= lat_max):
            continue
        x, y = xy(place["lon"], place["lat"]).split(",")
        count = len(place["events"])
        parts.append(f'<a href="#{place["anchor"]}"><title>{escape(" / ".join(place["names"]))}: {count} '
                     f'event{"s" if count != 1 else ""}</title><circle class="marker" cx="{x}" cy="{y}" r="11"/>'
                     f'<text class="marker-label" x="{x}" y="{float(y) + 4:.1f}" text-anchor="middle">{number}'
                     f'</text></a>')
    parts.append("</svg>")
    return Markup("".join(parts))
