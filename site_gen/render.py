"""Render stage: the Jinja environment that draws the pages pages.py lists, and what a redraw may skip."""
from __future__ import annotations

import hashlib
import threading
import traceback
from operator import attrgetter
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape

from . import i18n, parallel
from .compiled import TranslatingEnvironment
from .dates import date_text, short_date, when_texts, year_text
from .kinds import TERM_KINDS, tag_name
from .languages import all_languages, language_name, prefix_of
from .model import SiteConfig
from .outputs.exports import json_ld
from .outputs.pictures import event_map, month_chart, overview, places
from .pages import PageSpec, card_links, page_specs
from .problems import BuildError, Problem
from .timeline import (Event, Timeline, claims_in_order, group_by_month, last_updated, latest_first, number_text,
                       status_name)


# Folders every language shares: their links from a page in /ko/ lead to the site root, not /ko/.
SHARED_FOLDERS = ("static/", "media/", "schema/")


def link_maker(page_path: str, base_url: str, absolute: bool, lang_prefix: str = "",
               root: str | None = None) -> Callable[[str], str]:
    """`url('/events/x/')` as seen from `page_path`.

    Links are relative, so the site works at a domain root, under a sub-path (GitHub project pages)
    and opened from disk; folder links name their index.html, which file:// needs. On a page in another
    language (under `lang_prefix`/), a site path leads to that language's page; `url.root(path)` to
    the path at the site root (`url.root('ko/events/x/')`, the language switch). `root`: the way back to
    the site root to write instead of the page's own (a card drawn for pages at any depth, CARD_ROOT).
    """
    base_path = urlsplit(base_url).path or "/"
    # Every target is a site path, so the way back to the site root is the same for all of them.
    if root is None:
        root = base_path if absolute else "../" * page_path.count("/")
    prefix = root + lang_prefix + "/" if lang_prefix else root

    def link(start: str, path: str, fragment: str) -> str:
        if not absolute and (path == "" or path.endswith("/")):
            path += "index.html"
        return start + path + (f"#{fragment}" if fragment else "")

    def url(target: str) -> str:
        path, _, fragment = target.partition("#")
        path = path.lstrip("/")
        return link(root if path.startswith(SHARED_FOLDERS) else prefix, path, fragment)

    url.root = lambda target: link(root, target.partition("#")[0].lstrip("/"), target.partition("#")[2])
    url.prefix = prefix  # pages with the same way back to the root can share drawn fragments
    url.way_back, url.absolute = root, absolute
    return url


# Stands for the way back to the site root in a drawn card; NUL, which no card's text can hold (YAML, where
# every word of a card comes from, allows no NUL), so replacing it touches nothing else.
CARD_ROOT = "\0"


def css_string(text: str) -> str:
    """A CSS string literal (for `content:`), whatever the text holds."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ") + '"'


_environments: dict[tuple[Path, str], jinja2.Environment] = {}
_environments_lock = threading.Lock()


def make_environment(templates: Path, language: str = i18n.SOURCE_LANGUAGE) -> jinja2.Environment:
    """The Jinja environment for drawing pages in `language`: its interface catalog installed for
    `{{ _("...") }}` and `{% trans %}` (newstyle gettext: autoescaped, with named placeholders). Made once
    per templates folder and language, so each template is compiled once per language."""
    key = (Path(templates), language)
    with _environments_lock:
        if key not in _environments:
            _environments[key] = _new_environment(Path(templates), language)
        return _environments[key]


def term_name(term) -> str:
    """A term as readers see it: a year worded in their language ("2026년"), any other by its name."""
    return year_text(int(term.slug)) if term.kind == "years" else term.name


def _new_environment(templates: Path, language: str) -> jinja2.Environment:
    env = TranslatingEnvironment(  # auto_reload: an edited template is compiled again on its next use
        loader=jinja2.FileSystemLoader(templates),
        extensions=["jinja2.ext.i18n"],  # every string a reader sees goes through _() / {% trans %}
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,  # a misspelt variable is an error, not an empty string
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.policies["ext.i18n.trimmed"] = True  # {% trans %} blocks as one line, as site_gen/locale/babel.cfg extracts them
    env.install_gettext_translations(i18n.translations(language), newstyle=True)
    env.translate = i18n.translations(language).gettext  # strings with nothing to fill in: at compile time
    # Dates, numbers and code-worded strings follow i18n.current(), which each drawing sets (make_drawer).
    env.globals.update(group_by_month=group_by_month, month_chart=month_chart, event_map=event_map,
                       places=places, json_ld=json_ld, overview=overview, when_texts=when_texts,
                       short_date=short_date, date_text=date_text, number_text=number_text, year_text=year_text,
                       status_name=status_name, term_name=term_name,
                       tag_name=tag_name, claims_in_order=claims_in_order,
                       last_updated=last_updated, latest_first=latest_first, language=language,
                       term_kinds={kind.folder: kind for kind in TERM_KINDS})
    env.filters["css_string"] = css_string
    if "gettext" not in env.globals:  # until catalogs are installed, the strings as written
        env.install_null_translations(newstyle=True)
    return env


def _template_problem(error: Exception, templates: Path) -> Problem:
    """Point at the template line that failed (Jinja puts template frames in the traceback)."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        name = error.filename or error.name or "?"
        return Problem(_shown(name, templates), error.lineno or 1, "template", error.message or str(error))
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.startswith(str(templates)):
            return Problem(_shown(frame.filename, templates), frame.lineno or 1, "template",
                           f"{type(error).__name__}: {error}")
    return Problem(str(templates), 1, "template", f"{type(error).__name__}: {error}")


