"""The build, stage by stage: config → read → validate → convert → timeline → pages → draw → write.

`build()` runs them for the command line and reads top to bottom. `Builder` runs the stages up to the
timeline (`load`) and keeps what they made in its memos (cache.py); the preview keeps one alive and takes
edits in place (preview/edits.py). The cache is consulted at three named points:

1. `quick.look`: the manifest says every input and the output are as the last build left them
   (manifest.py): the build stops there, in milliseconds.
2. `Builder.read_folder` and `Builder.convert_bodies`: a file read, checked or converted by an earlier
   build is not again (the memos, saved in the build cache).
3. `carried_over`: a page whose fingerprint (render.Fingerprints) is the one the last build wrote is
   carried over from the previous output instead of drawn again.
"""
from __future__ import annotations

import gc
import hashlib
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from . import content, languages, parallel, quick, validate
from .cache import Cache, Memo
from .entries import Parsed, convert, copied_files, digest, folder_digest, key, read_and_parse
from .manifest import Stored, output_status, trusted
from .markup import MarkdownRenderer
from .model import SiteConfig
from .pages import page_specs
from .problems import BuildError, Problem
from .project import CONFIG_FILE, Project, load_config  # noqa: F401 - imported from here by others
from .render import Fingerprints, Renderer
from .timeline import Event, Page, Timeline, make_timeline
from .write import MARKER, check_output_folder, staged, write_files


@dataclass(frozen=True)
class BuildResult:
    events: int
    pages: int
    seconds: float
    output: Path
    drawn: int = 0  # files drawn afresh; the others were carried over unchanged
    warnings: tuple[Problem, ...] = ()  # what the build noticed but builds anyway (a stale translation)


@dataclass
class Loaded:
    """The last successful load: what the preview updates in place when an edit keeps the files' ids."""

    timeline: Timeline
    site_key: str  # fingerprint of the site-wide inputs (config, templates, free pages, options)
    event_keys: dict[str, tuple[bytes, bytes]]  # event id -> digests of its front matter and its body
    events: dict[str, Event]  # by file
    parsed: dict[str, Parsed]  # by file
    by_id: dict[str, Event]


