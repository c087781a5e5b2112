"""`site-gen check`: every check a build makes, with nothing written, then what an editor should know
before publishing (warnings, each with its file and line).

The build's own stages do the checking (Builder.render: load, validate, model, and every page drawn in
memory), so a site that passes here builds, and one that fails here fails the build the same way.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from itertools import combinations, groupby

from . import content, links
from .build import Builder, Project
from .problems import Problem
from .timeline import Event, Timeline

# Titles of events on the same day at least this alike (difflib's ratio, 0 to 1) may be the same event
# entered twice. The bundled timeline's most alike same-day titles, different events, score 0.48.
DUPLICATE_RATIO = 0.6


@dataclass
class Checked:
    timeline: Timeline
    warnings: list[Problem]
    links: links.LinkReport | None = None  # with `links`: what the addresses answered
    addresses: int = 0  # how many different addresses the sources give
    translations: list[str] = field(default_factory=list)  # per language: what is translated, stale, missing


def run_check(project: Project, drafts: bool = False, check_links: bool = False, use_cache: bool = True,
              timeout: float = links.TIMEOUT) -> Checked:
    """Load, validate and render the site in memory (raising BuildError as a build would), then warn;
    with `check_links`, ask every source address too (the only time the network is touched)."""
    builder = Builder(project, drafts=drafts)
    timeline, _ = builder.render()
    line = Lines(project)
    checked = Checked(timeline, warnings(timeline, line) + builder.warnings,
                      translations=translation_report(timeline, builder.translations))
    if check_links:
        places = links.link_places(timeline)
        checked.links = links.check_addresses(list(places), project.root / links.CACHE_FILE, use_cache, timeout)
        checked.addresses = len(places)
        checked.warnings = sorted(checked.warnings + links.link_warnings(places, checked.links.answers, line))
    return checked


class Lines:
    """Where a field is in an entry's file, found only for the entries that get a warning."""

    def __init__(self, project: Project):
        self.project = project
        self._raw: dict[str, content.RawEntry | None] = {}

    def __call__(self, file: str, *loc: str | int) -> int:
        if file not in self._raw:
            text, _ = content.read_text(self.project.root / file, file)
            self._raw[file] = content.parse_entry(text, file)[0] if text is not None else None
        raw = self._raw[file]
        return content.line_of(raw, loc) if raw is not None else 1


def translation_report(timeline: Timeline, translations: dict) -> list[str]:
    """For each other language: how many events and pages are translated, and which are stale or missing
    (a missing one is named by the file that would hold it)."""
    from .languages import language_name  # noqa: PLC0415

    lines = []
    config = timeline.config
    for code in config.languages:
        parts, details = [], []
        for kind, items in (("event", timeline.events), ("page", timeline.pages)):
            done = [translations.get((code, kind, item.id if kind == "event" else item.slug)) for item in items]
            stale = [t for t in done if t is not None and not t.current]
            missing = [item for item, t in zip(items, done) if t is None]
            count = f"{len(items)} {kind}{'s' if len(items) != 1 else ''}"
            translated = len(items) - len(missing)
            parts.append(f"{count}, " + (f"{translated} translated" + (f" ({len(stale)} stale)" if stale else "") + ", "
                                         if translated else "") + f"{len(missing)} missing")
            for item, t in zip(items, done):
                if t is not None and not t.current:
                    details.append(f"  stale: {t.file} ({item.file} changed since)")
            details += [f"  missing: {_translation_file(item.file, code)}" for item in missing]
        lines.append(f"Translations in {code} ({language_name(config, code)}): " + "; ".join(parts))
        lines += details
    return lines


def _translation_file(original: str, code: str) -> str:
    path = PurePosixPath(original)
    return str(path.with_name(f"{path.stem}.{code}.md"))


def warnings(timeline: Timeline, line: Lines) -> list[Problem]:
    found: list[Problem] = []
    for event in timeline.events:
        found += source_warnings(event, line)
        found += thread_warnings(event, line)
    found += duplicate_warnings(timeline.events, line)
    return sorted(found)


def source_warnings(event: Event, line: Lines) -> list[Problem]:
    found = []
    sources = event.entry.sources
    if event.only_weak_sources:
        kinds = ", ".join(sorted({source.kind for source in sources}))
        found.append(Problem(event.file, line(event.file, "sources"), "sources",
                             f"only weak sources ({kinds}): the page says \"Only secondary sources\"; cite the "
                             "original report or statement if you can"))
    # A database (the CNS record, for example) is a first-hand record of the facts it holds, and is
    # cited as a whole, revised as it goes: it needs no press report beside it, and has no date of its own.
    elif not any(source.kind in ("article", "database") for source in sources):
        kinds = ", ".join(sorted({source.kind for source in sources}))
        found.append(Problem(event.file, line(event.file, "sources"), "sources",
                             f"no article-level source: no press report at its own address (kinds: {kinds})"))
    for index, source in enumerate(sources):
        if source.date is None and source.kind != "database":
            found.append(Problem(event.file, line(event.file, "sources", index), f"sources[{index}].date",
                                 f"source {source.publisher!r} has no date"))
    return found


def _before(first: Event, then: Event) -> bool:
    """Whether `first` is dated before `then`: by the instant when both have a time, else by the order
    the timeline shows them in (on one day, a bare date after the timed events)."""
    a, b = first.entry.date.instant, then.entry.date.instant
    if a is not None and b is not None:
        return a < b
    return first.sort_key() < then.sort_key()


def thread_warnings(event: Event, line: Lines) -> list[Problem]:
    """A response dated before what it responds to (the build refuses one on an earlier day; on the same
    day, times or a missing time can still put it first)."""
    found = []
    for target in event.responds_to:
        if _before(event, target):
            index = event.entry.responds_to.index(target.id)
            found.append(Problem(event.file, line(event.file, "responds_to", index), f"responds_to[{index}]",
                                 f"the thread goes back in time: this event ({event.entry.date}) comes before "
                                 f"{target.id!r} ({target.entry.date}), which it responds to"))
    return found


def _same_day(events: Iterable[Event]) -> Iterable[list[Event]]:
    dated = (event for event in events if event.entry.date.day is not None)
    for _, group in groupby(dated, key=lambda event: event.entry.date.first_day):
        group = list(group)
        if len(group) > 1:
            yield group


def duplicate_warnings(events: list[Event], line: Lines) -> list[Problem]:
    """Events on the same day with similar titles: perhaps one event entered twice."""
    found = []
    for group in _same_day(events):
        for first, second in combinations(group, 2):
            matcher = difflib.SequenceMatcher(None, first.entry.title.casefold(), second.entry.title.casefold())
            if matcher.quick_ratio() >= DUPLICATE_RATIO and matcher.ratio() >= DUPLICATE_RATIO:
                found.append(Problem(second.file, line(second.file, "title"), "title",
                                     f"possible duplicate of {first.file} (same day, similar title: "
                                     f"{first.entry.title!r})"))
    return found
