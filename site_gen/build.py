"""The build, stage by stage: load → validate → model → render → write."""
from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import shutil
import time
from contextlib import contextmanager
from functools import partial
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import content, validate
from .markup import MarkdownRenderer, MarkupError
from .model import SiteConfig
from .problems import BuildError, Problem
from .manifest import Stored, code_version, output_status, read_inputs, trusted, unchanged
from .pages import PageSpec, page_specs, shape
from .render import Fingerprints, Renderer
from .timeline import Event, Page, Timeline, make_timeline, moved_in_timeline
from .write import MARKER, check_output_folder, put, recover, staged, write_files

CONFIG_FILE = "site.yaml"


@dataclass(frozen=True)
class Project:
    """Where a site's inputs live; by default the folder the command runs in."""

    root: Path

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def events_dir(self) -> Path:
        return self.root / "content" / "events"

    @property
    def pages_dir(self) -> Path:
        return self.root / "content" / "pages"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def media_dir(self) -> Path:
        return self.root / "content" / "media"

    @property
    def static_dir(self) -> Path:
        return self.templates_dir / "static"


@dataclass(frozen=True)
class BuildResult:
    events: int
    pages: int
    seconds: float
    output: Path
    drawn: int = 0  # files drawn afresh; the others were carried over unchanged


def load_config(project: Project, base_url: str | None = None) -> SiteConfig:
    raw, problem = content.load_yaml_file(project.config_file, project.root)
    if problem:
        raise BuildError([problem])
    if base_url is not None:
        raw.front["base_url"] = base_url
    config, problems = validate.validate_config(raw)
    if problems:
        raise BuildError(problems)
    if not config.base_url.endswith("/"):
        config = config.model_copy(update={"base_url": config.base_url + "/"})
    return config


@dataclass(frozen=True)
class Parsed:
    """One content file after the load stage, with the digests later stages use as cache keys."""

    raw: content.RawEntry | None
    problem: Problem | None
    front_key: bytes = b""  # digest of the file's name and front matter
    body_key: bytes = b""  # digest of its Markdown body


@dataclass
class LastLoad:
    """The last successful load, which an edit that keeps the timeline's shape updates in place."""

    timeline: Timeline
    site_key: str
    event_keys: dict[str, tuple[bytes, bytes]]
    events: dict[str, Event]  # by file
    parsed: dict[str, Parsed]  # by file
    by_id: dict[str, Event] = field(default_factory=dict)


