"""Translations of entries and pages: `<id>.<lang>.md` beside the original.

A translation holds only what the original says in words; the facts come from the original. It records
which version of the original's words it translates (`translated_from`, see `words_digest`), so a
changed original makes the translation stale rather than silently out of date.
"""
from __future__ import annotations

import hashlib
import json
import re
from typing import NamedTuple

# `<id>.<lang>.md`: ids never hold a dot, so a dotted name is never an entry of its own.
TRANSLATION_NAME = re.compile(r"(?P<id>[^.]+)\.(?P<lang>[a-z]{2,3}(?:-[A-Za-z0-9]+)*)\.md")


def translation_parts(file_name: str) -> tuple[str, str] | None:
    """(id, language) when `file_name` names a translation, else None."""
    found = TRANSLATION_NAME.fullmatch(file_name)
    return (found["id"], found["lang"]) if found else None


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _items(front: dict, key: str, fields: tuple[str, ...]) -> list[dict[str, str]]:
    items = front.get(key)
    if not isinstance(items, list):
        return []
    return [{f: _text(item.get(f)) if isinstance(item, dict) else "" for f in fields} for item in items]


def words(front: dict, body: str) -> dict:
    """What an original says in words: the part a translation renders, and so the part whose change
    makes a translation stale. Facts (dates, values, links, categories) are not in it."""
    location = front.get("location")
    return {
        "title": _text(front.get("title")),
        "summary": _text(front.get("summary")),
        "body": body.strip(),
        "location": ({"name": _text(location.get("name")), "note": _text(location.get("note"))}
                     if isinstance(location, dict) else None),
        "claims": _items(front, "claims", ("text", "by", "note")),
        "figures": _items(front, "figures", ("what", "unit", "by", "note")),
        "sources": _items(front, "sources", ("note",)),
    }


# The lists whose items a translation gives in the original's order, one for one.
LISTS = ("claims", "figures", "sources")


class WordsVersion(NamedTuple):
    """What a translation is checked against: the original's words_digest, and how many items each of its
    LISTS has. validate.slimmed keeps it, so checking 10,000 translations reads no original's YAML again."""

    digest: str
    counts: tuple[int, ...]  # in the order of LISTS


def words_version(front: dict, body: str) -> WordsVersion:
    return WordsVersion(words_digest(front, body),
                        tuple(len(items) if isinstance(items := front.get(name), list) else 0 for name in LISTS))


def words_digest(front: dict, body: str) -> str:
    """The version of an original's words: 12 hex digits of the SHA-256 of their canonical JSON."""
    canonical = json.dumps(words(front, body), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]
