"""Model stage: validated entries → a Timeline (sorted events, threads, years and taxonomies)."""
from __future__ import annotations

from bisect import insort
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import groupby

from babel.numbers import format_decimal

from . import i18n
from .dates import EventDate, display_range, month_text
from .i18n import N_, gettext
from .kinds import TERM_KINDS, TermKind
from .model import EventEntry, PageEntry, SiteConfig


@dataclass(eq=False)
class Event:
    id: str
    file: str
    entry: EventEntry
    body_html: str
    body_markdown: str = ""
    responds_to: list[Event] = field(default_factory=list)
    responses: list[Event] = field(default_factory=list)  # derived from the other entries' responds_to
    previous: Event | None = None
    next: Event | None = None
    chain: list[Event] = field(default_factory=list)  # set by make_timeline; see thread()
    # The events this one responds to, then its responses: the ones its card names. Set by make_timeline.
    linked: tuple[Event, ...] = ()
    _sort: tuple = field(default=(None, ()), init=False, repr=False)  # (entry, its sort key): see sort_key
    _flags: tuple = field(default=(None, ()), init=False, repr=False)  # (entry, its flags): see flags
    _latest: tuple = field(default=(None, None), init=False, repr=False)  # (entry, its latest day): see latest_day
    # In another language's timeline (languages.localized): the language its words are in when they are
    # the original's ("" when in the page's), the same for its body, its translation, and the name its
    # fingerprint keys go by (render.Fingerprints): "<lang>:<id>".
    lang: str = ""
    body_lang: str = ""
    translation: object = None
    key: str = ""

    def __post_init__(self):
        if not self.key:
            self.key = self.id

    def __repr__(self) -> str:
        # Not the fields: through previous, next and the links, that would spell out the whole timeline
        # many times over (a failing test's report never ended).
        return f"Event({self.id!r})"

    @property
    def url(self) -> str:
        return f"/events/{self.id}/"

    @property
    def year(self) -> int:
        return self.entry.date.year

    @property
    def date_display(self) -> str:
        return display_range(self.entry.date, self.entry.end_date)

    def sort_key(self) -> tuple:
        # Kept with the entry it comes from: the preview, making the timeline again after one edit, sorts
        # 10,000 events without working out 10,000 instants again.
        if self._sort[0] is not self.entry:
            self._sort = (self.entry, (*self.entry.date.sort_key(), self.id))
        return self._sort[1]

    @property
    def latest_day(self) -> tuple[int, int, int] | None:
        """(year, month, day) of the latest day this entry names, its own or a source's (last_updated);
        worked out once per entry: the preview redraws the index after every edit."""
        if self._latest[0] is not self.entry:
            entry = self.entry
            days = [(d.year, d.month, d.day) for d in (entry.end_date or entry.date, *(s.date for s in entry.sources))
                    if d is not None and d.day]
            self._latest = (entry, max(days) if days else None)
        return self._latest[1]

    @property
    def only_weak_sources(self) -> bool:
        """Whether every source is weak (a home page only, an aggregator, an AI-written page: see
        model.WEAK_KINDS). Such an event is flagged to readers on its page and its card, and by site-gen check."""
        return all(source.weak for source in self.entry.sources)

    def figure_groups(self) -> list[tuple[str, list]]:
        """Figures grouped by what they measure, in the order written, so conflicting values sit together."""
        groups: dict[str, list] = {}
        for figure in self.entry.figures:
            groups.setdefault(figure.what, []).append(figure)
        return list(groups.items())

    @property
    def flags(self) -> tuple[Flag, ...]:
        """What is contested in this entry (see contested()), worked out once per entry and kept with it."""
        if self._flags[0] is not self.entry:
            self._flags = (self.entry, contested(self.entry))
        return self._flags[1]

    def thread(self) -> list[Event]:
        """The chain this event belongs to: what it responds to, and what responds to it, followed both
        ways and transitively, in date order. Empty when the chain is longer than THREAD_LIMIT: the page
        then shows only the direct links, so a densely linked timeline stays fast to build and to read."""
        return self.chain if len(self.chain) <= THREAD_LIMIT else []


