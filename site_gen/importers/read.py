"""Read stage of `site-gen import`: a file → a header and numbered rows, whatever its format and encoding.

Delimited text (CSV, TSV, `;` or `|`), `.xlsx` workbooks and JSON (an array of records, or records at a
dotted path) all come out as the same Table, so one mapper and one writer serve every format.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from . import InputError

DELIMITERS = (",", ";", "\t", "|")
# What detection chooses among when a file is not UTF-8 (nor has a BOM). Limiting it to the encodings
# spreadsheets are really saved in keeps close cousins out: unrestricted, charset-normalizer names Mac
# Roman text "mac_iceland" and cp1252 text "cp1250", which decode some letters differently.
LEGACY = ("cp1252", "mac_roman", "cp949", "cp932", "gb18030", "big5", "cp1251")
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass
class Row:
    number: int  # the line (CSV), sheet row (xlsx) or record (JSON) it starts at, counted from 1
    where: str  # "row 5", "sheet 'Data' row 4", "record 3": how the report names it
    cells: dict[str, object]


@dataclass
class Table:
    header: list[str]
    rows: list[Row]
    described: str  # "CSV, delimiter ';', encoding mac_roman (detected)": what the report says was read
    notes: list[str] = field(default_factory=list)
    document: object = None  # JSON: the whole document, for what sits beside the records (a title)
    owns: str | None = None  # a reader's: the pattern of the ids its rows make (to name those no row makes now)


@dataclass
class Options:
    encoding: str | None = None  # --encoding: overrides detection
    records: str | None = None  # JSON: dotted path to the list of records
    sheet: str | None = None  # xlsx: the sheet's name
    delimiter: str | None = None
    header_row: int | None = None  # the header's row number; by default found (see find_header)
    wanted: frozenset[str] = frozenset()  # the columns the mapping names, which help find the header row


def decode(data: bytes, encoding: str | None) -> tuple[str, str, list[str]]:
    """(text, how its encoding was chosen, notes): the override, a BOM, strict UTF-8, then detection."""
    if encoding:
        try:
            return data.decode(encoding), f"encoding {encoding} (given)", []
        except LookupError:
            raise InputError(f"--encoding {encoding!r} is not an encoding Python knows") from None
        except UnicodeDecodeError as error:
            raise InputError(f"not {encoding} text: byte {error.start} cannot be read as {encoding}") from None
    for bom, name in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), f"encoding {name.removesuffix('-sig')} (byte order mark)", []
            except UnicodeDecodeError as error:
                raise InputError(f"starts with a {name} byte order mark but byte {error.start} is not "
                                 f"{name}") from None
    try:
        return data.decode("utf-8"), "encoding utf-8", []
    except UnicodeDecodeError:
        pass
    import charset_normalizer  # noqa: PLC0415 - only files that are not UTF-8 need it

    results = list(charset_normalizer.from_bytes(data, cp_isolation=list(LEGACY)))
    if not results:
        raise InputError(f"its encoding could not be told (not UTF-8, nor one of {', '.join(LEGACY)}): "
                         "give it with --encoding")
    best = results[0]
    text = str(best)
    notes = []
    rivals = [r.encoding for r in results[1:] if r.chaos <= best.chaos and str(r) != text]
    if rivals:  # equally plausible readings that differ: say so rather than choose silently
        notes.append(f"the text reads equally well as {', '.join(rivals)}; if letters look wrong, give "
                     "--encoding")
    return text, f"encoding {best.encoding} (detected, {1 - best.chaos:.0%} clean)", notes


def read_table(path: Path, options: Options) -> Table:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot open it: {error.strerror}") from None
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm") or data.startswith(b"PK\x03\x04"):
        return _xlsx(path, options)
    if b"\x00" in data and not options.encoding and not any(data.startswith(bom) for bom, _ in BOMS):
        raise InputError("not a text file (it holds NUL bytes): expected CSV, TSV, JSON or an .xlsx workbook")
    text, how, notes = decode(data, options.encoding)
    if suffix == ".json" or (suffix not in (".csv", ".tsv", ".txt") and text.lstrip()[:1] in ("{", "[")):
        table = _json(text, options)
    else:
        table = _delimited(text, options, tab=suffix == ".tsv")
    table.described += f", {how}"
    table.notes += notes
    return table


# ---------------------------------------------------------------- delimited text

def _sniff(text: str) -> str:
    """The delimiter that splits the first line that is not blank into the most cells (',' on a tie)."""
    first = next((line for line in io.StringIO(text, newline=None) if line.strip()), "")
    counts = {d: len(next(csv.reader([first], delimiter=d), [])) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))


def _delimited(text: str, options: Options, tab: bool) -> Table:
    delimiter = options.delimiter or ("\t" if tab else _sniff(text))
    # newline="": the csv module sees CR, LF and CRLF line ends as written, and quoted cells keep theirs.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    numbered = []
    try:  # numbered as a spreadsheet shows them: a quoted cell's line breaks do not start rows
        for number, cells in enumerate(reader, 1):
            numbered.append((number, cells))
    except csv.Error as error:
        raise InputError(f"line {reader.line_num + 1}: not readable as delimited text ({error})") from None
    shown = {"\t": "tab"}.get(delimiter, repr(delimiter))
    return _tabulate(numbered, options, "row", f"delimited text (delimiter {shown})")


def find_header(rows: list[tuple[int, list]], options: Options) -> int:
    """Index of the header row: the given one, else the first row holding every column the mapping
    names (sheets often have a title above), else the first row that is not blank."""
    if options.header_row is not None:
        for index, (number, _) in enumerate(rows):
            if number == options.header_row:
                return index
        raise InputError(f"header_row {options.header_row}: the file has no such row")
    filled = [i for i, (_, cells) in enumerate(rows) if any(_text(c) for c in cells)]
    if not filled:
        raise InputError("no header row: the file is empty")
    for index in filled[:50]:
        names = {_text(c) for c in rows[index][1]}
        if options.wanted and options.wanted <= names:
            return index
    return filled[0]


def _text(cell: object) -> str:
    return "" if cell is None else " ".join(str(cell).split())


def _tabulate(rows: list[tuple[int, list]], options: Options, unit: str, described: str) -> Table:
    """Header + rows as dicts; blank rows and empty trailing columns left out, rows with cells beyond
    the header kept with those cells under 'column N' (the mapping check then names them)."""
    at = find_header(rows, options)
    header = [_text(c) for c in rows[at][1]]
    while header and not header[-1]:
        header.pop()
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        name = name or f"column {i + 1}"
        seen[name] = seen.get(name, 0) + 1
        header[i] = name if seen[name] == 1 else f"{name} ({seen[name]})"
    table = Table(header, [], described)
    for number, cells in rows[at + 1:]:
        if not any(_text(c) for c in cells):
            continue  # a blank row
        values = dict(zip(header, cells))
        for extra, cell in enumerate(cells[len(header):], len(header) + 1):
            if _text(cell):
                values[f"column {extra}"] = cell
        table.rows.append(Row(number, f"{unit} {number}", values))
    return table


# ---------------------------------------------------------------- workbooks

def _xlsx(path: Path, options: Options) -> Table:
    import openpyxl  # noqa: PLC0415
    from openpyxl.utils.exceptions import InvalidFileException  # noqa: PLC0415

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, InvalidFileException) as error:
        raise InputError(f"cannot open it as an Excel workbook: {error}") from None
    try:
        sheets = book.worksheets
        if options.sheet is not None:
            sheets = [s for s in sheets if s.title == options.sheet]
            if not sheets:
                raise InputError(f"sheet {options.sheet!r} not found (the workbook has: "
                                 f"{', '.join(repr(s.title) for s in book.worksheets)})")
        tables = []
        for sheet in sheets:  # the data sheet is the first whose header holds the mapping's columns
            rows = list(enumerate(sheet.iter_rows(values_only=True), 1))
            if not any(any(_text(c) for c in cells) for _, cells in rows):
                continue
            table = _tabulate([(n, list(cells)) for n, cells in rows], options, f"sheet {sheet.title!r} row",
                              f"Excel workbook (sheet {sheet.title!r})")
            if not options.wanted or options.wanted <= set(table.header):
                return table
            tables.append(table)
        if not tables:
            raise InputError("the workbook has no sheet with data")
        return tables[0]
    finally:
        book.close()


# ---------------------------------------------------------------- JSON

def flatten(record: dict, prefix: str = "") -> dict[str, object]:
    """{"text": {"headline": "x"}} → {"text.headline": "x"}: nested fields are columns with dotted names.
    Lists stay whole (a list of tags, of sources)."""
    flat: dict[str, object] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def find_records(data: object, keys: list[str], path: str) -> list:
    """The records at a dotted path; `name[]` goes into every item of a list (`timeBins[].data`: the
    records of every bin, in order)."""
    if not keys:
        if not isinstance(data, list):
            raise InputError(f"expected a list of records {'at ' + repr(path) if path else 'at the top'} "
                             "(give records: PATH in the mapping)")
        return data
    key, each = keys[0].removesuffix("[]"), keys[0].endswith("[]")
    if not isinstance(data, dict) or key not in data:
        raise InputError(f"records: {path!r} not found in the JSON (at {key!r}; the object has: "
                         f"{', '.join(data) if isinstance(data, dict) else 'no fields'})")
    if not each:
        return find_records(data[key], keys[1:], path)
    if not isinstance(data[key], list):
        raise InputError(f"records: {path!r}: {key!r} is not a list")
    return [record for item in data[key] for record in find_records(item, keys[1:], path)]


def _json(text: str, options: Options) -> Table:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})") from None
    path = options.records or ""
    records = find_records(data, [k for k in path.split(".") if k], path)
    header: dict[str, None] = {}
    rows = []
    for number, record in enumerate(records, 1):
        cells = flatten(record) if isinstance(record, dict) else {"column 1": record}
        header.update(dict.fromkeys(cells))
        rows.append(Row(number, f"record {number}", cells))
    return Table(list(header), rows, "JSON" + (f" (records at {path!r})" if path else ""), document=data)
