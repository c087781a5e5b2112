"""An imported row that an editor's entry already covers: the entry stays, and gains the row's figures and
sources, appended as text in the file's own style (flow `- {...}` items or block items), so nothing the
editors wrote is laid out again. Its translations gain the matching figure and source items, and a
translation that was current before stays current (its `translated_from` re-stamped).

Items the import appended are known again by their `by` (figures) and `url` (sources), so a second
run finds them, replaces them when the database changed, and otherwise changes nothing.
"""
from __future__ import annotations

import json
import re

import yaml

from ..content import FrontMatterLoader
from ..translations import words_digest

TOP_KEY = re.compile(r"[A-Za-z_][\w-]*:")
# Where a missing list goes: before the first of these keys the entry has (else at the end).
BEFORE = {"figures": ("claims", "responds_to", "sources", "image", "draft"), "sources": ("image", "draft")}


def split(text: str) -> tuple[list[str], str]:
    """(front matter lines, the rest from the closing '---' on)."""
    if not text.startswith("---\n"):
        raise ValueError("no front matter")
    end = text.index("\n---\n", 3)
    return text[4:end].split("\n"), text[end + 1:]


def parse(text: str) -> tuple[dict, str]:
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front) or {}, body


def digest(text: str) -> str:
    return words_digest(*parse(text))


def scalar(value: object, flow: bool) -> str:
    """A YAML scalar: plain where it reads back as the same text in its place, else double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    try:
        # read as the site reads front matter (dates stay text, as the editors write them: date: 2026-01-04)
        plain = text == text.strip() and yaml.load(f"{{k: {text}}}" if flow else f"k: {text}",
                                                   Loader=FrontMatterLoader) == {"k": text}  # noqa: S506
    except yaml.YAMLError:
        plain = False
    return text if plain else json.dumps(text, ensure_ascii=False)  # JSON strings are YAML double-quoted


def item_lines(item: dict, indent: str, flow: bool) -> list[str]:
    pairs = [f"{key}: {scalar(value, flow)}" for key, value in item.items()]
    lines = [f"{indent}- {{{', '.join(pairs)}}}"] if flow else \
        [f"{indent}{'- ' if i == 0 else '  '}{pair}" for i, pair in enumerate(pairs)]
    assert yaml.load("\n".join(line[len(indent):] for line in lines), Loader=FrontMatterLoader) == [item]  # noqa: S506
    return lines


def _list(lines: list[str], key: str) -> tuple[int | None, list[tuple[int, int]], int]:
    """(the key's line, each item's (first, end) lines, the line after the list)."""
    at = next((i for i, line in enumerate(lines) if line == f"{key}:" or line.startswith(f"{key}: ")), None)
    if at is None:
        return None, [], len(lines)
    end = at + 1
    while end < len(lines) and not TOP_KEY.match(lines[end]):
        end += 1
    while end > at + 1 and not lines[end - 1].strip():
        end -= 1
    starts = [i for i in range(at + 1, end) if re.match(r"\s*- ", lines[i])]
    if starts:
        indent = len(lines[starts[0]]) - len(lines[starts[0]].lstrip())
        starts = [i for i in starts if len(lines[i]) - len(lines[i].lstrip()) == indent]
    return at, [(s, e) for s, e in zip(starts, starts[1:] + [end])], end


def _flow(lines: list[str], span: tuple[int, int]) -> bool:
    """Whether an item is written in flow style on one line: `  - {what: range, ...}`."""
    return span[1] - span[0] == 1 and lines[span[0]].lstrip().startswith("- {")


def _item(lines: list[str], span: tuple[int, int]) -> dict:
    first = lines[span[0]]
    indent = len(first) - len(first.lstrip())
    loaded = yaml.safe_load("\n".join(line[indent:] for line in lines[span[0]:span[1]]))
    return loaded[0] if isinstance(loaded, list) and loaded and isinstance(loaded[0], dict) else {}


def replace_items(lines: list[str], key: str, ours, new: list[dict]) -> list[str]:
    """The front matter lines with the list `key`'s items for which ours(item) holds taken out, and `new`
    appended in the style of the items already there."""
    at, spans, end = _list(lines, key)
    if at is None:
        if not new:
            return lines
        before = next((i for i, line in enumerate(lines) for name in BEFORE[key]
                       if line.startswith(f"{name}:")), len(lines))
        return lines[:before] + [f"{key}:"] + item_lines_all(new, "  ", True) + lines[before:]
    kept = [span for span in spans if not ours(_item(lines, span))]
    if spans:
        first = lines[spans[0][0]]
        indent = first[:len(first) - len(first.lstrip())]
        flow = _flow(lines, spans[-1])  # as the last item is written
    else:
        indent, flow = "  ", True
    head = lines[at] if lines[at] == f"{key}:" else f"{key}:"  # `figures: []` opens as a list
    body = [line for s, e in kept for line in lines[s:e]]
    if not kept and not new:
        return lines[:at] + ([head] if head == lines[at] else [lines[at]]) + lines[end:]
    return lines[:at] + [head] + body + item_lines_all(new, indent, flow) + lines[end:]


def item_lines_all(items: list[dict], indent: str, flow: bool) -> list[str]:
    return [line for item in items for line in item_lines(item, indent, flow)]


def with_items(text: str, figures: list[dict], sources: list[dict], figure_by: set, source_urls: set) -> str:
    """The entry's text with the import's figures and sources (recognised by `by` and `url`) replaced by
    these."""
    lines, rest = split(text)
    lines = replace_items(lines, "figures", lambda item: item.get("by") in figure_by, figures)
    lines = replace_items(lines, "sources", lambda item: item.get("url") in source_urls, sources)
    return "---\n" + "\n".join(lines) + "\n" + rest


def without_items(text: str, figure_by: set, source_urls: set) -> str:
    return with_items(text, [], [], figure_by, source_urls)


def translation(text: str, original_before: str, original_after: str, figures: list[dict],
                sources: list[dict], figure_by: set, source_urls: set) -> str:
    """A translation's text for the merged original: where it lists figures or sources item for item as
    the original did without the import's items, it gains the matching items; `translated_from` moves to
    the new original only when it named the original without the import's items (it was current)."""
    base = without_items(original_after, figure_by, source_urls)
    base_front, _ = parse(base)
    front, _ = parse(text)
    lines, rest = split(text)
    for key, new in (("figures", figures), ("sources", sources)):
        have = front.get(key)
        count = len(base_front.get(key) or [])
        if isinstance(have, list) and len(have) == count:
            at, spans, end = _list(lines, key)
            first = lines[spans[0][0]] if spans else "  - "
            indent = first[:len(first) - len(first.lstrip())]
            flow = _flow(lines, spans[-1]) if spans else True
            lines = lines[:end] + item_lines_all(new, indent, flow) + lines[end:]
    stamp = str(front.get("translated_from", ""))
    if stamp in (digest(base), digest(original_before)) and stamp != digest(original_after):
        lines = [re.sub(r"^(translated_from:\s*['\"]?)[0-9a-f]+", lambda m: m[1] + digest(original_after), line)
                 if line.startswith("translated_from:") else line for line in lines]
    return "---\n" + "\n".join(lines) + "\n" + rest