THREAD_LIMIT = 40


@dataclass(frozen=True)
class Flag:
    """One contested point of an entry, told in words on every card that shows the event. Kept with the
    entry for every language: the words are put together when read, in the language being drawn."""

    kind: str  # "disputed" or "refuted" (a claim), or "figures" (sources give different values)
    subject: str  # the claim's text, or what the figures measure
    by: str = ""  # who made the claim
    figures: tuple = ()  # the figures that differ

    @property
    def label(self) -> str:
        """ "Disputed claim", "Refuted claim", "Range" (what the figures measure)."""
        if self.kind == "figures":
            return self.subject[:1].upper() + self.subject[1:]
        return gettext(CLAIM_FLAGS[self.kind])

    @property
    def text(self) -> str:
        """The claim and who made it, or the spread of values: "900–1,000 km, sources differ"."""
        if self.kind == "figures":
            return gettext("%(spread)s, sources differ") % {"spread": figure_spread(list(self.figures))}
        return gettext("%(claim)s (claimed by %(by)s)") % {"claim": self.subject, "by": self.by}


CONTESTED_STATUSES = ("refuted", "disputed")  # the order they are shown in: the strongest first
CLAIM_FLAGS = {"refuted": N_("Refuted claim"), "disputed": N_("Disputed claim")}
STATUS_NAMES = {"refuted": N_("Refuted"), "disputed": N_("Disputed"), "unverified": N_("Unverified"),
                "confirmed": N_("Confirmed")}


def status_name(status: str) -> str:
    """A claim's status in the reader's words ("Disputed"); one not named here as written, capitalised."""
    return gettext(STATUS_NAMES[status]) if status in STATUS_NAMES else status.capitalize()


