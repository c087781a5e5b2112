"""Load stage: find entry files, split YAML front matter from the Markdown body, keep line numbers."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .problems import Problem
# Listing the files lives in files.py (a no-change build needs it without YAML); found here by the rest.
from .files import SourceFile, display_path, leads_outside, list_files, outside_problem  # noqa: F401

if TYPE_CHECKING:
    from .translations import WordsVersion

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is ~6x faster


class FrontMatterLoader(_BaseLoader):
    """Safe YAML loader that leaves dates as text, so the model parses them once, with their precision
    and UTC offset intact (PyYAML would turn `2026-01-04` into a date but leave `2026-01-04T07:50+09:00`
    a string, and drop the offset of full timestamps)."""


FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

FENCE = "---"

# YAML aliases point at a value already built, so a "billion laughs" document loads in microseconds
# and holds a few hundred objects, but anything that walks it as a tree (validation, an error message
# quoting the value) meets billions. Without aliases a document cannot hold many more values than it
# has characters, so a document that expands beyond this is refused before anything walks it.
EXTRA_VALUES_ALLOWED = 10_000


@dataclass(frozen=True)
class RawEntry:
    """One content file after the load stage: its front matter (not yet validated) and body."""

    file: str  # path shown in messages, relative to the project
    front: dict[str, Any]
    front_text: str  # the YAML text, for finding the line of a field when a problem is reported
    body: str = ""
    body_line: int = 0  # line number of the first body line
    front_line: int = 2  # file line of the YAML's first line (after the opening '---')
    complete: bool = True  # False once `front` is cut down to a few fields (validate.slimmed)
    key: bytes = b""  # a digest of the file's name and text: what its checks are remembered by
    # Of a slimmed original, for checking its translations (validate.slimmed). Like `key`, it is made from the
    # text: a copy made with dataclasses.replace and another front or body must not keep it.
    words_version: WordsVersion | None = None

    def __post_init__(self):
        if not self.key:
            text = f"{self.file}\0{self.front_text}\0{self.body}"
            object.__setattr__(self, "key", hashlib.sha256(text.encode()).digest())

    def full_front(self) -> dict[str, Any]:
        """Every field, read again from the text if `front` was cut down."""
        if self.complete:
            return self.front
        return load_yaml(self.front_text, self.file, self.front_line)[0] or {}


def read_text(path: Path | str, shown: str) -> tuple[str | None, Problem | None]:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        return None, Problem(shown, 1, "", f"cannot read file: {error.strerror}")
    try:
        text = data.decode("utf-8-sig")  # a BOM is dropped, not an error
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, Problem(shown, line, "", f"not valid UTF-8 (at byte offset {error.start}); save the file as UTF-8")
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def parse_entry(text: str, shown: str) -> tuple[RawEntry | None, Problem | None]:
    """Split `---` front matter from the body and parse the YAML; report a problem with its line."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        return None, Problem(shown, 1, "", "no front matter: the file must start with a line '---', "
                             "then YAML fields, then another '---'")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].rstrip() in (FENCE, "..."))
    except StopIteration:
        return None, Problem(shown, 1, "", "front matter is not closed: add a line '---' after the YAML fields")
    front_text = "\n".join(lines[1:end])
    front, problem = load_yaml(front_text, shown, first_line=2)
    if problem:
        return None, problem
    if front is None:
        front = {}
    if not isinstance(front, dict):
        return None, Problem(shown, 2, "", "front matter must be a mapping of fields (name: value)")
    body = "\n".join(lines[end + 1:])
    return RawEntry(shown, front, front_text, body, end + 2), None


