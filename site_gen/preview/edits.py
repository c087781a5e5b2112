"""Edits taken in place: after a save to known events, the preview changes those events in memory and
redraws only the pages that show them, instead of loading every file again.

An edit that keeps what every kind of page selects events by (pages.selected_by) keeps every page and its
lists: only the pages showing an edited event are drawn again. One that changes it (a date, a category,
a tag, a place, a link) is checked against the other entries, then the timeline is made again from the
events in memory (when the links are as they were, only the moved events' places: moved_in_timeline)
and every page is drawn again. Anything else (a new, deleted or broken entry, a template or config
edit, or a previous build that failed) loads everything again, as a build does.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .. import content, validate
from ..build import Builder
from ..entries import Parsed, digest, parse
from ..pages import selected_by
from ..timeline import Event, Timeline, make_timeline, moved_in_timeline


@dataclass(frozen=True)
class InPlace:
    """Edits taken in place, and what they changed."""

    timeline: Timeline
    front_changed: frozenset[Event]  # events whose front matter changed
    body_changed: frozenset[Event]  # events whose body changed
    reshaped: bool  # the timeline's shape changed: it was made again from the events in memory


class PreviewBuilder(Builder):
    """A Builder that takes edits to known events in place (see the module's docstring)."""

    taken: InPlace | None = None  # how the last render took the edits; None: everything was loaded again

    def render(self, lazy: bool = False, changed: set[str] | None = None) -> tuple[Timeline, dict[str, bytes]]:
        """As Builder.render; `changed`, the files the watcher saw change, lets an edit to known events be
        taken in place."""
        try:
            self.taken = self.take_in_place(changed) if changed else None
            if self.taken is None:
                return super().render(lazy)
            last, taken = self.last, self.taken
            if taken.reshaped:  # which pages exist, and what each lists, may have changed: all are rendered
                files = self.renderer.render(taken.timeline, last.site_key, last.event_keys,
                                             extra_head=self.extra_head, lazy=lazy, reshaped=True)
            else:
                files = self.renderer.update(taken.timeline, last.site_key, last.event_keys, taken.front_changed,
                                             taken.body_changed, extra_head=self.extra_head, lazy=lazy)
        except BaseException:
            self.last = None  # the pages drawn last are not this timeline's: the next edit loads everything
            raise
        return taken.timeline, {**files, **self.copied}

    def take_in_place(self, changed: set[str]) -> InPlace | None:
        """Take in edits to event files that keep each event's id (and whether it is a draft): only those
        files are read again, and their events changed in place. None when the edit needs a full load."""
        if self.last is None or self.last.timeline.languages:
            # With other languages, each event has a copy per language: a full load makes them all again
            # (from memos: only the edited file is read), and fingerprints redraw only the pages it changes.
            return None
        edits = []
        for path in changed:
            edit = self._read_edit(path)
            if edit is None:
                return None
            edits.append(edit)
        reshaped = any(selected_by(entry) != selected_by(event.entry) for event, _, entry in edits)
        if self._cross_problems(edits, reshaped):
            return None  # a full load reports them, with every other problem there is
        if self.convert_bodies([parsed for _, parsed, _ in edits], self.last.timeline.config.trusted_html):
            return None
        return self._apply(edits, reshaped)

    def _read_edit(self, path: str) -> tuple[Event, Parsed, object] | None:
        """(the event, its file parsed again, its new entry), or None unless the file is a known event's and
        it still checks, with the same id and draft state."""
        last = self.last
        shown = content.display_path(Path(path), self.project.root)
        event = last.events.get(shown)
        if event is None:
            return None  # not an event this site has: a new file, a page, a template...
        text, problem = content.read_text(path, shown)
        if problem:
            return None
        key = (shown, digest(text))
        parsed_memo, checked = self.cache.parsed, self.cache.checked
        parsed = parsed_memo.get(key) or parse(text, shown)
        if parsed.raw is None:
            return None
        parsed_memo[key] = parsed
        parsed_memo.used.add(key)
        entry, problems = validate.check_event(parsed.raw, checked, checked.used)
        if (entry is None or problems or validate.event_id_of(parsed.raw) != event.id
                or entry.draft != event.entry.draft):
            return None
        return event, parsed, entry

    def _apply(self, edits: list, reshaped: bool) -> InPlace:
        """The edited events given their new entries and bodies, and the timeline made again if they moved."""
        last = self.last
        trusted = last.timeline.config.trusted_html
        # The moved events, with their entries before the edit.
        moved = {event: event.entry for event, _, entry in edits if selected_by(entry) != selected_by(event.entry)}
        relinked = any(event.entry.responds_to != entry.responds_to for event, _, entry in edits)
        front_changed, body_changed = set(), set()
        for event, parsed, entry in edits:
            before = last.parsed[event.file]
            if parsed.front_key != before.front_key:
                front_changed.add(event)
                event.entry = entry
            if parsed.body_key != before.body_key:
                body_changed.add(event)
                event.body_html = self.cache.html[(trusted, parsed.body_key)]
                event.body_markdown = parsed.raw.body
            last.parsed[event.file] = parsed
            last.event_keys[event.id] = (parsed.front_key, parsed.body_key)
        if relinked:
            last.timeline = make_timeline(last.timeline.config, list(last.events.values()), last.timeline.pages)
        elif reshaped:  # the same links, events moved: only what they leave and join is made again
            last.timeline = moved_in_timeline(last.timeline, moved)
        return InPlace(last.timeline, frozenset(front_changed), frozenset(body_changed), reshaped)

    def _cross_problems(self, edits: list, reshaped: bool) -> bool:
        """Whether the edited entries fail a check against the others (validate.cross_problems): their
        picture always; for a new shape, their category, actors and links, and the date order of the
        events that respond to them."""
        last = self.last
        content_dir = self.project.content_dir
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