class Builder:
    """Runs the stages. Kept alive by the preview server (or restored from the build cache), it remembers
    what it has read, checked and converted, so a rebuild after an edit redoes only what the edit affects.

    Every memo is keyed by content (a digest of the text), never by time alone: a file is read again
    unless its status (mtime, size, inode, ctime) is the one recorded when its digest was taken."""

    def __init__(self, project: Project, base_url: str | None = None, drafts: bool = False,
                 extra_head: str = "", jobs: int = 1):
        self.project = project
        self.jobs = jobs
        self.base_url = base_url
        self.drafts = drafts
        self.extra_head = extra_head
        self.renderer = Renderer(project.templates_dir)
        self._seen: dict[str, tuple[tuple, str]] = {}  # file -> (its status, digest of its text)
        self._parsed: dict[tuple[str, str], Parsed] = {}  # (file, digest of its text) -> Parsed
        self._checked: dict = {}  # RawEntry.key (file and text) -> field-check result
        self._html: dict[tuple[bool, bytes], str] = {}  # (trusted, digest of the Markdown) -> HTML
        self._used: dict[str, set] = {"seen": set(), "parsed": set(), "checked": set(), "html": set()}
        self._last: LastLoad | None = None
        self._copied: dict[str, bytes] = {}  # static files and media, as the last full render read them
        self.updated_in_place = False  # whether the last render took an edit in place (see update)
        self.reshaped = False  # whether that edit changed the timeline's shape (made again from memory)

    def remembered(self) -> dict:
        """What this build read, checked and converted, for the next build (only what it used)."""
        memos = {"seen": self._seen, "parsed": self._parsed, "checked": self._checked, "html": self._html}
        return {name: {k: memo[k] for k in self._used[name] if k in memo} for name, memo in memos.items()}

    def remember(self, state: dict) -> None:
        for name in self._used:
            getattr(self, f"_{name}").update(state.get(name, {}))

    def forget_unused(self) -> None:
        """Drop what the last build did not use, so a long preview session does not grow without end."""
        for name, used in self._used.items():
            memo = getattr(self, f"_{name}")
            for key in [key for key in memo if key not in used]:
                del memo[key]

    def read_folder(self, folder: Path, trusted_html: bool) -> tuple[list[Parsed], list[Problem]]:
        """Every content file in `folder`: parsed, or the problem that stopped it. A file whose status is
        unchanged since it was last read is not read again; when many must be read (a cold build), forked
        workers read, parse, check and convert them (see _prepare)."""
        looked_at = time.time_ns()
        sources = content.list_files(folder, self.project.root)
        remembered = {shown for shown, _ in self._parsed}
        fresh = {}  # file -> (digest of its text, Parsed), for the files read now
        new = []  # (path, file, its text if already read) of the files to parse
        for source in sources:
            if source.outside or self._known(source):
                continue
            text = None
            if source.shown in remembered:  # its text may be one parsed before: read it to see
                text, _ = content.read_text(source.path, source.shown)
                digest = _digest(text) if text is not None else None
                if (source.shown, digest) in self._parsed:
                    fresh[source.shown] = (digest, self._parsed[(source.shown, digest)])
                    continue
            new.append((source.path, source.shown, text))
        if self.jobs > 1 and len(new) >= PARALLEL_FROM:
            # The workers read the files (again, from the page cache): no copy of the texts is held here.
            fresh.update(self._prepare_in_parallel([(path, shown) for path, shown, _ in new], trusted_html))
        else:
            fresh.update((shown, _read_and_parse(path, shown, text)) for path, shown, text in new)
        found: list[Parsed] = []
        problems: list[Problem] = []
        for source in sources:
            if source.outside:
                problems.append(content.outside_problem(source.shown, folder, self.project.root))
                continue
            if source.shown in fresh:
                digest, parsed = fresh[source.shown]
                if digest is None:  # the file could not be read
                    problems.append(parsed.problem)
                    continue
                key = (source.shown, digest)
                self._parsed.setdefault(key, parsed)
                if trusted(source.signature, looked_at):
                    self._seen[source.shown] = (source.signature, digest)
            else:
                key = (source.shown, self._seen[source.shown][1])
            self._used["seen"].add(source.shown)
            self._used["parsed"].add(key)
            parsed = self._parsed[key]
            if parsed.problem:
                problems.append(parsed.problem)
            else:
                found.append(parsed)
        return found, problems

    def _known(self, source: content.SourceFile) -> bool:
        seen = self._seen.get(source.shown)
        return bool(seen) and seen[0] == source.signature and (source.shown, seen[1]) in self._parsed

    def _prepare_in_parallel(self, files: list[tuple[str, str]], trusted_html: bool) -> dict:
        """Read, parse, field-check and convert many files in forked workers, filling the memos the serial
        pass then finds. At 10,000 entries this is most of a cold build's work."""
        global _SHARED
        step = -(-len(files) // (self.jobs * 4))
        _SHARED = (trusted_html, files)  # inherited by the workers, not pickled to them
        try:
            parts = forked_map(_prepare, [(i, i + step) for i in range(0, len(files), step)], self.jobs)
        finally:
            _SHARED = None
        fresh = {}
        for part in parts:
            for shown, digest, parsed, checked, html in part:
                fresh[shown] = (digest, parsed)
                if checked is not None:
                    raw = parsed.raw
                    self._checked[raw.key] = checked
                if html is not None:
                    self._html[(trusted_html, parsed.body_key)] = html
        return fresh

    def body_problems(self, entries: list[Parsed], trusted: bool) -> list[Problem]:
        """Convert every body not converted yet (in forked processes when there are many: Python-Markdown
        takes about a millisecond an entry) and report the ones it cannot convert, with file and line."""
        global _SHARED
        todo = {}
        for parsed in entries:
            key = (trusted, parsed.body_key)
            self._used["html"].add(key)
            if key not in self._html:
                todo.setdefault(parsed.body_key, parsed.raw.body)
        todo = sorted(todo.items())
        texts = [text for _, text in todo]
        if self.jobs > 1 and len(texts) >= PARALLEL_FROM:
            step = -(-len(texts) // (self.jobs * 4))
            chunks = [texts[i:i + step] for i in range(0, len(texts), step)]
            _SHARED = (trusted,)
            try:
                results = [r for part in forked_map(_to_html, chunks, self.jobs) for r in part]
            finally:
                _SHARED = None
        else:
            results = [_convert_one(MarkdownRenderer(trusted_html=trusted), text) for text in texts]
        failed: dict[str, str] = {}
        for (body_key, _), (html, error) in zip(todo, results):
            if error:
                failed[body_key] = error
            else:
                self._html[(trusted, body_key)] = html
        return [Problem(p.raw.file, p.raw.body_line, "body", failed[p.body_key])
                for p in entries if p.body_key in failed]

    def load(self) -> tuple[Timeline, str, dict[str, tuple[bytes, bytes]]]:
        """Load, validate and model everything; raise BuildError with every problem found.

        Returns the timeline, a fingerprint of the site-wide inputs, and for each event one of its
        front matter and one of its body.
        """
        project = self.project
        self._last = None  # until this load succeeds
        for used in self._used.values():
            used.clear()
        config = load_config(project, self.base_url)
        event_files, problems = self.read_folder(project.events_dir, config.trusted_html)
        page_files, page_problems = self.read_folder(project.pages_dir, config.trusted_html)
        raw_events = [parsed.raw for parsed in event_files]
        raw_pages = [parsed.raw for parsed in page_files]
        valid_events, found = validate.validate_events(raw_events, config, project.root / "content",
                                                       self.drafts, self._checked, self._used["checked"])
        valid_pages, found_in_pages = validate.validate_pages(raw_pages)
        problems += page_problems + found + found_in_pages + validate.validate_media(project.media_dir, project.root)
        trusted = config.trusted_html
        checked = [p for p in event_files + page_files if self.drafts or p.raw.front.get("draft") is not True]
        problems += self.body_problems(checked, trusted)  # drafts left out are left unchecked
        if problems:
            raise BuildError(problems)
        by_file = {parsed.raw.file: parsed for parsed in event_files + page_files}
        html = {v.raw.file: self._html[(trusted, by_file[v.raw.file].body_key)] for v in valid_events + valid_pages}
        events = [Event(v.id, v.raw.file, v.entry, html[v.raw.file], v.raw.body) for v in valid_events]
        pages = [Page(v.id, v.raw.file, v.entry, html[v.raw.file])
                 for v in valid_pages if self.drafts or not v.entry.draft]
        event_keys = {v.id: (by_file[v.raw.file].front_key, by_file[v.raw.file].body_key) for v in valid_events}
        site_key = _digest(config.model_dump_json(), str(self.drafts), self.extra_head,
                           *(part for v in valid_pages for part in (v.raw.file, v.raw.front_text, v.raw.body)),
                           *_folder_digest(project.templates_dir))
        timeline = make_timeline(config, events, pages)
        self._last = LastLoad(timeline, site_key, event_keys, {event.file: event for event in events},
                              {file: by_file[file] for file in html}, {event.id: event for event in events})
        return timeline, site_key, event_keys

    def update(self, changed: set[str]) -> tuple[Timeline, str, dict, set[Event], set[Event], bool] | None:
        """Take in edits to event files that keep each event's id (and whether it is a draft): only those
        files are read again, and their events are changed in place. `changed` holds the paths the file
        watcher reported. An edit to what decides the timeline's shape (a date, a category, a tag, a link:
        see pages.shape) is checked against the other entries, then the timeline is made again from the
        events it has, instead of from every file read and checked again (when the links are as they
        were, only the moved events' places: see moved_in_timeline).

        Returns (timeline, site key, event keys, events whose front matter changed, events whose body
        changed, whether the shape changed), or None when the edit needs a full load (a new, deleted or
        broken entry, a template or config edit, or a previous build that failed)."""
        last = self._last
        if last is None or not changed:
            return None
        root = self.project.root
        edits = []
        for path in changed:
            shown = content.display_path(Path(path), root)
            event = last.events.get(shown)
            if event is None:
                return None  # not an event this site has: a new file, a page, a template...
            text, problem = content.read_text(path, shown)
            if problem:
                return None
            key = (shown, _digest(text))
            parsed = self._parsed.get(key) or _parse(text, shown)
            if parsed.raw is None:
                return None
            self._parsed[key] = parsed
            self._used["parsed"].add(key)
            entry, problems = validate.check_event(parsed.raw, self._checked, self._used["checked"])
            if (entry is None or problems or validate.event_id_of(parsed.raw) != event.id
                    or entry.draft != event.entry.draft):
                return None
            edits.append((event, parsed, entry))
        reshaped = any(shape(entry) != shape(event.entry) for event, _, entry in edits)
        if self._cross_problems(edits, reshaped):
            return None  # a full load reports them, with every other problem there is
        trusted = last.timeline.config.trusted_html
        if self.body_problems([parsed for _, parsed, _ in edits], trusted):
            return None
        # The moved events, with their entries before the edit.
        moved = {event: event.entry for event, _, entry in edits if shape(entry) != shape(event.entry)}
        relinked = any(event.entry.responds_to != entry.responds_to for event, _, entry in edits)
        front_changed, body_changed = set(), set()
        for event, parsed, entry in edits:
            before = last.parsed[event.file]
            if parsed.front_key != before.front_key:
                front_changed.add(event)
                event.entry = entry
            if parsed.body_key != before.body_key:
                body_changed.add(event)
                event.body_html = self._html[(trusted, parsed.body_key)]
                event.body_markdown = parsed.raw.body
            last.parsed[event.file] = parsed
            last.event_keys[event.id] = (parsed.front_key, parsed.body_key)
        if relinked:
            last.timeline = make_timeline(last.timeline.config, list(last.events.values()), last.timeline.pages)
        elif reshaped:  # the same links, events moved: only what they leave and join is made again
            last.timeline = moved_in_timeline(last.timeline, moved)
        return last.timeline, last.site_key, last.event_keys, front_changed, body_changed, reshaped

    def _cross_problems(self, edits: list, reshaped: bool) -> bool:
        """Whether the edited entries fail a check against the others (validate.cross_problems): their
        picture always; for a new shape, their category, actors and links, and the date order of the
        events that respond to them."""
        last = self._last
        content_dir = self.project.root / "content"
        if not reshaped:
            return any(validate.image_problems(parsed.raw, content_dir) for _, parsed, _ in edits)
        if not self.drafts:
            return True  # drafts left out are not in the timeline: the full load knows which they are
        new = {event.id: (parsed.raw, entry) for event, parsed, entry in edits}
        to_check = {event.id for event, _, _ in edits} | {response.id for event, _, _ in edits
                                                          for response in event.responses}
        # The others' raw entries and dates are looked up where needed, not copied for 10,000 events.
        ids = _Overlay(last.by_id, {i: raw for i, (raw, _) in new.items()}, lambda e: last.parsed[e.file].raw)
        dates = _Overlay(last.by_id, {i: entry.date for i, (_, entry) in new.items()}, lambda e: e.entry.date)
        config = last.timeline.config
        return any(validate.cross_problems(ids[event_id], event_id, ids, dates, set(), config, content_dir)
                   for event_id in sorted(to_check))  # the edited events, and those that respond to them

    def render(self, lazy: bool = False, changed: set[str] | None = None) -> tuple[Timeline, dict[str, bytes]]:
        """The whole site in memory: output path -> bytes (or, with `lazy`, Deferred for data files).

        `changed`, the files the watcher saw change, lets an edit to known events redraw only the pages
        showing them, or, when it changes the timeline's shape, make the timeline again from the events
        in memory; anything else loads everything again."""
        try:
            update = self.update(changed) if changed else None
            self.updated_in_place = update is not None
            self.reshaped = update is not None and update[5]
            if update is not None:
                timeline, site_key, event_keys, front_changed, body_changed, reshaped = update
                if reshaped:  # which pages exist, and what each lists, may have changed: all are rendered
                    files = self.renderer.render(timeline, site_key, event_keys, extra_head=self.extra_head,
                                                 lazy=lazy, reshaped=True)
                else:
                    files = self.renderer.update(timeline, site_key, event_keys, front_changed, body_changed,
                                                 extra_head=self.extra_head, lazy=lazy)
                return timeline, {**files, **self._copied}
            timeline, site_key, event_keys = self.load()
            self.forget_unused()
            files = self.renderer.render(timeline, site_key, event_keys, extra_head=self.extra_head, lazy=lazy)
        except BaseException:
            self._last = None  # the pages drawn last are not this timeline's: the next edit loads everything
            raise
        self._copied = {**copied_files(self.project.static_dir, "static/"),
                        **copied_files(self.project.media_dir, "media/")}
        return timeline, {**files, **self._copied}


class _Overlay(Mapping):
    """A read-only view, id -> `value(event)` for the events in `by_id`, with `new` values for some."""

    def __init__(self, by_id: dict[str, Event], new: dict, value: Callable[[Event], object]):
        self._by_id, self._new, self._value = by_id, new, value

    def __getitem__(self, event_id: str):
        return self._new[event_id] if event_id in self._new else self._value(self._by_id[event_id])

    def __iter__(self):
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)


@contextmanager
def collector_paused():
    """Python's cycle collector runs every few thousand allocations and, once the heap is large, walks
    all of it: loading 10,000 entries it took a third of the time. Paused for the duration; the caller
    collects when it suits (the preview when idle; a build's process simply ends)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _key(*parts: str) -> bytes:
    """A digest as bytes: fingerprints join thousands of these."""
    return hashlib.sha256("\0".join(parts).encode()).digest()


def _folder_digest(folder: Path) -> list[str]:
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


# Below this many pages a build draws in one process: forking workers would cost more than it saves.
PARALLEL_FROM = 300
# From this many events, each file covering them all is drawn in a fresh process, for memory's sake
# (see draw_into); below it they are a few MB, and the forks would cost more time than they save memory.
FRESH_FROM = 2000
_SHARED: tuple | None = None  # what forked workers read (copied into them by fork, never pickled)


def _draw_range(bounds: tuple[int, int]) -> list:
    renderer, timeline, specs, staging = _SHARED
    return renderer.draw_all(timeline, specs[bounds[0]:bounds[1]], "", partial(put, staging))


def _parse(text: str, shown: str) -> Parsed:
    raw, problem = content.parse_entry(text, shown)
    return Parsed(raw, problem, *((_key(raw.file, raw.front_text), _key(raw.body)) if raw else ()))


def _read_and_parse(path: str, shown: str, text: str | None = None) -> tuple[str | None, Parsed]:
    """(digest of the text, Parsed), the file read unless its text is given; (None, Parsed with the
    problem) when it cannot be read."""
    if text is None:
        text, problem = content.read_text(path, shown)
        if problem:
            return None, Parsed(None, problem)
    return _digest(text), _parse(text, shown)


def _prepare(bounds: tuple[int, int]) -> list[tuple]:
    """In a worker: files parsed, their fields checked and their bodies converted (HTML None when a body
    cannot be: the build reports that, with its line, when it converts it again)."""
    trusted_html, files = _SHARED
    to_html = MarkdownRenderer(trusted_html=trusted_html)
    results = []
    for path, shown in files[bounds[0]:bounds[1]]:
        digest, parsed = _read_and_parse(path, shown)
        checked = html = None
        if parsed.raw is not None:
            checked = validate.check_event(parsed.raw)
            html, error = _convert_one(to_html, parsed.raw.body)
            html = None if error else html
            parsed = replace(parsed, raw=validate.slimmed(parsed.raw))  # its fields are in `checked`
        results.append((shown, digest, parsed, checked, html))
    return results


def _convert_one(to_html: MarkdownRenderer, text: str) -> tuple[str, str]:
    try:
        return to_html(text), ""
    except MarkupError as error:
        return "", str(error)


def _to_html(texts: list[str]) -> list[tuple[str, str]]:
    to_html = MarkdownRenderer(trusted_html=_SHARED[0])
    return [_convert_one(to_html, text) for text in texts]


def forked_map(function, items: list, jobs: int) -> list:
    """`function` over `items` in `jobs` forked processes, which inherit _SHARED as it is now."""
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        return pool.map(function, items, chunksize=1)


def draw_into(builder: Builder, timeline: Timeline, specs: list[PageSpec], staging: Path, jobs: int) -> list:
    """Draw the pages into `staging`, across `jobs` processes when there are many."""
    global _SHARED
    # What covers every event (the data files, the map, the embed, the index pages) is heaviest: each is a
    # task of its own. The other pages are drawn in ranges.
    every = max(1, len(timeline.events))
    heavy = [spec for spec in specs if spec.make is not None or len(spec.deps) >= every]
    pages = [spec for spec in specs if spec.make is None and len(spec.deps) < every]
    specs = heavy + pages
    step = max(50, len(pages) // (jobs * 8))
    page_bounds = [(i, min(i + step, len(specs))) for i in range(len(heavy), len(specs), step)]
    # Data files each cover every event: for a large timeline a few of them are worth the workers too.
    worth_forking = len(specs) >= PARALLEL_FROM or (len(heavy) > 1 and len(timeline.events) >= PARALLEL_FROM)
    if jobs <= 1 or not worth_forking:
        return builder.renderer.draw_all(timeline, specs, "", partial(put, staging))
    builder.renderer.compile_templates()
    _SHARED = (builder.renderer, timeline, specs, staging)
    heavy_bounds = [(i, i + 1) for i in range(len(heavy))]
    try:
        if len(timeline.events) < FRESH_FROM:
            return [problem for part in forked_map(_draw_range, heavy_bounds + page_bounds, jobs) for problem in part]
        # Each heavy piece gets a fresh process: the memory one leaves behind (Python and malloc keep freed
        # memory for reuse) never adds to the next one's peak; at 10,000 events that keeps every process
        # under 300 MB. Pages share long-lived processes. Two pools use more processes than cores, but no
        # more CPU time.
        context = multiprocessing.get_context("fork")
        with context.Pool(jobs, maxtasksperchild=1) as fresh, context.Pool(jobs) as reused:
            heavy_parts = fresh.map_async(_draw_range, heavy_bounds, chunksize=1)
            page_parts = reused.map_async(_draw_range, page_bounds, chunksize=1)
            return [problem for part in heavy_parts.get() + page_parts.get() for problem in part]
    finally:
        _SHARED = None


def carry_over(old: Path, new: Path) -> None:
    new.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(old, new)  # the same bytes, for free; the old folder is removed after the swap
    except OSError:
        shutil.copy2(old, new)


def build(project: Project, output: Path, base_url: str | None = None, drafts: bool = False,
          jobs: int | None = None, use_cache: bool = True) -> BuildResult:
    """Build the whole site into `output`. On any problem, raise BuildError and leave `output` as it was.

    Markdown is converted, and pages drawn, in `jobs` forked processes (default: one per core) when
    the site is large; each process writes its pages straight into the new folder. With the cache,
    only files whose inputs changed are drawn; the rest are carried over from the previous output.
    """
    started = time.perf_counter()
    jobs = jobs or os.cpu_count() or 1
    output = output.resolve()
    check_output_folder(output, project.root)
    if output.parent.is_dir():
        recover(output)  # first, so even a build that fails leaves a site killed mid-swap put back
    version = code_version()
    # The manifest: what the last build read and wrote (see manifest.py). The build cache: each output
    # file's fingerprint, and every entry parsed, checked and converted; a file whose fingerprint is
    # unchanged is carried over from the previous output instead of drawn again.
    manifest = Stored(project.root, "manifest", version) if use_cache else None
    cache = Stored(project.root, "build", version) if use_cache else None
    if manifest:
        # Read before the build reads anything: a file saved during the build then differs next time.
        last = manifest.read()
        options = (version, str(output), base_url, drafts)
        inputs = read_inputs(project.root, last.get("inputs", {}))
        if unchanged(last, options, inputs, output):
            if inputs != last["inputs"]:
                manifest.write({**last, "inputs": inputs})  # new statuses, the same bytes
            return BuildResult(last["events"], last["pages"], time.perf_counter() - started, output, 0)
    state = cache.read() if cache else {}
    builder = Builder(project, base_url, drafts, jobs=jobs)
    with collector_paused():
        builder.remember(state)
        timeline, site_key, event_keys = builder.load()
        specs = page_specs(timeline)
        fingerprint = Fingerprints(site_key, event_keys)
        prints = {spec.path: fingerprint(spec) for spec in specs}
    # The timeline lives until the process ends: the collector need not walk it again, and workers forked
    # from here do not copy its pages by touching them.
    gc.freeze()
    copied = {**copied_files(project.static_dir, "static/"), **copied_files(project.media_dir, "media/")}
    prints.update((path, hashlib.sha256(data).hexdigest()) for path, data in copied.items())
    previous = state.get("files", {}) if state.get("output") == str(output) and (output / MARKER).is_file() else {}
    same = {path for path, value in prints.items() if previous.get(path) == value and (output / path).is_file()}
    if len(same) == len(prints) == len(previous):
        drawn = 0  # nothing changed: the output stays as it is, not a byte written
        check_output_folder(output, project.root)
    else:
        with staged(output, project.root) as staging:
            for path in same:
                carry_over(output / path, staging / path)
            todo = [spec for spec in specs if spec.path not in same]
            problems = draw_into(builder, timeline, todo, staging, jobs)
            if problems:
                raise BuildError(problems)
            write_files(staging, {path: data for path, data in copied.items() if path not in same})
            drawn = len(todo)
    if cache and drawn:  # when nothing was drawn the cache already says all there is to say
        cache.write({"output": str(output), "files": prints, **builder.remembered()})
    pages = sum(path.endswith(".html") for path in prints)
    if manifest:
        manifest.write({"options": options, "inputs": inputs, "outputs": output_status(output),
                        "events": len(timeline.events), "pages": pages})
    return BuildResult(len(timeline.events), pages, time.perf_counter() - started, output, drawn)