class Builder:
    """Runs the stages up to the timeline, remembering in `cache` what it read, checked and converted, so
    a later build (restored from the build cache, or the preview's next rebuild) redoes only what changed.

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
        self.cache = Cache()
        self.last: Loaded | None = None  # the last successful load
        self.copied: dict[str, bytes] = {}  # static files and media, as the last full render read them
        self.warnings: list[Problem] = []  # the last load's (stale translations)
        self.translations: dict[tuple[str, str, str], languages.Translation] = {}  # (lang, kind, id) ->
        self.translation_files: dict[str, Parsed] = {}  # the last load's translations, parsed, by file

    def load(self) -> tuple[Timeline, str, dict[str, tuple[bytes, bytes]]]:
        """config → read → validate → convert → timeline; raise BuildError with every problem found.

        Returns the timeline, a fingerprint of the site-wide inputs, and for each event one of its
        front matter and one of its body.
        """
        project = self.project
        self.last = None  # until this load succeeds
        self.cache.start()
        config = load_config(project, self.base_url)
        # While workers read the entries, this process compiles the templates it will fork drawers from.
        has_languages = bool(config.languages)
        event_files, problems = self.read_folder(project.events_dir, config.trusted_html, meanwhile=partial(
            self.renderer.compile_templates, tuple(config.languages)), keep_words=has_languages)
        page_files, page_problems = self.read_folder(project.pages_dir, config.trusted_html, keep_words=has_languages)
        valid_events, found = validate.validate_events([p.raw for p in event_files], config, project.content_dir,
                                                       self.drafts, self.cache.checked, self.cache.checked.used)
        valid_pages, found_in_pages = validate.validate_pages([p.raw for p in page_files])
        problems += page_problems + found + found_in_pages + validate.validate_media(project.media_dir, project.root)
        shown = [p for p in event_files + page_files if self.drafts or p.raw.front.get("draft") is not True]
        problems += self.convert_bodies(shown, config.trusted_html)  # drafts left out are left unchecked
        if problems:
            raise BuildError(problems)
        by_file = {parsed.raw.file: parsed for parsed in event_files + page_files}
        html = {v.raw.file: self.cache.html[(config.trusted_html, by_file[v.raw.file].body_key)]
                for v in valid_events + valid_pages}
        events = [Event(v.id, v.raw.file, v.entry, html[v.raw.file], v.raw.body) for v in valid_events]
        pages = [Page(v.id, v.raw.file, v.entry, html[v.raw.file])
                 for v in valid_pages if self.drafts or not v.entry.draft]
        event_keys = {v.id: (by_file[v.raw.file].front_key, by_file[v.raw.file].body_key) for v in valid_events}
        timeline = make_timeline(config, events, pages)
        page_words = self.add_languages(timeline, valid_events, valid_pages, event_keys)
        site_key = self.site_key(config, valid_pages, page_words)
        self.last = Loaded(timeline, site_key, event_keys, {event.file: event for event in events},
                           {file: by_file[file] for file in html}, {event.id: event for event in events})
        return timeline, site_key, event_keys

    def site_key(self, config: SiteConfig, pages: list[validate.ValidEntry], page_words: list[str] = ()) -> str:
        """A fingerprint of what every page may show besides the events: a change to it may change any."""
        return digest(config.model_dump_json(), str(self.drafts), self.extra_head,
                      *(part for v in pages for part in (v.raw.file, v.raw.front_text, v.raw.body)),
                      *page_words, *folder_digest(self.project.templates_dir))

    def add_languages(self, timeline: Timeline, valid_events: list[validate.ValidEntry],
                      valid_pages: list[validate.ValidEntry], event_keys: dict) -> list[str]:
        """read → validate → convert the translations, then the timeline in each other language
        (timeline.languages), each event's keys there under "<lang>:<id>" (its translation's with the
        original's). Warns of stale ones (self.warnings); returns the free pages' translations' texts, a
        part of the site key. Raises BuildError with every problem found."""
        config = timeline.config
        self.warnings = []
        self.translations = {}
        self.translation_files = {}
        if not config.languages:
            return []
        events = {v.id: v.raw for v in valid_events}
        pages = {v.id: v.raw for v in valid_pages}
        problems, found, parsed = [], [], {}
        for folder, originals, is_page in ((self.project.events_dir, events, False),
                                           (self.project.pages_dir, pages, True)):
            files, read_problems = self.read_folder(folder, config.trusted_html, translations=True)
            problems += read_problems
            for item in files:
                target, lang, problem = languages.translation_target(
                    item.raw, config, originals, "page" if is_page else "event")
                if problem is None:
                    # Missing originals of a draft are not an error in a build without drafts.
                    translation, checked = languages.check_translation(item.raw, lang, originals[target], is_page)
                    problems += checked + validate.body_problems(item.raw)
                    if translation is not None:
                        found.append((is_page, target, translation))
                        parsed[translation.file] = item
                elif not (self._is_left_out_draft(folder, target)):
                    problems.append(problem)
        problems += self.convert_bodies(list(parsed.values()), config.trusted_html)
        if problems:
            raise BuildError(problems)
        html = {file: self.cache.html[(config.trusted_html, item.body_key)] for file, item in parsed.items()}
        self.translation_files = parsed
        page_words = []
        originals = list(event_keys.items())
        for code in config.languages:
            of_events = {target: t for is_page, target, t in found if not is_page and t.lang == code}
            of_pages = {target: t for is_page, target, t in found if is_page and t.lang == code}
            timeline.languages[code] = languages.localized(timeline, code, of_events, of_pages, html)
            for event_id, (front_key, body_key) in originals:
                translation = of_events.get(event_id)
                if translation is None:
                    event_keys[f"{code}:{event_id}"] = (front_key, body_key)
                else:
                    item = parsed[translation.file]
                    event_keys[f"{code}:{event_id}"] = (key(front_key.hex(), item.front_key.hex()),
                                                        key(body_key.hex(), item.body_key.hex()))
            page_words += [part for slug, t in sorted(of_pages.items())
                           for part in (t.file, parsed[t.file].raw.front_text, t.body)]
        for is_page, target, translation in found:
            self.translations[(translation.lang, "page" if is_page else "event", target)] = translation
            if not translation.current:
                original = (pages if is_page else events)[target]
                raw = parsed[translation.file].raw
                self.warnings.append(languages.stale_warning(
                    translation, original.file, languages.original_words(original).digest,
                    content.line_of(raw, ("translated_from",))))
        return page_words

    def _is_left_out_draft(self, folder: Path, target: str) -> bool:
        """Whether `target` is a draft entry left out of this build (its translations wait with it)."""
        return not self.drafts and any(
            validate.event_id_of(p.raw) == target and p.raw.front.get("draft") is True
            for p in self.read_folder(folder, False)[0])

    def read_folder(self, folder: Path, trusted_html: bool, translations: bool = False,
                    meanwhile=None, keep_words: bool = False) -> tuple[list[Parsed], list[Problem]]:
        """Every content file in `folder` (with `translations`, every translation instead): parsed, or the
        problem that stopped it. A file whose status is unchanged since it was last read is not read
        again; when many must be read (a cold build), forked workers read, parse, check and convert them
        (parallel.prepare), and this process runs `meanwhile()` while they do. `keep_words`: translations
        will be checked against these entries (validate.slimmed)."""
        looked_at = time.time_ns()
        if translations:
            sources = languages.translation_sources(folder, self.project.root)
        else:
            sources = content.list_files(folder, self.project.root)
        fresh = self._read_changed(sources, trusted_html, translations, meanwhile, keep_words)
        seen, parsed_memo = self.cache.seen, self.cache.parsed
        found: list[Parsed] = []
        problems: list[Problem] = []
        for source in sources:
            if source.outside:
                problems.append(content.outside_problem(source.shown, folder, self.project.root))
                continue
            if source.shown in fresh:
                text_digest, parsed = fresh[source.shown]
                if text_digest is None:  # the file could not be read
                    problems.append(parsed.problem)
                    continue
                key = (source.shown, text_digest)
                parsed_memo.setdefault(key, parsed)
                if trusted(source.signature, looked_at):
                    seen[source.shown] = (source.signature, text_digest)
            else:
                key = (source.shown, seen[source.shown][1])
            seen.used.add(source.shown)
            parsed_memo.used.add(key)
            parsed = parsed_memo[key]
            if parsed.problem:
                problems.append(parsed.problem)
            else:
                found.append(parsed)
        return found, problems

    def _read_changed(self, sources: list[content.SourceFile], trusted_html: bool, translations: bool = False,
                      meanwhile=None, keep_words: bool = False) -> dict:
        """file -> (digest of its text, Parsed) for the files not known by their status; the text is read
        only to see whether it is one parsed before."""
        parsed_memo = self.cache.parsed
        remembered = {shown for shown, _ in parsed_memo}
        fresh = {}
        new = []  # (path, file, its text if already read) of the files to parse
        for source in sources:
            if source.outside or self._known(source):
                continue
            text = None
            if source.shown in remembered:  # its text may be one parsed before: read it to see
                text, _ = content.read_text(source.path, source.shown)
                text_digest = digest(text) if text is not None else None
                if (source.shown, text_digest) in parsed_memo:
                    fresh[source.shown] = (text_digest, parsed_memo[(source.shown, text_digest)])
                    continue
            new.append((source.path, source.shown, text))
        if self.jobs > 1 and len(new) >= parallel.PARALLEL_FROM:
            # The workers read the files (again, from the page cache): no copy of the texts is held here.
            for shown, text_digest, parsed, checked, html in parallel.prepare(
                    [(path, shown) for path, shown, _ in new], trusted_html, self.jobs, entries=not translations,
                    meanwhile=meanwhile, keep_words=keep_words):
                fresh[shown] = (text_digest, parsed)
                if checked is not None:
                    self.cache.checked[parsed.raw.key] = checked
                if html is not None:
                    self.cache.html[(trusted_html, parsed.body_key)] = html
        else:
            fresh.update((shown, read_and_parse(path, shown, text)) for path, shown, text in new)
        return fresh

    def _known(self, source: content.SourceFile) -> bool:
        seen = self.cache.seen.get(source.shown)
        return bool(seen) and seen[0] == source.signature and (source.shown, seen[1]) in self.cache.parsed

    def convert_bodies(self, entries: list[Parsed], trusted: bool) -> list[Problem]:
        return convert_bodies(entries, trusted, self.cache.html, self.jobs)

    def render(self, lazy: bool = False) -> tuple[Timeline, dict[str, bytes]]:
        """The whole site in memory: output path -> bytes (or, with `lazy`, Deferred for data files)."""
        try:
            timeline, site_key, event_keys = self.load()
            self.cache.forget_unused()
            files = self.renderer.render(timeline, site_key, event_keys, extra_head=self.extra_head, lazy=lazy)
        except BaseException:
            self.last = None  # the pages drawn last are not this timeline's: the next edit loads everything
            raise
        self.copied = site_copies(self.project)
        return timeline, {**files, **self.copied}


def convert_bodies(entries: list[Parsed], trusted: bool, html: Memo, jobs: int = 1) -> list[Problem]:
    """Convert every body not in `html` yet (in forked processes when there are many: Python-Markdown
    takes about a millisecond an entry) and report the ones it cannot convert, with file and line."""
    todo = {}
    for parsed in entries:
        key = (trusted, parsed.body_key)
        html.used.add(key)
        if key not in html:
            todo.setdefault(parsed.body_key, parsed.raw.body)
    todo = sorted(todo.items())
    texts = [text for _, text in todo]
    if jobs > 1 and len(texts) >= parallel.PARALLEL_FROM:
        results = parallel.to_html(texts, trusted, jobs)
    else:
        results = [convert(MarkdownRenderer(trusted_html=trusted), text) for text in texts]
    failed: dict[bytes, str] = {}
    for (body_key, _), (converted, error) in zip(todo, results):
        if error:
            failed[body_key] = error
        else:
            html[(trusted, body_key)] = converted
    return [Problem(p.raw.file, p.raw.body_line, "body", failed[p.body_key])
            for p in entries if p.body_key in failed]


def site_copies(project: Project) -> dict[str, bytes]:
    """The files published as they are: the templates' static files, and the pictures from content/media/."""
    return {**copied_files(project.static_dir, "static/"), **copied_files(project.media_dir, "media/")}


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


