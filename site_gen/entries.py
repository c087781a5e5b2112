"""The read and convert stages for one content file: its text parsed (with the digests later stages key
their memos by), and its Markdown body converted. Used by the build and by its forked workers."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from . import content
from .markup import MarkdownRenderer, MarkupError
from .problems import Problem


@dataclass(frozen=True)
class Parsed:
    """One content file after the read stage, with the digests later stages use as cache keys."""

    raw: content.RawEntry | None
    problem: Problem | None
    front_key: bytes = b""  # digest of the file's name and front matter
    body_key: bytes = b""  # digest of its Markdown body


def digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def key(*parts: str) -> bytes:
    """A digest as bytes: fingerprints join thousands of these."""
    return hashlib.sha256("\0".join(parts).encode()).digest()


def parse(text: str, shown: str) -> Parsed:
    raw, problem = content.parse_entry(text, shown)
    return Parsed(raw, problem, *((key(raw.file, raw.front_text), key(raw.body)) if raw else ()))


def read_and_parse(path: str, shown: str, text: str | None = None) -> tuple[str | None, Parsed]:
    """(digest of the text, Parsed), the file read unless its text is given; (None, Parsed with the
    problem) when it cannot be read."""
    if text is None:
        text, problem = content.read_text(path, shown)
        if problem:
            return None, Parsed(None, problem)
    return digest(text), parse(text, shown)


def convert(to_html: MarkdownRenderer, text: str) -> tuple[str, str]:
    """(HTML, "") or ("", why the body cannot be converted)."""
    try:
        return to_html(text), ""
    except MarkupError as error:
        return "", str(error)


def folder_digest(folder: Path) -> list[str]:
    """Names and contents of every template: a template edit may change any page."""
    return [f"{p.relative_to(folder)}\0{p.read_bytes().hex()}" for p in sorted(folder.rglob("*")) if p.is_file()]


def copied_files(folder: Path, prefix: str) -> dict[str, bytes]:
    """Files copied as they are: the stylesheet and scripts, and the pictures entries show."""
    files = {}
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                files[prefix + path.relative_to(folder).as_posix()] = path.read_bytes()
    return files