def number_text(value: float | int) -> str:
    """1000 -> "1,000"; 358.5 -> "358.5" (a whole float loses its ".0"), in the language being drawn."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _number_text(value, i18n.locale_name(i18n.current()))


@lru_cache(maxsize=1 << 14, typed=True)  # a figure's value is worded on its page, its cards, the search and exports
def _number_text(value: float | int, locale: str) -> str:
    # Every digit as written (no rounding to three places); the locale's separators.
    return format_decimal(value, locale=locale, decimal_quantization=False)


def figure_spread(figures: list) -> str | None:
    """For figures measuring the same thing: "900–1,000 km" when their values differ, else None."""
    values = sorted({(figure.unit, figure.value) for figure in figures}, key=lambda uv: (uv[0], uv[1]))
    if len(values) < 2:
        return None
    units = {unit for unit, _ in values}
    if len(units) == 1:
        unit = units.pop()
        low, high = number_text(values[0][1]), number_text(values[-1][1])
        return f"{low}–{high}" + (f" {unit}" if unit else "")
    return " / ".join(number_text(value) + (f" {unit}" if unit else "") for unit, value in values)


def contested(entry: EventEntry) -> tuple[Flag, ...]:
    """The entry's refuted and disputed claims (in that order), then each measure whose sources give
    different values. The one place this is decided: cards, search results, the embed and exports use it."""
    flags = [Flag(claim.status, claim.text, claim.by)
             for status in CONTESTED_STATUSES for claim in entry.claims if claim.status == status]
    groups: dict[str, list] = {}
    for figure in entry.figures:
        groups.setdefault(figure.what, []).append(figure)
    for what, figures in groups.items():
        if figure_spread(figures):
            flags.append(Flag("figures", what, figures=tuple(figures)))
    return tuple(flags)


def claims_in_order(entry: EventEntry) -> list:
    """Claims for the event page: refuted and disputed first, then the rest as written."""
    rank = {status: number for number, status in enumerate(CONTESTED_STATUSES)}
    return sorted(entry.claims, key=lambda claim: rank.get(claim.status, len(rank)))


def latest_first(events: list[Event]) -> list[Event]:
    """Days newest first; within a day, the order of the timeline (a response after what it answers)."""
    return sorted(events, key=lambda e: (e.entry.date.year, e.entry.date.month or 0, e.entry.date.day or 0),
                  reverse=True)  # sorted() keeps equal keys in their order, reverse=True too


def last_updated(events: list[Event]):
    """The date the timeline is current to: the latest day of any event or source. Taken from the
    content, so a build stays byte-identical whatever the clock says."""
    latest = max((day for e in events if (day := e.latest_day) is not None), default=None)
    return latest and EventDate(*latest)  # the day: times are no news here


def link_chains(events: list[Event]) -> None:
    """Give each event its chain (see Event.thread): the events joined to it by responds_to links, either
    way. Found once for the whole timeline (union-find), not walked again from every event."""
    parent = {event: event for event in events}

    def root(event: Event) -> Event:
        while parent[event] is not event:
            parent[event] = parent[parent[event]]  # path halving keeps the trees flat
            event = parent[event]
        return event

    for event in events:
        for target in event.responds_to:
            parent[root(event)] = root(target)
    chains: dict[Event, list[Event]] = {}
    for event in events:  # in date order, so each chain is too
        event.chain = chains.setdefault(root(event), [])
        event.chain.append(event)


@dataclass(eq=False)
class Page:
    slug: str
    file: str
    entry: PageEntry
    body_html: str
    lang: str = ""  # as Event.lang, Event.body_lang and Event.translation
    body_lang: str = ""
    translation: object = None

    @property
    def url(self) -> str:
        return f"/{self.slug}/"


@dataclass
class Term:
    """A category, actor, tag or year, with the events filed under it."""

    kind: str  # "categories", "actors", "tags", "years"
    slug: str
    name: str
    description: str = ""
    colour: str = ""
    symbol: str = ""
    events: list[Event] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"/{self.kind}/{self.slug}/"


@dataclass
class Timeline:
    config: SiteConfig
    events: list[Event]
    pages: list[Page]
    years: list[Term]
    categories: list[Term]
    actors: list[Term]
    tags: list[Term]  # one field for each of kinds.TERM_KINDS, named by its folder
    lang: str = ""  # "" in the default language; else its code, with its URL folder (`prefix`)
    prefix: str = ""
    languages: dict = field(default_factory=dict)  # the default timeline's: code -> that language's Timeline

    def terms(self, kind: TermKind) -> list[Term]:
        return getattr(self, kind.folder)

    @property
    def by_id(self) -> dict[str, Event]:
        return {event.id: event for event in self.events}


def group_by_month(events: list[Event]) -> list[tuple[int, list[tuple[str, list[Event]]]]]:
    """[(year, [(month heading, events)])], for the grouped lists on the index and term pages: "January
    2026", "2026년 1월", in the language being drawn."""
    result = []
    language = i18n.current()
    for year, in_year in groupby(events, key=lambda e: e.entry.date.year):
        months = []
        for month, in_month in groupby(in_year, key=lambda e: e.entry.date.month or 0):
            heading = (month_text(year, month, language) if month else
                       gettext("Date within the year unknown %(year)s") % {"year": year})
            months.append((heading, list(in_month)))
        result.append((year, months))
    return result


def make_timeline(config: SiteConfig, events: list[Event], pages: list[Page]) -> Timeline:
    # Every link is set afresh (the preview makes a timeline again from the events it has), each event's
    # once, from lists made apart: a page drawn meanwhile from the old timeline never sees them empty.
    events = sorted(events, key=Event.sort_key)
    by_id = {event.id: event for event in events}
    responds_to = {event: [by_id[target] for target in event.entry.responds_to if target in by_id]
                   for event in events}
    responses: dict[Event, list[Event]] = {event: [] for event in events}
    for event in events:
        for target in responds_to[event]:
            responses[target].append(event)  # events are in date order, so responses are too
    for position, event in enumerate(events):
        event.responds_to, event.responses = responds_to[event], responses[event]
        event.linked = (*event.responds_to, *event.responses)
        event.previous = events[position - 1] if position else None
        event.next = events[position + 1] if position + 1 < len(events) else None
    link_chains(events)

    return Timeline(config, events, sorted(pages, key=lambda p: p.slug),
                    **{kind.folder: make_terms(kind, config, events) for kind in TERM_KINDS})


