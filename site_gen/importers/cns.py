"""The CNS North Korea Missile Test Database (.xlsx as published, or a .csv saved from it) → entries."""
from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

from ..problems import UsageError
from . import (Entry, InputError, Writer, check_choices, date_stem, host_of, is_http_url, parse_figure, present,
               slugify, text_of)

DATABASE = "CNS North Korea Missile Test Database"
PUBLISHER = "James Martin Center for Nonproliferation Studies (CNS) / Nuclear Threat Initiative"
DATABASE_URL = "https://www.nti.org/analysis/articles/cns-north-korea-missile-test-database/"
# The database writes dates several ways, depending on the year the row was entered.
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%m/%d/%Y", "%d-%b-%y", "%d-%b-%Y", "%B %d, %Y", "%b %d, %Y",
                "%b. %d, %Y")


def _header(row) -> dict[str, int] | None:
    names = [" ".join(str(cell).split()) if cell is not None else "" for cell in row]
    if "F1" in names and "Date" in names:
        return {name.lower(): i for i, name in enumerate(names) if name}
    return None


def _rows(table, first_line: int = 1):
    """(number, cells) from the header row on: the published sheet has title lines above it."""
    header = None
    for number, row in enumerate(table, first_line):
        if header is None:
            header = _header(row)
            continue
        if any(present(cell) is not None for cell in row):
            yield number, {name: (row[i] if i < len(row) else None) for name, i in header.items()}
    if header is None:
        raise InputError("no header row: expected a row with the columns F1, Date, Launch Time (UTC), "
                         "Missile Name, ... (the CNS North Korea Missile Test Database's)")


def read_rows(path: Path) -> list[tuple[str, dict]]:
    """[(where, {column name in lower case: cell})] of every non-empty row below the header."""
    if path.suffix.lower() in (".xlsx", ".xlsm") or zipfile.is_zipfile(path):
        import openpyxl  # noqa: PLC0415 - only this importer needs it
        from openpyxl.utils.exceptions import InvalidFileException  # noqa: PLC0415

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (OSError, zipfile.BadZipFile, KeyError, ValueError, InvalidFileException) as error:
            raise InputError(f"cannot open it as an Excel workbook: {error}") from None
        try:
            problem = None
            for sheet in book.worksheets:  # the data sheet is the one with the header row
                try:
                    return [(f"sheet {sheet.title!r} row {n}", cells) for n, cells in
                            _rows(sheet.iter_rows(values_only=True))]
                except InputError as error:
                    problem = error
            raise problem or InputError("the workbook has no sheets")
        finally:
            book.close()
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise InputError(f"cannot open it: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise InputError(f"neither an .xlsx workbook nor UTF-8 CSV text (byte {error.start}); "
                         "save it as CSV UTF-8 or .xlsx") from None
    try:
        return [(f"line {n}", cells) for n, cells in _rows(csv.reader(io.StringIO(text)))]
    except csv.Error as error:
        raise InputError(f"not readable as CSV: {error}") from None


def cns_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 < value < 100_000:
        return (datetime(1899, 12, 30) + timedelta(days=value)).date()  # an Excel serial day number
    text = str(value).strip()
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            pass
    raise ValueError(f"Date {text!r} not understood (expected e.g. 2017-11-29, 11/29/2017 or 29-Nov-17)")


def cns_time(value: object) -> time | None:
    """The launch time (UTC); None when unknown; ValueError when it is not a time."""
    value = present(value)
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    if isinstance(value, timedelta):  # openpyxl gives [h]:mm cells as durations
        value = value.total_seconds() / 86400
    if isinstance(value, float) and 0 <= value < 1:  # a fraction of a day, as Excel stores times
        seconds = round(value * 86400)
        return time(seconds // 3600, seconds // 60 % 60, seconds % 60)
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*(?:UTC|Z))?", str(value).strip(), re.I)
    if not match:
        raise ValueError(f"Launch Time (UTC) {value!r} not understood")
    return time(int(match[1]), int(match[2]), int(match[3] or 0))


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