def build(project: Project, output: Path, base_url: str | None = None, drafts: bool = False,
          jobs: int | None = None, use_cache: bool = True, looked: quick.Checked | None = None) -> BuildResult:
    """Build the whole site into `output`. On any problem, raise BuildError and leave `output` as it was.

    Markdown is converted, and pages drawn, in `jobs` forked processes (default: one per core) when
    the site is large; each process writes its pages straight into the new folder. With the cache,
    only files whose inputs changed are drawn; the rest are carried over from the previous output.
    `looked`: quick.look() with the same arguments, when the caller has already taken that first look.
    """
    looked = looked or quick.look(project.root, output, base_url, drafts, use_cache)  # cache point 1
    started, output, version, manifest, inputs = (looked.started, looked.output, looked.version,
                                                  looked.manifest, looked.inputs)
    if looked.finished:
        return BuildResult(looked.finished["events"], looked.finished["pages"], time.perf_counter() - started,
                           output, 0, tuple(Problem(*warning) for warning in looked.finished["warnings"]))
    jobs = jobs or os.cpu_count() or 1
    # The build cache: each output file's fingerprint, and the memos of every entry parsed, checked and converted.
    cache = Stored(project.root, "build", version) if use_cache else None
    options = looked.options
    state = cache.read() if cache else {}
    builder = Builder(project, base_url, drafts, jobs=jobs)
    with collector_paused():
        builder.cache.remember(state)  # cache point 2
        timeline, site_key, event_keys = builder.load()  # config → read → validate → convert → timeline
        specs = page_specs(timeline)  # pages
        fingerprint = Fingerprints(site_key, event_keys)
        prints = {spec.path: fingerprint(spec) for spec in specs}
    # The timeline lives until the process ends: the collector need not walk it again, and workers forked
    # from here do not copy its pages by touching them.
    gc.freeze()
    copied = site_copies(project)
    prints.update((path, hashlib.sha256(data).hexdigest()) for path, data in copied.items())
    same = carried_over(state, prints, output)  # cache point 3
    if len(same) == len(prints) == len(state.get("files", {})):
        drawn = 0  # nothing changed: the output stays as it is, not a byte written
        check_output_folder(output, project.root)
    else:
        drawn = draw_and_write(builder, timeline, [spec for spec in specs if spec.path not in same],
                               {path: data for path, data in copied.items() if path not in same}, same, output, jobs)
    if cache and drawn:  # when nothing was drawn the cache already says all there is to say
        cache.write({"output": str(output), "files": prints, **builder.cache.remembered()})
    pages = sum(path.endswith(".html") for path in prints)
    if manifest:
        manifest.write({"options": options, "inputs": inputs, "outputs": output_status(output),
                        "events": len(timeline.events), "pages": pages,
                        "warnings": [[w.file, w.line, w.field, w.message] for w in builder.warnings]})
    return BuildResult(len(timeline.events), pages, time.perf_counter() - started, output, drawn,
                       tuple(builder.warnings))


def carried_over(state: dict, prints: dict[str, str], output: Path) -> set[str]:
    """The output files whose fingerprint is the one the last build, into this output, wrote them with."""
    previous = state.get("files", {}) if state.get("output") == str(output) and (output / MARKER).is_file() else {}
    return {path for path, value in prints.items() if previous.get(path) == value and (output / path).is_file()}


def draw_and_write(builder: Builder, timeline: Timeline, todo: list, copied: dict[str, bytes], same: set[str],
                   output: Path, jobs: int) -> int:
    """draw → write: a new output folder with the files carried over, the pages drawn and the files
    copied, swapped in for the old one only when every page was drawn. The number of files drawn."""
    with staged(output, builder.project.root) as staging:
        for path in same:
            _carry(output / path, staging / path)
        problems = parallel.draw_into(builder.renderer, timeline, todo, staging, jobs)
        if problems:
            raise BuildError(problems)
        write_files(staging, copied)
    return len(todo)


def _carry(old: Path, new: Path) -> None:
    new.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(old, new)  # the same bytes, for free; the old folder is removed after the swap
    except OSError:
        shutil.copy2(old, new)
