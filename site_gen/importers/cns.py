"""The CNS North Korea Missile Test Database (.xlsx as published, or a .csv saved from it) → entries.

The ready-made mapping mappings/cns.yaml names the columns; the step here, `prepare`, composes what needs
more than a column: the title and summary from whichever names are known, figures read from "2,802 km",
the body from the remaining columns, and the sources the Source(s) cell cites.
"""
from __future__ import annotations

import html
import re

from ..problems import UsageError
from . import host_of, is_http_url, parse_figure, present, slugify, text_of
from .convert import Context
from .mapping import built_in, parse
from .read import Row

DATABASE = "CNS North Korea Missile Test Database"
DATABASE_URL = "https://www.nti.org/analysis/articles/cns-north-korea-missile-test-database/"
DERIVED = frozenset({"_title", "_summary", "_location", "_figures", "_tags", "_cited", "_body", "_slug", "_note"})


def _number(value: object) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def source_urls(cell: str) -> list[str]:
    """The http(s) addresses in a Source(s) cell, which separates them by spaces, new lines, ';' or ','."""
    urls = []
    for url in re.findall(r"https?://[^\s<>\"']+", re.sub(r"[,;](?=https?://)", " ", cell)):
        url = url.rstrip(".,;:")
        if url.endswith(")") and url.count(")") > url.count("("):
            url = url[:-1]  # "(see https://...)" — but keep Wikipedia's "..._(missile)"
        if is_http_url(url) and url not in urls:
            urls.append(url)
    return urls


def _cns_date(value: object) -> str | None:
    """The Date Entered/Updated cell as a day, when it is one."""
    if hasattr(value, "date"):
        return value.date().isoformat()
    text = text_of(value)
    return text if text and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None


def _body(row: dict, f1: str | None, where: str, notes: list[str]) -> tuple[list, str]:
    """(figures, body): Apogee and Distance read as figures, or kept word for word; the other columns."""
    lines, figures = [], []
    for column, what_figure in (("Apogee", "apogee"), ("Distance Travelled", "distance travelled")):
        value = present(row.get(column))
        if value is None:
            continue
        figure = parse_figure(value, what_figure, DATABASE)
        if figure:
            figures.append(figure)
        else:  # a range or a remark: kept word for word rather than guessed at
            lines.append(f"- {column}: {html.escape(str(value), quote=False)}")
            notes.append(f"{column} {value!r} is not one number with a unit: kept in the body")
    for column in ("Landing Location", "Launch Agency/Authority", "Other Name"):
        if text_of(row.get(column)):
            lines.append(f"- {column}: {html.escape(text_of(row.get(column)), quote=False)}")
    cited = text_of(row.get("Source(s)")) or ""
    if re.sub(r"https?://[^\s<>\"']+|[\s,;.]", "", cited):  # the cell also names sources in words
        lines.append(f"- Source(s) as given by CNS: {html.escape(cited, quote=False)}")
    info = text_of(row.get("Additional Information"))
    body = [html.escape(info, quote=False)] if info else []
    if lines:
        body.append("\n".join(lines))
    body.append(f"Imported from the {DATABASE}, " + (f"record F1 = {f1}." if f1 else f"{where} (no F1 record number)."))
    return figures, "\n\n".join(body)


def prepare(row: Row, ctx: Context) -> dict:
    cells = row.cells

    def cell(name: str) -> str | None:
        return text_of(cells.get(name))

    f1, notes = cell("F1"), []
    name, kind = cell("Missile Name"), cell("Missile Type")
    facility, place = cell("Facility Name"), cell("Facility Location")
    what, site = name or kind, facility or place
    where = f"{row.where} of {ctx.file_name}"
    record = f" (CNS record {f1})" if f1 else ""
    described = f"{name} ({kind})" if name and kind and name != kind else what
    summary = f"{described + ' launch' if described else 'Launch'}{' from ' + site if site else ''}, " \
              f"recorded in the {DATABASE}."
    outcome, status = cell("Test Outcome"), cell("Confirmation Status")
    summary += (f" Outcome: {outcome}." if outcome else "") + (f" Status: {status}." if status else "")
    location = None
    if site:
        location = {"name": f"{facility}, {place}" if facility and place and place != facility else site}
        lat, lon = _number(present(cells.get("Facility Latitude"))), _number(present(cells.get("Facility Longitude")))
        if lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180:
            location.update(lat=lat, lon=lon)
    tags = [slugify(kind)] if kind and slugify(kind) else []
    tags.append("cns-import")
    if outcome and outcome.lower().startswith("fail"):
        tags.append("failed-test")
    figures, body = _body(cells, f1, where, notes)
    cited_by = f"record F1 = {f1}" if f1 else where
    updated = _cns_date(present(cells.get("Date Entered/Updated")))
    note = (f"Record F1 = {f1}" if f1 else f"{where[0].upper()}{where[1:]}, which has no F1 record number") + \
        (f", entered/updated {updated}." if updated else ".")
    return {"_title": (f"{what} launch" if what else "Launch") + (f" from {site}" if site else "") + record,
            "_summary": summary, "_location": location, "_figures": figures or None, "_tags": tags,
            "_cited": [{"publisher": host_of(url), "title": url, "url": url,
                        "note": f"Cited by the {DATABASE}, {cited_by}."}
                       for url in source_urls(cell("Source(s)") or "")] or None,
            "_body": body, "_note": note,
            "_slug": slugify(f"{'cns-' + f1 if f1 else ''} {what or ''} {site or ''}") or None, "_notes": notes}


def mapping_for(category: str | None, actors: list[str], database_url: str | None, config):
    data = built_in("cns")
    database_url = database_url or DATABASE_URL
    if not is_http_url(database_url):
        raise UsageError(f"--database-url: {database_url!r} is not an http:// or https:// address")
    fields = data["fields"]
    fields["sources"][0]["url"] = {"value": database_url}
    if category:
        fields["category"] = {"value": category}
    if actors or "north-korea" not in config.actors:
        fields["actors"] = {"value": list(actors)}
    return parse(data, "the ready-made mapping cns")