def _shown(filename: str, templates: Path) -> str:
    path = Path(filename)
    try:
        return (templates.name / path.relative_to(templates)).as_posix()
    except ValueError:
        return filename


class Deferred:
    """A file made on first use (`make(*args)`), then kept. The preview holds one for each of 10,000 pages:
    slots, and no partial, keep that cheap to set up."""

    __slots__ = ("_make", "_args", "_data", "_lock")

    def __init__(self, make: Callable[..., bytes], *args):
        self._make = make
        self._args = args
        self._data: bytes | None = None
        self._lock = threading.Lock()  # the server thread may ask while the build thread holds it

    @property
    def made(self) -> bool:
        return self._data is not None

    def __call__(self) -> bytes:
        with self._lock:
            if self._data is None:
                self._data = self._make(*self._args)
            return self._data


def make_drawer(env: jinja2.Environment, timeline: Timeline, extra_head: str = "",
                language: str = i18n.SOURCE_LANGUAGE, keep_cards: bool = True) -> Callable[[PageSpec], bytes]:
    """A function that draws one page, in the language its spec says (PageSpec.lang; `language` for the
    default language's pages), each language with its own environment (its interface catalog).
    `keep_cards`: keep each drawn card for the next page that lists it (language_drawer)."""
    drawers: dict[str, Callable[[PageSpec], bytes]] = {}
    templates = Path(env.loader.searchpath[0])

    def draw(spec: PageSpec) -> bytes:
        if spec.lang not in drawers:
            local = timeline.languages[spec.lang] if spec.lang else timeline
            code = spec.lang or language
            drawers[spec.lang] = language_drawer(env if code == language else make_environment(templates, code),
                                                 local, timeline.config, extra_head, code, keep_cards)
        return drawers[spec.lang](spec)

    return draw


