"""`site-gen import`, all formats: read the file → check the mapping against its header → convert each
row → write (or reject) each entry → report. The ready-made mappings (timelinejs, cns) run through here."""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from .. import content
from . import Writer
from .convert import Context, Rejected, Skipped, convert
from .mapping import Mapping, MappingError
from .read import Options, read_table


def step(name: str | None) -> tuple[Callable | None, frozenset[str]]:
    """A ready-made mapping's step, by the name its `prepare:` key gives, and the columns it adds."""
    if name is None:
        return None, frozenset()
    from . import cns, timelinejs  # noqa: PLC0415

    steps = {"cns": (cns.prepare, cns.DERIVED), "timelinejs": (timelinejs.prepare, timelinejs.DERIVED)}
    if name not in steps:
        raise MappingError([f"prepare: unknown step {name!r} (known: {', '.join(steps)})"])
    return steps[name]


def run(writer: Writer, path: Path, mapping: Mapping, encoding: str | None = None,
        options: dict | None = None, data_zone: timezone | None = None) -> None:
    """Import every row of `path`; `options` are those of a ready-made mapping's step."""
    prepare, derived = step(mapping.prepare)
    wanted = frozenset(name for rule in mapping.rules() if not rule.optional for name in rule.columns()
                       if name not in derived and name not in mapping.optional)
    if mapping.reader:  # a file that is not yet a table of events: its converter makes the rows
        from . import cns_json  # noqa: PLC0415

        table = {"cns-json": cns_json.read}[mapping.reader](path)
    else:
        table = read_table(path, Options(encoding or mapping.encoding, mapping.records, mapping.sheet,
                                         mapping.delimiter, mapping.header_row, wanted))
    mapping.check_columns(table.header, path.name, derived)
    print(f"Reading {path.name}: {table.described}; {len(table.rows)} data row{'s' * (len(table.rows) != 1)}")
    for note in table.notes:
        print(f"  note: {note}")
    site_zone = ZoneInfo(writer.config.timezone)
    zone = data_zone or (ZoneInfo(mapping.timezone) if mapping.timezone else site_zone)
    options = {"category": next(iter(writer.config.categories)), **(options or {}), "writer": writer}
    ctx = Context(path.name, site_zone, zone, prepare, options, table)
    converted = []
    for row in table.rows:
        try:
            converted.append(convert(row, mapping, ctx))
        except (Rejected, Skipped) as error:
            converted.append(error)
    writer.planned = {entry.stem for entry in converted if not isinstance(entry, Exception)}
    covered: dict[Path, list] = {}  # an editor's entry → the rows it covers (mapping's merge)
    if mapping.merge:
        writer.merging = True
        for entry in converted:
            cover = None if isinstance(entry, Exception) else writer.cover(entry, mapping.merge)
            if cover is not None:
                covered.setdefault(cover, []).append(entry)
    merged = {id(entry): path for path, entries in covered.items() for entry in entries}
    for row, entry in zip(table.rows, converted):  # in file order, so suffixes are the same every time
        if id(entry) in merged:
            if covered[merged[id(entry)]][0] is entry:  # all the rows an entry covers merge at once
                writer.merge(merged[id(entry)], covered[merged[id(entry)]])
            continue
        if isinstance(entry, Rejected):
            writer.reject(row.where, str(entry))
        elif isinstance(entry, Skipped):
            writer.skip(row.where, str(entry))
        else:
            writer.write(entry)
    writer.warn_duplicates()
    if table.owns:  # a launch the database dropped or corrected: its old file is named, never deleted
        for stem in sorted(writer.existing):
            if re.fullmatch(table.owns, stem) and stem not in writer.planned:
                print(f"warning: {content.display_path(writer.existing[stem], writer.project.root)} was made by "
                      "an earlier import of this file, but no row makes it now (remove it and its translations "
                      "if the launch was dropped or corrected)")
