"""Mapping stage of `site-gen import`: the mapping YAML → a checked Mapping (which column fills which field).

Every problem is collected and reported at once, each naming the mapping file and the key.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from ..model import EventEntry
from ..problems import UsageError
from . import InputError

RULE_KEYS = {"column", "values", "default", "split", "format", "value", "template", "transform", "optional",
             "pattern", "year", "month", "day", "time"}
TRANSFORMS = ("plain", "first_sentence", "slug", "lower", "urls")
SETTINGS = {"records", "sheet", "delimiter", "header_row", "encoding", "timezone", "skip", "id", "record_key",
            "prepare", "fields", "reader", "merge", "translations"}
READERS = ("cns-json",)  # converters of a file that is not yet a table of events (pipeline.run)
FIELDS = (set(EventEntry.model_fields) - {"id"}) | {"body"}
OBJECT_FIELDS = {"location", "image", "sources", "figures", "claims"}
PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]+)\}")
BUILT_IN = ("_row", "_file", "_day")  # placeholders: the row's number, the file's name, the entry's day (id only)


class MappingError(UsageError):
    def __init__(self, problems: list[str]):
        super().__init__("the mapping has problems:\n  " + "\n  ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Rule:
    """How one field gets its value from a row: a column, a constant, a template, or date columns."""

    key: str  # where it is in the mapping, e.g. "fields.sources[0].url", for messages
    column: str | None = None
    values: dict | None = None
    default: object = None
    split: str | None = None
    formats: tuple[str, ...] = ()
    value: object = None
    template: tuple[str, ...] = ()  # parts; a part with an empty placeholder is left out
    transform: str | None = None
    optional: bool = False  # the column may be missing from the file
    pattern: re.Pattern | None = None  # named groups make each piece an object: "(?P<publisher>.*): ..."
    parts: dict[str, str] = field(default_factory=dict)  # date columns: year, month, day, time

    def columns(self) -> list[str]:
        names = [self.column] if self.column else []
        names += [self.parts["year"]] if "year" in self.parts else []  # month, day, time columns may be absent
        for part in self.template:
            names += [alt for m in PLACEHOLDER.finditer(part) if m[1] for alt in m[1].split("|")
                      if alt not in BUILT_IN]
        return names


@dataclass
class Mapping:
    path: str  # the file it came from, as shown in messages
    fields: dict  # field → Rule, dict of sub-field rules (location), or list of such dicts (sources)
    records: str | None = None
    sheet: str | None = None
    delimiter: str | None = None
    header_row: int | None = None
    encoding: str | None = None
    timezone: str | None = None
    skip: tuple[str, frozenset[str]] | None = None  # (column, cell values that mean "not an event")
    id: Rule | None = None
    record_key: Rule | None = None
    prepare: str | None = None
    optional: set[str] = field(default_factory=set)
    reader: str | None = None  # a converter that turns the file into a table first (cns-json)
    merge: dict | None = None  # {category, tags}: an existing entry of that day, category and tags gains the row
    translations: dict = field(default_factory=dict)  # language → Rule for a column holding its words


    def rules(self):
        """Every Rule, however deeply it sits."""
        def walk(spec):
            if isinstance(spec, Rule):
                yield spec
            elif isinstance(spec, dict):
                for sub in spec.values():
                    yield from walk(sub)
            elif isinstance(spec, list):
                for sub in spec:
                    yield from walk(sub)
        yield from walk([self.fields, self.id, self.record_key, self.translations])

    def check_columns(self, header: list[str], file_name: str, derived: set[str] = frozenset()) -> None:
        """A column the mapping names must exist (or be one a ready-made mapping's step adds)."""
        have = set(header) | set(derived)
        problems = []
        for rule in self.rules():
            for name in rule.columns():
                if name not in have and not (rule.optional or name in self.optional):
                    near = difflib.get_close_matches(name, header, 1)
                    problems.append(f"{self.path}: {rule.key}: no column {name!r} in {file_name}"
                                    + (f" (did you mean {near[0]!r}?)" if near else "")
                                    + f"; its columns: {', '.join(header) or 'none'}")
        if self.skip and self.skip[0] not in have and self.skip[0] not in self.optional:
            problems.append(f"{self.path}: skip.column: no column {self.skip[0]!r} in {file_name}; "
                            f"its columns: {', '.join(header)}")
        if problems:  # the file lacks what the mapping needs: a problem of the input, exit 1
            raise InputError("its columns do not match the mapping:\n  " + "\n  ".join(problems))


def _suggest(key: str, known) -> str:
    near = difflib.get_close_matches(key, sorted(known), 1)
    return f" (did you mean {near[0]!r}?)" if near else f" (known: {', '.join(sorted(known))})"


def _rule(spec: object, key: str, problems: list[str], objects: bool = False) -> Rule | dict | list | None:
    """A rule; where `objects` (location, image, sources, figures, claims), also an object of sub-field
    rules, or a list of them."""
    if isinstance(spec, str):
        return Rule(key, column=spec)
    if isinstance(spec, list) and objects:
        return [_rule(item, f"{key}[{i}]", problems, True) for i, item in enumerate(spec)]
    if not isinstance(spec, dict) or not spec:
        problems.append(f"{key}: give a column name, or a mapping such as {{column: NAME}}, {{value: ...}} "
                        "or {template: ...}")
        return None
    if objects and not set(spec) <= RULE_KEYS:  # sub-fields: location: {name: Place, lat: Lat, lon: Lon}
        return {name: _rule(sub, f"{key}.{name}", problems) for name, sub in spec.items()}
    unknown = set(spec) - RULE_KEYS
    for name in sorted(unknown):
        problems.append(f"{key}.{name}: unknown key{_suggest(name, RULE_KEYS)}")
    kinds = [k for k in ("column", "value", "template", "year") if k in spec]
    if len(kinds) != 1:
        problems.append(f"{key}: give exactly one of column, value, template or year (with month, day)")
    template = spec.get("template", ())
    template = (template,) if isinstance(template, str) else tuple(str(part) for part in template)
    formats = spec.get("format", ())
    formats = (formats,) if isinstance(formats, str) else tuple(formats)
    if spec.get("transform") is not None and spec["transform"] not in TRANSFORMS:
        problems.append(f"{key}.transform: unknown transform {spec['transform']!r} (known: {', '.join(TRANSFORMS)})")
    if "values" in spec and not isinstance(spec["values"], dict):
        problems.append(f"{key}.values: give a mapping of cell text to value")
    pattern = None
    if spec.get("pattern") is not None:
        try:
            pattern = re.compile(str(spec["pattern"]))
        except re.error as error:
            problems.append(f"{key}.pattern: not a regular expression: {error}")
    parts = {k: spec[k] for k in ("year", "month", "day", "time") if isinstance(spec.get(k), str)}
    if parts and "year" not in parts and not (set(parts) == {"time"} and "column" in spec):
        problems.append(f"{key}: month and day need year (a column name); time needs year or column")
    values = {str(k).strip().lower(): v for k, v in (spec.get("values") or {}).items()} \
        if isinstance(spec.get("values"), dict) else None
    return Rule(key, column=spec.get("column"), values=values, default=spec.get("default"),
                split=spec.get("split"), formats=formats, value=spec.get("value"), template=template,
                transform=spec.get("transform"), optional=bool(spec.get("optional")), pattern=pattern, parts=parts)


def parse(data: object, shown: str) -> Mapping:
    problems: list[str] = []
    if not isinstance(data, dict) or not isinstance(data.get("fields"), dict):
        raise MappingError([f"{shown}: expected a mapping with fields: (field: column, ...)"])
    for name in sorted(set(data) - SETTINGS):
        problems.append(f"{name}: unknown key{_suggest(name, SETTINGS)}")
    fields = {}
    for name, spec in data["fields"].items():
        if name not in FIELDS:
            problems.append(f"fields.{name}: not an entry field{_suggest(name, FIELDS)}")
        fields[name] = _rule(spec, f"fields.{name}", problems, name in OBJECT_FIELDS)
    for required in ("title", "date"):
        if required not in fields:
            problems.append(f"fields.{required}: missing (every entry needs a {required})")
    zone = data.get("timezone")
    if zone is not None:
        try:
            ZoneInfo(str(zone))
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(f"timezone: {zone!r} is not an IANA time zone name such as UTC or Asia/Seoul")
    skip = data.get("skip")
    if skip is not None and not (isinstance(skip, dict) and isinstance(skip.get("column"), str)
                                 and isinstance(skip.get("values"), list)):
        problems.append("skip: give {column: NAME, values: [cell text, ...]}")
        skip = None
    delimiter = data.get("delimiter")
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        problems.append(f"delimiter: {delimiter!r} is not one character")
    header_row = data.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
        problems.append(f"header_row: {header_row!r} is not a row number (1 is the first)")
    reader = data.get("reader")
    if reader is not None and reader not in READERS:
        problems.append(f"reader: unknown reader {reader!r} (known: {', '.join(READERS)})")
    merge = data.get("merge")
    if merge is not None and not (isinstance(merge, dict) and set(merge) <= {"category", "tags"}
                                  and isinstance(merge.get("category"), str)
                                  and isinstance(merge.get("tags", []), list)):
        problems.append("merge: give {category: SLUG, tags: [SLUG, ...]}")
        merge = None
    translations = data.get("translations") or {}
    if not isinstance(translations, dict):
        problems.append("translations: give {LANGUAGE: COLUMN, ...}")
        translations = {}
    mapping = Mapping(shown, fields, records=data.get("records"), sheet=data.get("sheet"), delimiter=delimiter,
                      header_row=header_row, encoding=data.get("encoding"), timezone=zone,
                      skip=(skip["column"], frozenset(str(v).strip().lower() for v in skip["values"]))
                      if skip else None,
                      id=_rule(data["id"], "id", problems) if "id" in data else None,
                      record_key=_rule(data["record_key"], "record_key", problems) if "record_key" in data else None,
                      prepare=data.get("prepare"), reader=reader, merge=merge,
                      translations={str(lang): _rule(spec, f"translations.{lang}", problems)
                                    for lang, spec in translations.items()})
    if problems:
        raise MappingError([p if p.startswith(shown) else f"{shown}: {p}" for p in problems])
    return mapping


def load(path: Path) -> Mapping:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise UsageError(f"--map {path}: cannot open it: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise MappingError([f"{path}: not UTF-8 text (byte {error.start})"]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise MappingError([f"{path}: not valid YAML{where}: {getattr(error, 'problem', None) or error}"]) from None
    return parse(data, str(path))


def built_in(name: str) -> dict:
    """A ready-made mapping shipped with site-gen (site_gen/importers/mappings/NAME.yaml), as data."""
    text = resources.files(__package__).joinpath("mappings", f"{name}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)