def language_drawer(env: jinja2.Environment, timeline: Timeline, default: SiteConfig, extra_head: str = "",
                    language: str = i18n.SOURCE_LANGUAGE, keep_cards: bool = True) -> Callable[[PageSpec], bytes]:
    """Draws the pages of one language's timeline; it shares drawn cards, and the macros, between them.
    `default` is the default language's config: the links to a page in every language come from it.
    Without `keep_cards`, for a process that draws one page listing every event, each card is let go once
    in the page: kept, 10,000 cards were 21 MB that no other page would use."""
    config = timeline.config
    base_url = config.base_url
    templates: dict[str, jinja2.Template] = {}  # looked up once per drawing: an edit shows at the next
    cards: dict[tuple, bytes] = {}  # drawn with CARD_ROOT, UTF-8 (card())
    any_depth = {absolute: link_maker("", default.base_url, absolute, timeline.prefix, root=CARD_ROOT)
                 for absolute in (False, True)}  # the url() cards are drawn with
    macros: dict[tuple, Macros] = {}

    def template(name: str) -> jinja2.Template:
        if name not in templates:
            templates[name] = env.get_template(name)
        return templates[name]

    class Macros:
        """`macros.name(...)`: the macros of macros.html, made once for all pages (and cards) with the
        same way back to the site root, where an import `with context` made them again for each one.
        Made on first use, so a site whose templates have no macros.html still builds."""

        def __init__(self, url):
            self.url = url
            self.module = None

        def __getattr__(self, name: str):
            if self.module is None:
                self.module = template("macros.html").make_module({**shared, "url": self.url})
            return getattr(self.module, name)

    def macros_for(url) -> Macros:
        key = (url.prefix, url.absolute)  # a card's url has the same prefix with absolute links or not
        if key not in macros:
            macros[key] = Macros(url)
        return macros[key]

    def card(event: Event, heading: str, url, here=frozenset()) -> Markup:
        # An event's card is the same on every list page whose thread links stay on the page (`here`, the
        # ids shown) for the same events, but for the way back to the site root in its links: it is drawn
        # once with CARD_ROOT in that place, and each page puts its own in (escaped, as url() is).
        on_page = tuple(other.id in here for other in card_links(event))
        key = (event.id, heading, url.absolute, on_page)
        kept = cards.get(key)
        if kept is None:
            card_url = any_depth[url.absolute]
            drawn = str(template("card.html").render(
                site=config, event=event, heading=heading, url=card_url, here=here, macros=macros_for(card_url)))
            if keep_cards:
                # Kept as UTF-8: one curly quote makes a str two bytes a character, and a process drawing
                # the term pages of 10,000 events keeps about 20,000 cards.
                cards[key] = drawn.encode()
        else:
            drawn = kept.decode()
        return Markup(drawn.replace(CARD_ROOT, escape(url.way_back)))

    shared = {"site": config, "nav_pages": timeline.pages, "extra_head": extra_head, "card": card}

    prefix = timeline.prefix
    codes = all_languages(default)
    folders = {code: prefix_of(default, code) for code in codes}

    def absolute(target: str) -> str:
        target = target.lstrip("/")
        return (default.base_url if target.startswith(SHARED_FOLDERS) else base_url) + target

    def draw(spec: PageSpec) -> bytes:
        with i18n.using(language):  # what code words (dates, flags, pictures, feeds) is in the page's language
            if spec.make is not None:
                return spec.make()
            path = spec.path.removeprefix(prefix + "/") if prefix else spec.path  # the page's path in any language
            url = link_maker(spec.path, default.base_url, spec.absolute_links, prefix)
            shown = path.removesuffix("index.html")
            # The same page in every language (hreflang, the language switch); x-default: the default's.
            languages = [{"code": code, "name": language_name(default, code), "current": code == config.language,
                          "href": url.root((folders[code] + "/" if folders[code] else "") + shown),
                          "absolute": default.base_url + (folders[code] + "/" if folders[code] else "") + shown}
                         for code in codes] if len(codes) > 1 and not spec.absolute_links else []
            # (a page with absolute links, the 404, is served at any address and exists once: no alternates)
            # Each piece encoded as it comes: the page is never one str as well (a list of 10,000 events holds
            # characters outside Latin-1, two bytes each in a str, 21 MB where its UTF-8 is 11). Encoded by map()
            # with str.encode: for 1,000 events' pages 0.030-0.035 s, against 0.026-0.029 s for one join and
            # encode, and 0.058-0.062 s for a generator expression.
            return b"".join(map(str.encode, template(spec.template).generate({
                **shared, **spec.context, "url": url, "macros": macros_for(url), "canonical": base_url + shown,
                "page_path": spec.path, "absolute": absolute, "languages": languages})))

    return draw


