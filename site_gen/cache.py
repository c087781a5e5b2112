"""What a build remembers between runs: one kind of memo, with one policy.

A memo maps a key made from content (a digest of a file's text, never a time alone) to what a stage made
of it. Each build marks the keys it uses; what it did not use is neither saved for the next build nor,
in a long preview session, kept in memory. The build cache on disk (manifest.Stored) holds the memos a
build used.
"""
from __future__ import annotations


class Memo(dict):
    """A dict that remembers which of its keys the current build used."""

    def __init__(self):
        super().__init__()
        self.used: set = set()

    def kept(self) -> dict:
        """What the current build used: the part worth saving."""
        return {key: self[key] for key in self.used if key in self}

    def forget_unused(self) -> None:
        for key in [key for key in self if key not in self.used]:
            del self[key]


class Cache:
    """The memos of the read, validate and convert stages, by name:

    seen     file -> (its status, digest of its text): a file whose status is unchanged is not read again
    parsed   (file, digest of its text) -> entries.Parsed
    checked  RawEntry.key (file and text) -> the field checks' result
    html     (trusted, digest of the Markdown) -> HTML
    """

    NAMES = ("seen", "parsed", "checked", "html")

    def __init__(self):
        self.seen, self.parsed, self.checked, self.html = (Memo() for _ in self.NAMES)

    def memos(self) -> dict[str, Memo]:
        return {name: getattr(self, name) for name in self.NAMES}

    def start(self) -> None:
        """A new build: nothing used yet."""
        for memo in self.memos().values():
            memo.used.clear()

    def remembered(self) -> dict:
        """What this build read, checked and converted, for the next build (only what it used)."""
        return {name: memo.kept() for name, memo in self.memos().items()}

    def remember(self, state: dict) -> None:
        for name, memo in self.memos().items():
            memo.update(state.get(name, {}))

    def forget_unused(self) -> None:
        """Drop what the last build did not use, so a long preview session does not grow without end."""
        for memo in self.memos().values():
            memo.forget_unused()