def row_entry(where: str, row: dict, options: dict) -> Entry | str:
    """One database row → an Entry, or the reason it is skipped."""
    def cell(name: str) -> str | None:
        return text_of(row.get(name.lower()))

    f1 = cell("F1")
    if f1 is None:
        return "no F1 record number"
    if present(row.get("date")) is None:
        return "no Date"
    notes = []
    try:
        day = cns_date(row["date"])
    except ValueError as error:
        return str(error)
    try:
        launch = cns_time(row.get("launch time (utc)"))
    except ValueError as error:
        launch = None
        notes.append(f"{error}: imported with the date only")
    date_text = day.isoformat()
    if launch is not None:  # the database gives launch times in UTC
        date_text += f"T{launch:%H:%M}" + (f":{launch.second:02d}" if launch.second else "") + "Z"

    name, kind = cell("Missile Name"), cell("Missile Type")
    facility, place = cell("Facility Name"), cell("Facility Location")
    what = name or kind
    site = facility or place
    title = (f"{what} launch" if what else "Launch") + (f" from {site}" if site else "") + f" (CNS record {f1})"

    described = f"{name} ({kind})" if name and kind and name != kind else what
    summary = f"{described + ' launch' if described else 'Launch'}{' from ' + site if site else ''}, " \
              f"recorded in the {DATABASE}."
    outcome, status = cell("Test Outcome"), cell("Confirmation Status")
    summary += (f" Outcome: {outcome}." if outcome else "") + (f" Status: {status}." if status else "")

    front: dict = {"title": title, "date": date_text, "category": options["category"]}
    if options["actors"]:
        front["actors"] = list(options["actors"])
    if site:
        location: dict = {"name": f"{facility}, {place}" if facility and place and place != facility else site}
        lat, lon = _number(present(row.get("facility latitude"))), _number(present(row.get("facility longitude")))
        if lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180:
            location.update(lat=lat, lon=lon)
        front["location"] = location
    front["summary"] = summary
    tags = [slugify(kind)] if kind and slugify(kind) else []
    tags.append("cns-import")
    if outcome and outcome.lower().startswith("fail"):
        tags.append("failed-test")
    front["tags"] = tags

    lines = []  # the body: what the row says beyond the front matter, each only when present
    figures = []
    for column, what_figure in (("Apogee", "apogee"), ("Distance Travelled", "distance travelled")):
        value = present(row.get(column.lower()))
        if value is None:
            continue
        figure = parse_figure(value, what_figure, DATABASE)
        if figure:
            figures.append(figure)
        else:  # a range or a remark: kept word for word rather than guessed at
            lines.append(f"- {column}: {html.escape(str(value), quote=False)}")
            notes.append(f"{column} {value!r} is not one number with a unit: kept in the body")
    if figures:
        front["figures"] = figures
    for column in ("Landing Location", "Launch Agency/Authority", "Other Name"):
        if cell(column):
            lines.append(f"- {column}: {html.escape(cell(column), quote=False)}")

    cited = cell("Source(s)") or ""
    urls = source_urls(cited)
    if re.sub(r"https?://[^\s<>\"']+|[\s,;.]", "", cited):  # the cell also names sources in words
        lines.append(f"- Source(s) as given by CNS: {html.escape(cited, quote=False)}")
    updated = present(row.get("date entered/updated"))
    note = f"Record F1 = {f1}."
    try:
        note = f"Record F1 = {f1}, entered/updated {cns_date(updated).isoformat()}." if updated is not None else note
    except ValueError:
        pass
    front["sources"] = [{"publisher": PUBLISHER, "title": DATABASE, "url": options["database_url"],
                          "kind": "database", "note": note}]
    front["sources"] += [{"publisher": host_of(url), "title": url, "url": url,
                          "note": f"Cited by the {DATABASE}, record F1 = {f1}."} for url in urls]

    body = [html.escape(cell("Additional Information"), quote=False)] if cell("Additional Information") else []
    if lines:
        body.append("\n".join(lines))
    body.append(f"Imported from the {DATABASE}, record F1 = {f1}.")
    key = f"cns-{slugify(f1)}"
    stem = date_stem(date_text, slugify(f"{key} {what or ''} {site or ''}"))
    return Entry(where, stem, front, "\n\n".join(body), record_key=key, notes=notes)


def run(writer: Writer, path: Path, category: str | None, actors: list[str], database_url: str | None) -> None:
    config = writer.config
    category = category or "provocation"
    if not actors:
        actors = ["north-korea"] if "north-korea" in config.actors else []
    check_choices(config, category, actors)
    database_url = database_url or DATABASE_URL
    if not is_http_url(database_url):
        raise UsageError(f"--database-url: {database_url!r} is not an http:// or https:// address")
    rows = read_rows(path)  # read everything first: an unreadable file imports nothing
    options = {"category": category, "actors": actors, "database_url": database_url}
    for where, row in rows:
        f1 = text_of(row.get("f1"))
        where = f"{where} (F1 = {f1})" if f1 else where
        entry = row_entry(where, row, options)
        if isinstance(entry, str):
            writer.skip(where, entry)
        else:
            writer.write(entry)