def make_terms(kind: TermKind, config: SiteConfig, events: list[Event]) -> list[Term]:
    """The terms of one kind, each with its events in date order: the config's own in its order (editors
    choose it), or those the entries name, sorted."""
    terms = {slug: Term(kind.folder, slug, term.name, term.description, term.colour, getattr(term, "symbol", ""))
             for slug, term in kind.defined(config).items()} if kind.defined else {}
    names = kind.names
    for event in events:
        for name in names(event.entry):
            if name not in terms:
                terms[name] = Term(kind.folder, name, kind.term_name(config, name))
            terms[name].events.append(event)
    return list(terms.values()) if kind.defined else [terms[name] for name in sorted(terms, key=kind.order)]


def moved_in_timeline(timeline: Timeline, before: dict[Event, EventEntry]) -> Timeline:
    """The timeline after some of its events were given new entries that move them (a new date,
    category, actors or tags) but link them as before (the same responds_to): `before` holds each moved
    event's previous entry, and the events already hold their new ones.

    The same result as make_timeline over the same events, in a few milliseconds instead of ~60 at
    10,000 events: only the moved events are taken out and put back in order, and only the lists
    they are in, or come into, are made again. Lists are made anew and each link is set once, as in
    make_timeline: a page drawn meanwhile from the old timeline sees the old lists whole."""
    by_key = Event.sort_key
    events = list(timeline.events)
    touched = set(before)  # events whose neighbours may change: the moved ones and those around them
    for event in before:
        touched.update(e for e in (event.previous, event.next) if e is not None)
        events.remove(event)
    for event in before:
        insort(events, event, key=by_key)
    positions = {event: events.index(event) for event in before}
    touched.update(events[i] for p in positions.values() for i in (p - 1, p + 1) if 0 <= i < len(events))
    for event in touched:
        position = positions.get(event)
        if position is None:
            position = events.index(event)
        event.previous = events[position - 1] if position else None
        event.next = events[position + 1] if position + 1 < len(events) else None
    for event in before:
        # Responses, and threads, are in date order: those holding a moved event are sorted again.
        for target in event.responds_to:
            target.responses = sorted(target.responses, key=by_key)
            target.linked = (*target.responds_to, *target.responses)
        chain = sorted(event.chain, key=by_key)
        for member in chain:
            member.chain = chain

    terms = {kind.folder: _regrouped(kind, timeline.config, timeline.terms(kind), before) for kind in TERM_KINDS}
    return Timeline(timeline.config, events, timeline.pages, **terms)


def _regrouped(kind: TermKind, config: SiteConfig, terms: list[Term], before: dict[Event, EventEntry]) -> list[Term]:
    """`terms` with the moved events taken out of those they were in and put in those they are in now;
    a term the entries made goes when left without events."""
    names, by_key = kind.names, Event.sort_key
    wanted = {name for event, entry in before.items() for name in (*names(entry), *names(event.entry))}
    by_slug = {term.slug: term for term in terms}
    for slug in wanted:
        term = by_slug.get(slug) or Term(kind.folder, slug, kind.term_name(config, slug))
        listed = [e for e in term.events if e not in before]
        for event in before:
            if slug in names(event.entry):
                insort(listed, event, key=by_key)
        by_slug[slug] = replace(term, events=listed)
    if kind.defined:
        return list(by_slug.values())
    return sorted((term for term in by_slug.values() if term.events), key=lambda term: kind.order(term.slug))
