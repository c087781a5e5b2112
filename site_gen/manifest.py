"""What the last build read and wrote, so a build can tell in milliseconds that nothing has changed.

Kept in .cache/site-gen/manifest.pickle, apart from the build cache (which holds every entry parsed
and converted, and takes seconds to load at 10,000 entries): a build whose inputs and output are as the
manifest says stops there. Inputs are compared by content: a file's status (mtime, size, inode, ctime)
only spares reading it again, and a status younger than RACY_NS is not trusted at all.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import time
from pathlib import Path

from . import __version__
from .files import list_files, signature, translation_sources

# A file changed less than this long before it was looked at may change again within the same tick of
# the file system's clock, keeping its status: such a status is not trusted, and the bytes are read again.
RACY_NS = 2_000_000_000


def code_version() -> str:
    """Any change to site-gen (an upgrade, or an edit to its code or data) makes every cache another version's."""
    package = Path(__file__).parent
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def trusted(status: tuple | None, now_ns: int) -> bool:
    """Whether an unchanged status proves unchanged bytes: not for a file changed within RACY_NS of `now_ns`."""
    return status is not None and max(status[0], status[3]) < now_ns - RACY_NS


def status_of(path: str | Path) -> tuple | None:
    try:
        return signature(os.stat(path))
    except OSError:
        return None


def read_inputs(root: Path, previous: dict[str, tuple]) -> dict[str, tuple]:
    """Every file a build reads (config, entries, pages, media, templates and static files) as
    {path: (status, digest of its bytes)}. Files whose trusted status is the one in `previous` are not read."""
    now = time.time_ns()
    content = root / "content"
    sources = [(str(root / "site.yaml"), "site.yaml", status_of(root / "site.yaml"), False)]
    for folder, suffix in ((content / "events", ".md"), (content / "pages", ".md"), (content / "media", ""),
                           (root / "templates", "")):
        sources += [(s.path, s.shown, s.signature, s.outside) for s in list_files(folder, root, suffix)]
    for folder in (content / "events", content / "pages"):  # translations, which list_files skips
        sources += [(s.path, s.shown, s.signature, s.outside) for s in translation_sources(folder, root)]
    inputs = {}
    for path, shown, status, outside in sources:
        known = previous.get(shown)
        if outside or status is None:
            inputs[shown] = (None, None)  # a link out, or no file: the build reports it; never read here
        elif known and known[0] == status and trusted(status, now):
            inputs[shown] = known
        else:
            try:
                with open(path, "rb") as handle:
                    inputs[shown] = (status if trusted(status, now) else None,
                                     hashlib.sha256(handle.read()).digest())
            except OSError:
                inputs[shown] = (None, None)
    return inputs


def output_status(output: Path) -> dict[str, tuple[int, int]]:
    """{path: (size, mtime)} of every file in the output folder, to notice one changed or removed."""
    found = {}
    stack = [(str(output), "")]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as listing:
            for entry in listing:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, f"{prefix}{entry.name}/"))
                else:
                    status = entry.stat(follow_symlinks=False)
                    found[prefix + entry.name] = (status.st_size, status.st_mtime_ns)
    return found


PART = 500  # items of a memo pickled together (see Stored.write)


class Stored:
    """A dict kept in .cache/site-gen/<name>.pickle (git-ignored), good only for the site-gen code that
    wrote it: parsed entries and checked models are kept as objects, so any change to site-gen (an
    upgrade, or an edit) makes it another version's, and it is not used."""

    def __init__(self, root: Path, name: str, version: str):
        self.path = root / ".cache" / "site-gen" / f"{name}.pickle"
        self.version = version

    def read(self) -> dict:
        try:
            with self.path.open("rb") as handle:
                if pickle.load(handle) != self.version:
                    return {}  # another version's objects: not even unpickled
                state: dict = {}
                while (record := pickle.load(handle)) is not None:
                    name, value, part = record
                    if part:
                        state.setdefault(name, {}).update(value)
                    else:
                        state[name] = value
                return state
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
            return {}  # none yet, or unreadable: build as if there were none

    def write(self, state: dict) -> None:
        """Written as a series of pickles of a few hundred items each: one pickle of everything remembers
        every object it wrote, which at 10,000 entries took ~70 MB more memory than the build itself.
        An object shared between parts is written once in each, so memos must not share big ones
        (checks are remembered by a digest of the text, not by the text)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(f".{os.getpid()}.tmp")  # two builds at once do not mix their files
        with temporary.open("wb") as handle:
            def put(record) -> None:
                pickle.dump(record, handle, protocol=pickle.HIGHEST_PROTOCOL)

            put(self.version)
            for name, value in state.items():
                if isinstance(value, dict) and value:
                    items = list(value.items())
                    for start in range(0, len(items), PART):
                        put((name, dict(items[start:start + PART]), True))
                else:
                    put((name, value, False))
            put(None)
        os.replace(temporary, self.path)


def unchanged(previous: dict, options: tuple, inputs: dict, output: Path) -> bool:
    """Whether the last build had these options and inputs, every input could be read, and its output
    is still there as it left it."""
    if not previous or previous.get("options") != options or any(d is None for _, d in inputs.values()):
        return False
    before = previous.get("inputs", {})
    if before.keys() != inputs.keys() or any(before[path][1] != digest for path, (_, digest) in inputs.items()):
        return False  # compared by content: a file saved again unchanged (or touched) is no change
    try:
        return output_status(output) == previous.get("outputs")
    except OSError:
        return False