class Renderer:
    """Draws pages with Jinja. For the preview it keeps each page's fingerprint and bytes, so a later
    render redoes only the pages whose inputs changed; the result is the same as drawing afresh.

    A Renderer draws in one language (its interface catalog, its dates and numbers): a site in several
    languages has one Renderer for each, sharing nothing but the compiled catalogs."""

    def __init__(self, templates: Path, language: str = i18n.SOURCE_LANGUAGE):
        self.templates = templates
        self.language = language
        self.env = make_environment(templates, language)
        self._cache: dict[str, tuple[str, bytes]] = {}  # output path -> (fingerprint, bytes)
        self._specs: list[PageSpec] = []  # the pages of the last render
        self._site_key = ""  # the site-wide inputs of the last render
        self.rendered_last = 0  # pages the last render drew or left to draw when asked for: those that may differ
        self.jobs = 1  # processes for drawing every page of a lazy render (the preview's first, before its threads)

    def compile_templates(self, languages: tuple[str, ...] = ()) -> None:
        """Compile every template now, for this renderer's language and `languages` (each has an
        environment of its own), so processes forked next share them instead of each compiling its own
        (~90 ms a language). One that fails is left to fail again when drawn, reported with its line."""
        for env in (self.env, *(make_environment(self.templates, code) for code in languages)):
            for name in env.list_templates(filter_func=lambda name: not name.startswith("static/")):
                try:
                    env.get_template(name)
                except Exception:  # noqa: BLE001, S112 - reported when drawn
                    continue

    def drawer(self, timeline: Timeline, extra_head: str = "", keep_cards: bool = True) -> Callable[[PageSpec], bytes]:
        return make_drawer(self.env, timeline, extra_head, self.language, keep_cards)

    def draw_all(self, timeline: Timeline, specs: list[PageSpec], extra_head: str,
                 keep: Callable[[str, bytes], None], draw: Callable[[PageSpec], bytes] | None = None) -> list[Problem]:
        """Draw each page (with `draw`, a drawer of this timeline, or a new one) and hand it to
        `keep(path, bytes)`; return the template problems found."""
        draw = draw or self.drawer(timeline, extra_head)
        problems: list[Problem] = []
        for spec in specs:
            try:
                keep(spec.path, draw(spec))
            except jinja2.TemplateNotFound as error:
                problems.append(Problem(str(self.templates.name), 1, "template", f"template not found: {error.name}"))
                break
            except Exception as error:  # noqa: BLE001 - any template failure is the user's to fix, with its line
                problems.append(_template_problem(error, self.templates))
                if isinstance(error, jinja2.TemplateSyntaxError):
                    break
        return problems

    def render(self, timeline: Timeline, site_key: str, event_keys: dict[str, tuple[bytes, bytes]],
               extra_head: str = "", lazy: bool = False, reshaped: bool = False) -> dict[str, bytes]:
        """Every page's bytes by output path, drawing only pages whose fingerprint changed.

        With `lazy`, files drawn by code (feeds, exports, the search index) come as Deferred: made on
        first use. The preview uses it, so a save does not wait for exports nobody has opened.

        `site_key` fingerprints the site-wide inputs (config, templates, free pages, options);
        `event_keys` fingerprints each event's front matter and body, apart: lists show no bodies.
        `reshaped`: the caller knows an edit changed the timeline's shape (preview/edits.py).
        """
        specs = page_specs(timeline)
        # With the templates and config as they were at the last render, which drew every page, pages too
        # may wait to be asked for; after an edit to them, every page is drawn now, so that a template
        # that fails anywhere is reported at once.
        pages_too = lazy and site_key == self._site_key
        if pages_too and reshaped:
            # The timeline changed shape, and each page is drawn when asked for, in milliseconds:
            # fingerprinting 10,000 pages to keep the few drawn since the last render would cost more
            # (~0.1 s) than it saves. Their prints are left unknown.
            prints: dict[str, str | None] = dict.fromkeys((spec.path for spec in specs), None)
            todo = specs
        else:
            fingerprint = Fingerprints(site_key, event_keys)
            prints = {spec.path: fingerprint(spec) for spec in specs}
            todo = [spec for spec in specs if self._cache.get(spec.path, (None,))[0] != prints[spec.path]]
        result = self._redraw(timeline, specs, todo, prints, extra_head, lazy, pages_too)
        self._site_key = site_key
        return result

    def update(self, timeline: Timeline, site_key: str, event_keys: dict[str, tuple[bytes, bytes]],
               front_changed: set[Event], body_changed: set[Event], extra_head: str = "",
               lazy: bool = False) -> dict[str, bytes]:
        """After events were edited in place without changing the timeline's shape (preview/edits.py): the
        pages stay the same set, so only those listing an event whose front matter changed, or showing a
        body that changed, are drawn again. Same result as render(), without fingerprinting every page."""
        specs = self._specs
        todo = [spec for spec in specs
                if not front_changed.isdisjoint(spec.deps) or not body_changed.isdisjoint(spec.bodies)]
        fingerprint = Fingerprints(site_key, event_keys)
        prints = {path: cached[0] for path, cached in self._cache.items()}
        prints.update((spec.path, fingerprint(spec)) for spec in todo)
        # The templates and config are as they were, so with `lazy` the pages wait to be asked for too:
        # an edit to a widely listed event (the map lists them all) still reloads at once.
        return self._redraw(timeline, specs, todo, prints, extra_head, lazy, pages_too=lazy)

    def _redraw(self, timeline: Timeline, specs: list[PageSpec], todo: list[PageSpec], prints: dict[str, str],
                extra_head: str, lazy: bool, pages_too: bool = False) -> dict[str, bytes]:
        # Pages kept from the last render (none when every page is to be done again).
        result = {} if todo is specs else {path: cached[1] for path, cached in self._cache.items() if path in prints}
        drawn = []
        draw = self.drawer(timeline, extra_head) if pages_too else None
        for spec in todo:
            if lazy and spec.make is not None:
                # data files: made when first asked for, in their page's language
                result[spec.path] = Deferred(self._make, spec.make, spec.lang or self.language)
            elif pages_too:
                result[spec.path] = Deferred(self._draw_or_report, draw, spec)
            else:
                drawn.append(spec)
        if lazy and drawn:
            # The preview: every page is drawn now, so that a template failing anywhere is reported at once,
            # but none is kept (at 10,000 events their bytes were ~300 MB of the preview's memory, and the
            # cards shared while drawing them all more): each is drawn again when asked for, in
            # milliseconds, by a drawer of its own. With `jobs`, forked workers do the drawing now.
            problems = parallel.draw_and_discard(self, timeline, drawn, extra_head, self.jobs)
            later = self.drawer(timeline, extra_head)
            result.update((spec.path, Deferred(self._draw_or_report, later, spec)) for spec in drawn)
        else:
            problems = self.draw_all(timeline, drawn, extra_head, result.__setitem__)
        if problems:
            raise BuildError(problems)
        self.rendered_last = len(todo)
        self._specs = specs
        self._cache = {spec.path: (prints[spec.path], result[spec.path]) for spec in specs}  # gone pages drop out
        return {spec.path: result[spec.path] for spec in specs}

    def _make(self, make: Callable[[], bytes], language: str) -> bytes:
        # Made later, perhaps in the server's thread: in the file's language (a Korean feed's dates in
        # Korean), which the drawing that would have set it is not there to set.
        with i18n.using(language):
            return make()

    def _draw_or_report(self, draw: Callable[[PageSpec], bytes], spec: PageSpec) -> bytes:
        try:
            return draw(spec)
        except Exception as error:  # noqa: BLE001 - shown on the page asked for, with the template's line
            raise BuildError([_template_problem(error, self.templates)]) from error


