"""Edits taken in place: after a save to known events, the preview changes those events in memory and
redraws only the pages that show them, instead of loading every file again.

An edit that keeps what every kind of page selects events by (pages.selected_by) keeps every page and its
lists: only the pages showing an edited event are drawn again. One that changes it (a date, a category,
a tag, a place, a link) is checked against the other entries, then the timeline is made again from the
events in memory (when the links are as they were, only the moved events' places: moved_in_timeline)
and every page is drawn again. Anything else (a new, deleted or broken entry, a template or config
edit, or a previous build that failed) loads everything again, as a build does.

On a site in several languages each event has a copy in each (timeline.languages). An edit to an entry,
or to its translations (`<id>.<lang>.md` created, changed or deleted), that keeps the lists as they are
is taken in place in every language: the translations are checked again against the original as it is
now (so a stale one is noticed, and one brought up to date is not), each copy given its words, and only
the pages showing a copy whose keys changed are drawn. One that moves an event does the same, then makes
each language's timeline again from its copies as the default one is. A translation with a problem
loads everything again (the full load reports it with every other).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .. import content, languages, validate
from ..build import Builder
from ..entries import Parsed, digest, key, parse
from ..pages import selected_by
from ..timeline import Event, Timeline, make_timeline, moved_in_timeline
from ..translations import translation_parts


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
        """Take in edits to event files that keep each event's id (and whether it is a draft), and to those
        events' translations (created, changed or deleted): only those files are read again, and their
        events changed in place, in every language. None when the edit needs a full load."""
        if self.last is None:
            return None
        languages_on = bool(self.last.timeline.languages)
        edits, translated = [], {}  # translated: (lang, event id) -> the path of its translation file touched
        for path in changed:
            if translation_parts(Path(path).name):
                target = self._translation_edit(path) if languages_on else None
                if target is None:
                    return None
                translated[target] = path
                continue
            edit = self._read_edit(path)
            if edit is None:
                return None
            edits.append(edit)
        moved = {event for event, _, entry in edits if selected_by(entry) != selected_by(event.entry)}
        reshaped = bool(moved)
        if self._cross_problems(edits, reshaped):
            return None  # a full load reports them, with every other problem there is
        if self.convert_bodies([parsed for _, parsed, _ in edits], self.last.timeline.config.trusted_html):
            return None
        local = self._local_edits(edits, translated) if languages_on else []
        if local is None:
            return None
        relinked = any(event.entry.responds_to != entry.responds_to for event, _, entry in edits)
        in_languages = self.last.timeline.languages
        # The moved events' copies in each language, with their entries before the edit.
        moved_ids = {event.id for event in moved}
        moved_copies = {lang: {e: e.entry for e in timeline.events if e.id in moved_ids}
                        for lang, timeline in in_languages.items()} if moved else {}
        taken = self._apply(edits, reshaped)
        if not local:
            return taken
        front_changed, body_changed = self._apply_local(local, in_languages)
        if reshaped:  # each language's timeline made again from its copies, as the default one was
            taken.timeline.languages = {lang: _reshaped(timeline, moved_copies[lang], relinked)
                                        for lang, timeline in in_languages.items()}
        return InPlace(taken.timeline, taken.front_changed | front_changed, taken.body_changed | body_changed,
                       reshaped)

    def _translation_edit(self, path: str) -> tuple[str, str] | None:
        """(language, event id) of a translation file of a known event, in one of the site's languages; None
        for any other (a page's translation, an unknown language or id: a full load sees to it)."""
        event_id, lang = translation_parts(Path(path).name)
        events_dir = content.display_path(self.project.events_dir, self.project.root)
        shown = content.display_path(Path(path), self.project.root)
        if (lang not in self.last.timeline.languages or event_id not in self.last.by_id
                or not shown.startswith(events_dir + "/")):
            return None
        return lang, event_id

    def _local_edits(self, edits: list, translated: dict[tuple[str, str], str]) -> list | None:
        """For each language, each event edited or whose translation file was touched: (lang, event, that
        translation parsed as its file is now, or None when it has none, the Translation checked against the
        original as it is now). None when a translation has a problem: a full load reports it."""
        last, config = self.last, self.last.timeline.config
        originals = {event.id: (event, parsed.raw) for event, parsed, _ in edits}
        for _, event_id in translated:
            if event_id not in originals:
                event = last.by_id[event_id]
                originals[event_id] = (event, last.parsed[event.file].raw)
        result = []
        for lang in config.languages:
            for event_id, (event, original) in sorted(originals.items()):
                known = self.translations.get((lang, "event", event_id))
                if (lang, event_id) in translated:
                    path = translated[(lang, event_id)]
                    shown = content.display_path(Path(path), self.project.root)
                    if known is not None and known.file != shown:
                        return None  # a second translation into the same language: the full load says so
                    item = self._read_translation(path, shown)
                    if item is False:
                        return None
                else:
                    item = self.translation_files[known.file] if known else None
                if item is None:
                    result.append((lang, event, None, None))
                    continue
                translation, problems = languages.check_translation(item.raw, lang, original, False)
                if problems or validate.body_problems(item.raw):
                    return None
                result.append((lang, event, item, translation))
        if self.convert_bodies([item for _, _, item, _ in result if item is not None], config.trusted_html):
            return None
        return result

    def _read_translation(self, path: str, shown: str) -> Parsed | None | bool:
        """A translation file as it is now: Parsed; None when it is gone; False when it cannot be read or
        parsed (the full load reports why)."""
        if not Path(path).is_file():
            return None
        text, problem = content.read_text(path, shown)
        if problem:
            return False
        memo_key = (shown, digest(text))
        parsed = self.cache.parsed.get(memo_key) or parse(text, shown)
        if parsed.raw is None:
            return False
        self.cache.parsed[memo_key] = parsed
        self.cache.parsed.used.add(memo_key)
        return parsed

    def _apply_local(self, local: list, in_languages: dict[str, Timeline]) -> tuple[frozenset[Event], frozenset[Event]]:
        """Each event's copy in each language given its translation's words as they are now (in place: the
        lists holding it stay as they are), its keys, and the warning if the translation is stale. The
        copies whose front matter and whose body changed."""
        last = self.last
        config = last.timeline.config
        front_changed, body_changed = set(), set()
        wanted = {(lang, event.id) for lang, event, _, _ in local}
        copies = {lang: {e.id: e for e in timeline.events if (lang, e.id) in wanted}  # lang -> id -> its copy
                  for lang, timeline in in_languages.items()}
        for lang, event, item, translation in local:
            copy = copies[lang][event.id]
            old = self.translations.pop((lang, "event", event.id), None)
            if old is not None:
                self.translation_files.pop(old.file, None)
                self.warnings = [w for w in self.warnings if w.file != old.file]
            html = self.cache.html[(config.trusted_html, item.body_key)] if item is not None else None
            for name, value in languages.localized_words(event, translation, html, config.language).items():
                setattr(copy, name, value)
            front_key, body_key = last.event_keys[event.id]
            if item is not None:
                # as Builder.add_languages keys it: the original's with its translation's
                front_key = key(front_key.hex(), item.front_key.hex())
                body_key = key(body_key.hex(), item.body_key.hex())
                self.translations[(lang, "event", event.id)] = translation
                self.translation_files[translation.file] = item
                if not translation.current:
                    original = last.parsed[event.file].raw
                    self.warnings.append(languages.stale_warning(
                        translation, original.file, languages.original_words(original).digest,
                        content.line_of(item.raw, ("translated_from",))))
            before = last.event_keys.get(copy.key)
            if before is None or before[0] != front_key:
                front_changed.add(copy)
            if before is None or before[1] != body_key:
                body_changed.add(copy)
            last.event_keys[copy.key] = (front_key, body_key)
        self.warnings.sort(key=lambda warning: warning.file)  # in the order a full load finds them
        return frozenset(front_changed), frozenset(body_changed)

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


def _reshaped(timeline: Timeline, before: dict[Event, object], relinked: bool) -> Timeline:
    """A language's timeline after its copies of moved events were given their new entries (`before`:
    their entries until then): made again when links changed, else only the moved copies put in place."""
    if relinked:
        made = make_timeline(timeline.config, list(timeline.events), timeline.pages)
    else:
        made = moved_in_timeline(timeline, before)
    made.lang, made.prefix = timeline.lang, timeline.prefix
    return made


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
