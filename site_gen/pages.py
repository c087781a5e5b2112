"""Which pages a site has: one function for each kind of page, giving each page's URL, template and inputs.

PAGE_KINDS is the table of them; a new kind of page is a function here and a row in it (and, if drawn by
a template, that template). Drawing the pages is render.py's job.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial
from itertools import chain
from typing import NamedTuple

from .kinds import TERM_KINDS, TermKind
from .model import EventEntry
from .outputs.exports import event_schema, events_csv, events_json, timelinejs
from .outputs.feeds import atom, feed_files, json_feed
from .outputs.search import search_index
from .timeline import Event, Timeline, last_updated, latest_first


class Ids:
    """The ids of some events (a list page's `here`: links to them stay on the page), as a set made when
    first asked: after an edit that moves an event the preview lists every page again, 10,000 events'
    worth of term pages, and draws only the few the browser asks for."""

    __slots__ = ("_events", "_ids")

    def __init__(self, events):
        self._events = events
        self._ids: frozenset[str] | None = None

    def __contains__(self, event_id: str) -> bool:
        return event_id in self.ids

    def __iter__(self):
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def ids(self) -> frozenset[str]:
        if self._ids is None:
            self._ids = frozenset(event.id for event in self._events)
        return self._ids


class PageSpec:
    """One output file drawn by a template: where it goes, which template, with what. Read-only once made.

    `deps` names every event whose entry the page shows (itself, its neighbours, its thread); with the
    site-wide inputs (config, templates, free pages) they decide whether a cached page is still exact.
    A context holds only what the page may show, so a template cannot reach beyond its deps by accident.

    `deps` may be given as a function, called when they are first read: after an edit that reorders
    the timeline, the preview makes 10,000 specs whose deps it may never read (its pages are drawn
    when asked for, without fingerprints). For the same reason this is a plain class with slots: a
    frozen dataclass is made several times slower.
    """

    __slots__ = ("path", "template", "context", "_deps", "bodies", "shape", "absolute_links", "make", "lang")

    def __init__(self, path: str, template: str, context: dict | None = None,
                 deps: tuple[Event, ...] | Callable[[], tuple[Event, ...]] = (), bodies: tuple[Event, ...] = (),
                 shape: str = "", absolute_links: bool = False, make: Callable[[], bytes] | None = None):
        self.path = path  # in the output folder, e.g. "events/<id>/index.html"
        self.template = template
        self.context = {} if context is None else context
        self._deps = deps  # events whose front matter the page shows
        self.bodies = bodies  # events whose body it shows too
        self.shape = shape  # anything else it shows that depends on entries (a term's count, its number of pages)
        self.absolute_links = absolute_links  # the 404 page is served at any depth: its links start at the root
        self.make = make  # drawn by code instead of a template (data files)
        self.lang = ""  # "" in the default language; else the code of the language (timeline.languages)

    @property
    def deps(self) -> tuple[Event, ...]:
        if callable(self._deps):
            self._deps = self._deps()  # two threads reading at once both get the same tuple
        return self._deps

    def __repr__(self) -> str:
        return f"PageSpec({self.path!r}, {self.template!r})"


def listed(events: list[Event]) -> tuple[Event, ...]:
    """A list shows each event's card, which shows its thread (or, for a long one, the events it links to)."""
    return tuple(dict.fromkeys(chain(events, chain.from_iterable(map(card_links, events)))))


def card_links(event: Event) -> list[Event] | tuple[Event, ...]:
    return event.thread() or event.linked


INDEX_LIMIT = 150  # the index shows the latest events up to about this many (whole months); years keep the rest


def recent(events: list[Event], limit: int = INDEX_LIMIT) -> list[Event]:
    """The latest whole months holding up to `limit` events (at least one month), oldest first."""
    if len(events) <= limit:
        return events
    cut = len(events) - limit
    month = (events[cut].entry.date.year, events[cut].entry.date.month)
    while cut < len(events) and (events[cut].entry.date.year, events[cut].entry.date.month) == month:
        cut += 1  # start at a month boundary so no month is shown half
    return events[cut:] if cut < len(events) else events[-limit:]


def term_page_path(kind: str, slug: str, number: int) -> str:
    return f"{kind}/{slug}/" + ("" if number == 1 else f"page/{number}/") + "index.html"


def located(events: tuple[Event, ...]) -> tuple[Event, ...]:
    return tuple(event for event in events if event.entry.location)


def event_page_deps(event: Event) -> tuple[Event, ...]:
    """An event's page shows its thread (or, for a long one, the events it links to) and its neighbours."""
    thread = event.thread() or (event, *event.linked)
    deps = tuple(dict.fromkeys((*thread, event.previous, event.next)))  # neighbours: None at the ends
    return tuple(dep for dep in deps if dep is not None) if None in deps else deps


def sitemap_urls(timeline: Timeline) -> list[str]:
    urls = ["/", "/chronological/"] + [e.url for e in timeline.events] + [p.url for p in timeline.pages]
    for kind in TERM_KINDS:
        urls += [t.url for t in timeline.terms(kind) if t.events]
    return urls


def sitemap_entries(timeline: Timeline) -> list[tuple[str, list[tuple[str, str]]]]:
    """(path, [(hreflang, path)] of the same page in every language) for each page in each language;
    the alternates are empty for a site in one language."""
    urls = sitemap_urls(timeline)
    if not timeline.languages:
        return [(url, []) for url in urls]
    folders = [(timeline.config.language, "")] + [(code, "/" + local.prefix) for code, local in
                                                  timeline.languages.items()]
    return [(folder + url, [(code, other + url) for code, other in folders] + [("x-default", url)])
            for _, folder in folders for url in urls]


# One function for each kind of page: (timeline, every event) -> its pages. `every` is one tuple shared by
# all pages that cover every event, so its fingerprint is worked out once (render.Fingerprints).

def index_page(timeline: Timeline, every: tuple[Event, ...]) -> list[PageSpec]:
    shown = recent(timeline.events)
    return [PageSpec("index.html", "index.html", {"timeline": timeline, "events": latest_first(shown),
                                                  "shown_years": {e.entry.date.year for e in shown},
                                                  "here": frozenset(e.id for e in shown),
                                                  "updated": last_updated(timeline.events)}, every)]


def chronological_page(timeline: Timeline, every: tuple[Event, ...]) -> list[PageSpec]:
    """The same events oldest first, one link from the index, as a plain page (no script needed)."""
    return [PageSpec("chronological/index.html", "chronological.html",
                     {"timeline": timeline, "events": timeline.events, "updated": last_updated(timeline.events),
                      "here": frozenset(e.id for e in timeline.events)}, every)]


def event_pages(timeline: Timeline, every: tuple[Event, ...]) -> list[PageSpec]:
    return [PageSpec(f"events/{event.id}/index.html", "event.html", {"event": event},
                     partial(event_page_deps, event), (event,)) for event in timeline.events]


def term_pages(kind: TermKind, timeline: Timeline, every: tuple[Event, ...]) -> list[PageSpec]:
    """The list of a kind's terms, and each term's events split into pages of `kind.per_page`."""
    terms = timeline.terms(kind)
    specs = [PageSpec(f"{kind.folder}/index.html", "terms.html", {"kind": kind.folder, "terms": terms,
                                                                 "timeline": timeline}, every)]
    for term in terms:
        size = kind.per_page or len(term.events) or 1
        chunks = [term.events[i:i + size] for i in range(0, len(term.events), size)] or [[]]
        pager = [term_page_path(kind.folder, term.slug, n) for n in range(1, len(chunks) + 1)]
        for number, chunk in enumerate(chunks, start=1):
            specs.append(PageSpec(pager[number - 1], "term.html",
                                  {"term": term, "events": chunk, "page_number": number,
                                   "here": Ids(chunk),
                                   "pager": ["/" + p.removesuffix("index.html") for p in pager]},
                                  partial(listed, chunk),
                                  shape=f"{len(term.events)} events, page {number} of {len(pager)}"))
    return specs


def free_pages(timeline: Timeline, every: tuple[Event, ...]) -> list[PageSpec]:
    return [PageSpec(f"{page.slug}/index.html", "page.html", {"page": page}) for page in timeline.pages]


def map_page(timeline: Timeline, every: tuple[Event, ...]) -> list[PageSpec]:
    return [PageSpec("map/index.html", "map.html", {"timeline": timeline}, partial(located, every))]


def embed_page(timeline: Timeline, every: tuple[Event, ...]) -> list[PageSpec]:
    return [PageSpec("embed/index.html", "embed.html", {"timeline": timeline}, every)]


def search_file(timeline: Timeline, every: tuple[Event, ...]) -> list[PageSpec]:
    return [PageSpec("search-index.js", "", deps=every, bodies=every, make=lambda: search_index(timeline))]


def feeds(timeline: Timeline, every: tuple[Event, ...]) -> list[PageSpec]:
    specs = []
    for atom_path, json_path, events, title in feed_files(timeline):
        shown = tuple(events)
        specs.append(PageSpec(atom_path, "", deps=shown, bodies=shown,
                              make=lambda e=events, p=atom_path, t=title: atom(timeline, e, p, t)))
        specs.append(PageSpec(json_path, "", deps=shown, bodies=shown,
                              make=lambda e=events, p=json_path, t=title: json_feed(timeline, e, p, t)))
    return specs


def _calendar(timeline: Timeline) -> bytes:
    # Imported here: icalendar takes ~40 ms to import, which every build paid before forking, and only
    # the one process that draws the file needs it.
    from .outputs.calendar import calendar  # noqa: PLC0415
    return calendar(timeline)


def data_files(timeline: Timeline, every: tuple[Event, ...]) -> list[PageSpec]:
    return [PageSpec("data/events.ics", "", deps=every, make=lambda: _calendar(timeline)),
            PageSpec("data/events.json", "", deps=every, bodies=every, make=lambda: events_json(timeline)),
            PageSpec("data/events.csv", "", deps=every, bodies=every,  # it has a body column
                     make=lambda: events_csv(timeline)),
            PageSpec("data/timeline.json", "", deps=every, bodies=every, make=lambda: timelinejs(timeline))]


def site_files(timeline: Timeline, every: tuple[Event, ...]) -> list[PageSpec]:
    """The files no entry changes: the entry schema, the 404 page, the category styles."""
    return [PageSpec("schema/event.json", "", make=lambda: event_schema(timeline.config.base_url)),
            PageSpec("404.html", "404.html", absolute_links=True),
            PageSpec("static/categories.css", "categories.css")]


def sitemap(timeline: Timeline, every: tuple[Event, ...]) -> list[PageSpec]:
    return [PageSpec("sitemap.xml", "sitemap.xml", {"urls": sitemap_entries(timeline)}, every),
            PageSpec("robots.txt", "robots.txt")]


class PageKind(NamedTuple):
    name: str
    pages: Callable[[Timeline, tuple[Event, ...]], list[PageSpec]]
    # What of an entry decides which pages of this kind exist, which events each lists and in which
    # order: an edit that keeps this for every kind keeps every page's list (see selected_by). Required, so a
    # new kind cannot leave it out; tests/test_page_kinds.py checks it against every field of an entry.
    selects: Callable[[EventEntry], object]
    folders: tuple[str, ...] = ()  # the top-level URL folders it writes, which a free page may not take


def _date(entry: EventEntry) -> object:
    return entry.date  # order, and for the index which months are recent


def _nothing(entry: EventEntry) -> tuple:
    return ()


def _term_kind(kind: TermKind) -> PageKind:
    return PageKind(kind.folder, partial(term_pages, kind), lambda entry: (kind.names(entry), entry.date),
                    (kind.folder,))


PAGE_KINDS = (
    PageKind("index", index_page, _date, ("index",)),
    PageKind("chronological", chronological_page, _date, ("chronological",)),
    # An event's page is its id's; it lists its neighbours and its thread. (The preview takes an edit to
    # an id, or to whether an entry is a draft, by loading everything again.)
    PageKind("events", event_pages, lambda entry: (entry.id, entry.draft, entry.date, tuple(entry.responds_to)),
             ("events",)),
    *map(_term_kind, TERM_KINDS),
    PageKind("free pages", free_pages, _nothing),
    PageKind("map", map_page, lambda entry: (entry.location is not None, entry.date), ("map",)),
    PageKind("embed", embed_page, _date, ("embed",)),
    PageKind("search", search_file, _date, ("search",)),
    PageKind("feeds", feeds, lambda entry: (entry.category, entry.date), ("feeds",)),
    PageKind("data", data_files, _date, ("data",)),
    PageKind("site files", site_files, _nothing, ("schema", "404", "static")),
    PageKind("sitemap", sitemap, _date),
)
# Folders the site writes besides: the pictures copied from content/media/.
URL_FOLDERS = frozenset({"media", *(folder for kind in PAGE_KINDS for folder in kind.folders)})


# Kinds drawn once for the whole site, not in each language: the shared files and the sitemap (which
# lists every language's pages).
SITE_WIDE = frozenset({"site files", "sitemap"})


def page_specs(timeline: Timeline) -> list[PageSpec]:
    """Every page: the default language's at the root, then each other language's under its folder."""
    every = tuple(timeline.events)
    specs = [spec for kind in PAGE_KINDS for spec in kind.pages(timeline, every)]
    for code, local in timeline.languages.items():
        every = tuple(local.events)
        for kind in PAGE_KINDS:
            if kind.name not in SITE_WIDE:
                for spec in kind.pages(local, every):
                    spec.path, spec.lang = f"{local.prefix}/{spec.path}", code
                    specs.append(spec)
    return specs


def selected_by(entry: EventEntry) -> tuple:
    """What decides which pages exist and which events each one lists, for every kind of page: an edit
    that keeps it keeps them, so only the pages showing the edited events need drawing again."""
    return tuple(kind.selects(entry) for kind in PAGE_KINDS)