_event_id = attrgetter("key")  # "<lang>:<id>" in another language: its keys include its translation's


class Fingerprints:
    """A page's fingerprint: the site-wide inputs, its path and template, and the front matter (and,
    where shown, bodies) of its events. Event lists shared by many pages (a term's, or every event)
    are digested once."""

    def __init__(self, site_key: str, event_keys: dict[str, tuple[bytes, bytes]]):
        self.site_key = site_key.encode()
        self.event_keys = event_keys
        self._by_part: list = [None, None]
        self._lists: dict[tuple[int, int], tuple[tuple, bytes]] = {}

    def _keys(self, events: tuple[Event, ...], part: int) -> bytes:
        if len(events) < 20:
            return b"".join([self.event_keys[event.key][part] for event in events])
        if self._by_part[part] is None:  # for long lists: each key looked up in C, by a map over a dict
            self._by_part[part] = {event_id: keys[part] for event_id, keys in self.event_keys.items()}.__getitem__
        return b"".join(map(self._by_part[part], map(_event_id, events)))

    def _digest(self, events: tuple[Event, ...], part: int) -> bytes:
        if len(events) < 100:  # a page's own few events: joined directly, cheaper than remembered
            return self._keys(events, part)
        key = (id(events), part)
        if key not in self._lists:  # the tuple is kept with its digest, so its id is not reused meanwhile
            self._lists[key] = (events, hashlib.sha256(self._keys(events, part)).digest())
        return self._lists[key][1]

    def __call__(self, spec: PageSpec) -> str:
        # Lengths go in with the parts, so no two different inputs can join to the same bytes.
        deps, bodies = self._digest(spec.deps, 0), self._digest(spec.bodies, 1)
        head = f"{spec.path}\0{spec.template}\0{spec.shape}\0{len(deps)}\0{len(bodies)}\0".encode()
        return hashlib.sha256(b"".join((self.site_key, head, deps, bodies))).hexdigest()