def load_yaml(text: str, shown: str, first_line: int) -> tuple[Any, Problem | None]:
    """Parse YAML text with the safe loader; anything it cannot make into plain data is a problem."""
    try:
        data = yaml.load(text, Loader=FrontMatterLoader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as error:
        return None, yaml_problem(error, shown, first_line)
    except yaml.YAMLError as error:
        return None, Problem(shown, first_line, "", f"malformed YAML: {type(error).__name__}")
    except RecursionError:  # the C parser stops at 1000 levels, the pure-Python one may not get that far
        return None, Problem(shown, first_line, "", "malformed YAML: nested too deeply")
    except Exception:  # noqa: BLE001 - PyYAML's constructors raise whatever they meet: int() refuses more
        # than 4300 digits, and explicit tags that do not fit their value (!!float '', !!bool x,
        # !!timestamp x) fail with IndexError, KeyError, AttributeError...
        return None, Problem(shown, first_line, "", "malformed YAML: a value that cannot be read (a number of "
                             "more than 4300 digits, or a !!tag that does not fit its value); put text in quotes")
    if _expands_beyond(data, EXTRA_VALUES_ALLOWED + 2 * len(text)):
        return None, Problem(shown, first_line, "", "YAML aliases (*name) expand to too many values; "
                             "write the values out instead of nesting aliases")
    return data, None


def _expands_beyond(data: Any, limit: int) -> bool:
    """Whether `data`, walked as a tree (each alias expanded, cycles followed), has more than `limit` values.
    Stops at the limit, so it takes at most `limit` steps whatever the document."""
    stack = [data]
    count = 0
    while stack:
        value = stack.pop()
        count += 1
        if count > limit:
            return True
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, (list, tuple, set)):
            stack.extend(value)
    return False


def yaml_problem(error: yaml.MarkedYAMLError, shown: str, first_line: int) -> Problem:
    """A YAML syntax error at the line where the parser gave up, naming where the open construct began."""
    mark = error.problem_mark or error.context_mark
    message = f"malformed YAML: {error.problem or error.context}"
    if error.context and error.context_mark and mark and error.context_mark.line != mark.line:
        message += f" ({error.context} that starts on line {first_line + error.context_mark.line})"
    return Problem(shown, first_line + (mark.line if mark else 0), "", message)


def load_folder(folder: Path, project: Path) -> tuple[list[RawEntry], list[Problem]]:
    """Every `*.md` under `folder`, parsed (the importers' way in; builds use build.Builder, which reuses
    what it parsed before)."""
    entries: list[RawEntry] = []
    problems: list[Problem] = []
    for source in list_files(folder, project):
        if source.outside:
            problems.append(outside_problem(source.shown, folder, project))
            continue
        text, problem = read_text(source.path, source.shown)
        if problem is None:
            entry, problem = parse_entry(text, source.shown)
            if entry is not None:
                entries.append(entry)
        if problem is not None:
            problems.append(problem)
    return entries, problems


def line_of(raw: RawEntry, loc: tuple[str | int, ...]) -> int:
    """The file line of the field at `loc` in the front matter.

    Only called when a problem is reported, so a valid build never composes the YAML twice.
    A missing field is reported at the line of the mapping that should hold it.
    """
    try:  # the C loader: the pure-Python one recurses per level and fails on deep (valid) nesting
        node = yaml.compose(raw.front_text, Loader=_BaseLoader)
    except (yaml.YAMLError, RecursionError):
        return raw.front_line
    line = 0 if node is None else node.start_mark.line
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == str(key)), None)  # key 1: "1"
            if match is None:
                break
            line = match[0].start_mark.line
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line
        else:
            break
    return raw.front_line + line


def load_yaml_file(path: Path, project: Path) -> tuple[RawEntry | None, Problem | None]:
    """A plain YAML file (the site config) as a RawEntry, so its problems get lines the same way."""
    shown = display_path(path, project)
    if not path.is_file():
        return None, Problem(shown, 1, "", "site config not found (run site-gen in the folder that holds it)")
    text, problem = read_text(path, shown)
    if problem:
        return None, problem
    data, problem = load_yaml(text, shown, first_line=1)
    if problem:
        return None, problem
    if not isinstance(data, dict):
        return None, Problem(shown, 1, "", "the site config must be a mapping of settings")
    return RawEntry(shown, data, text, front_line=1), None
