"""The build, stage by stage: load → validate → model → render → write."""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import shutil
import time
from functools import partial
from dataclasses import dataclass
from pathlib import Path

from . import content, validate
from .markup import MarkdownRenderer, MarkupError
from .model import SiteConfig
from .problems import BuildError, Problem
from . import __version__
from .render import Fingerprints, PageSpec, Renderer, page_specs
from .timeline import Event, Page, Timeline, make_timeline
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


class Builder:
    """Runs the stages. Kept alive by the preview server, it remembers Markdown it has converted and
    pages it has drawn, so a rebuild after an edit redoes only what the edit affects."""

    def __init__(self, project: Project, base_url: str | None = None, drafts: bool = False,
                 extra_head: str = "", jobs: int = 1):
        self.project = project
        self.jobs = jobs
        self.base_url = base_url
        self.drafts = drafts
        self.extra_head = extra_head
        self.renderer = Renderer(project.templates_dir)
        self._html: dict[tuple[bool, str], str] = {}  # (trusted, digest of the Markdown) -> HTML
        self.used_html: set[tuple[bool, str]] = set()  # what this build's entries needed
        self._checked: dict = {}  # (file, front matter) -> field-check result
        self._parsed: dict = {}  # (file, digest of its text) -> (RawEntry or None, Problem or None)
        self.used_parsed: set = set()
        self.used_checked: set = set()

    def parse(self, text: str, shown: str):
        key = (shown, _digest(text))
        self.used_parsed.add(key)
        if key not in self._parsed:
            self._parsed[key] = content.parse_entry(text, shown)
        return self._parsed[key]

    def remembered(self) -> dict:
        """What this build parsed, checked and converted, for the next build (the cache keeps only this)."""
        return {"parsed": {k: self._parsed[k] for k in self.used_parsed if k in self._parsed},
                "checked": {k: self._checked[k] for k in self.used_checked if k in self._checked},
                "html": {k: self._html[k] for k in self.used_html if k in self._html}}

    def remember(self, state: dict) -> None:
        self._parsed.update(state.get("parsed", {}))
        self._checked.update(state.get("checked", {}))
        self._html.update(state.get("html", {}))

    def to_html(self, text: str, trusted: bool) -> str:
        key = (trusted, _digest(text))
        self.used_html.add(key)
        if key not in self._html:
            self._html[key] = MarkdownRenderer(trusted_html=trusted)(text)
        return self._html[key]

    def body_problems(self, raws: list[content.RawEntry], trusted: bool) -> list[Problem]:
        """Convert every body not converted yet (in forked processes when there are many: Python-Markdown
        takes about a millisecond an entry) and report the ones it cannot convert, with file and line."""
        global _SHARED
        todo = sorted({raw.body for raw in raws if (trusted, _digest(raw.body)) not in self._html})
        failed: dict[str, str] = {}
        if self.jobs > 1 and len(todo) >= PARALLEL_FROM:
            step = -(-len(todo) // (self.jobs * 4))
            chunks = [todo[i:i + step] for i in range(0, len(todo), step)]
            _SHARED = (trusted,)
            try:
                results = [r for part in forked_map(_to_html, chunks, self.jobs) for r in part]
            finally:
                _SHARED = None
        else:
            results = [_convert_one(MarkdownRenderer(trusted_html=trusted), text) for text in todo]
        for text, (html, error) in zip(todo, results):
            if error:
                failed[text] = error
            else:
                self._html[(trusted, _digest(text))] = html
        return [Problem(raw.file, raw.body_line, "body", failed[raw.body]) for raw in raws if raw.body in failed]

    def load(self) -> tuple[Timeline, str, dict[str, tuple[str, str]]]:
        """Load, validate and model everything; raise BuildError with every problem found.

        Returns the timeline, a fingerprint of the site-wide inputs, and for each event one of its
        front matter and one of its body.
        """
        project = self.project
        config = load_config(project, self.base_url)
        raw_events, problems = content.load_folder(project.events_dir, project.root, self.parse)
        raw_pages, page_problems = content.load_folder(project.pages_dir, project.root, self.parse)
        self.used_checked = {(raw.file, raw.front_text) for raw in raw_events}
        valid_events, found = validate.validate_events(raw_events, config, project.root / "content",
                                                           self.drafts, self._checked)
        valid_pages, found_in_pages = validate.validate_pages(raw_pages)
        problems += page_problems + found + found_in_pages + validate.validate_media(project.media_dir, project.root)
        trusted = config.trusted_html
        checked = [raw for raw in raw_events + raw_pages if self.drafts or raw.front.get("draft") is not True]
        problems += self.body_problems(checked, trusted)  # drafts left out are left unchecked
        if problems:
            raise BuildError(problems)
        events = [Event(v.id, v.raw.file, v.entry, self.to_html(v.raw.body, trusted), v.raw.body)
                  for v in valid_events]
        pages = [Page(v.id, v.raw.file, v.entry, self.to_html(v.raw.body, trusted))
                 for v in valid_pages if self.drafts or not v.entry.draft]
        event_keys = {v.id: (_digest(v.raw.file, v.raw.front_text), _digest(v.raw.body)) for v in valid_events}
        site_key = _digest(config.model_dump_json(), str(self.drafts), self.extra_head,
                           *(part for v in valid_pages for part in (v.raw.file, v.raw.front_text, v.raw.body)),
                           *_folder_digest(project.templates_dir))
        return make_timeline(config, events, pages), site_key, event_keys

    def render(self, lazy: bool = False) -> tuple[Timeline, dict[str, bytes]]:
        """The whole site in memory: output path -> bytes (or, with `lazy`, Deferred for data files)."""
        timeline, site_key, event_keys = self.load()
        files = self.renderer.render(timeline, site_key, event_keys, extra_head=self.extra_head, lazy=lazy)
        files.update(copied_files(self.project.static_dir, "static/"))
        files.update(copied_files(self.project.media_dir, "media/"))
        return timeline, files


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


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
_SHARED: tuple | None = None  # what forked workers read (copied into them by fork, never pickled)


def _draw_range(bounds: tuple[int, int]) -> list:
    renderer, timeline, specs, staging = _SHARED
    return renderer.draw_all(timeline, specs[bounds[0]:bounds[1]], "", partial(put, staging))


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
    # The data files are the heaviest single pieces: they go first, each as its own task.
    specs = sorted(specs, key=lambda spec: spec.make is None)
    heavy = sum(spec.make is not None for spec in specs)
    bounds = [(i, i + 1) for i in range(heavy)]
    step = max(50, (len(specs) - heavy) // (jobs * 8))
    bounds += [(i, min(i + step, len(specs))) for i in range(heavy, len(specs), step)]
    if jobs <= 1 or len(specs) < PARALLEL_FROM:
        return builder.renderer.draw_all(timeline, specs, "", partial(put, staging))
    _SHARED = (builder.renderer, timeline, specs, staging)
    try:
        return [problem for part in forked_map(_draw_range, bounds, jobs) for problem in part]
    finally:
        _SHARED = None


class BuildCache:
    """What the last build made, kept in .cache/site-gen/ (git-ignored): each output file's fingerprint
    and the HTML of each Markdown body. A file whose fingerprint is unchanged is carried over from the
    previous output instead of drawn again; when nothing changed, nothing is written at all."""

    def __init__(self, project: Project):
        self.path = project.root / ".cache" / "site-gen" / "build.pickle"
        # Parsed entries and checked models are kept as objects: any change to site-gen's code
        # (an upgrade, or an edit) makes the cache another version's, and it is not used.
        package = Path(__file__).parent
        self.VERSION = _digest(__version__, *(p.read_text() for p in sorted(package.rglob("*.py"))))

    def read(self) -> dict:
        try:
            with self.path.open("rb") as handle:
                state = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
            return {}  # no cache, or one from another version: build everything
        return state if isinstance(state, dict) and state.get("version") == self.VERSION else {}

    def write(self, state: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        with temporary.open("wb") as handle:
            pickle.dump({**state, "version": self.VERSION}, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.path)


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
    cache = BuildCache(project) if use_cache else None
    state = cache.read() if cache else {}
    builder = Builder(project, base_url, drafts, jobs=jobs)
    builder.remember(state)
    timeline, site_key, event_keys = builder.load()
    specs = page_specs(timeline)
    copied = {**copied_files(project.static_dir, "static/"), **copied_files(project.media_dir, "media/")}
    fingerprint = Fingerprints(site_key, event_keys)
    prints = {spec.path: fingerprint(spec) for spec in specs}
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
    return BuildResult(len(timeline.events), pages, time.perf_counter() - started, output, drawn)
