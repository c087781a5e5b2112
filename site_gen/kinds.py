"""The term kinds: years, categories, actors and tags, each a URL folder of term pages filed from an entry.

This one table drives the timeline's taxonomies (timeline.py), their pages and the sitemap (pages.py),
the URL folders a free page may not take (validate.py), and so which edits change the timeline's shape
(pages.selected_by, which the preview reads). A new kind of term is a row here (and a Timeline field).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .i18n import N_
from .model import EventEntry, SiteConfig

PER_PAGE = 100  # term pages list this many events a page, unless the kind says otherwise


@dataclass(eq=False)
class TermKind:
    folder: str  # the URL folder of its pages, the Timeline field holding its terms, and Term.kind
    label: str  # one term's kind, as its page names it: "Category" (templates translate it)
    title: str  # the page listing them all: "Categories" (templates translate it)
    names: Callable[[EventEntry], tuple[str, ...]]  # the terms an entry is filed under
    per_page: int | None = PER_PAGE  # events a term page lists; None: all of them on one page
    # The terms the site config defines, kept in its order even when no event has them; without it,
    # terms are made from the entries (name = slug), sorted by `order`, and go when no event has them.
    defined: Callable[[SiteConfig], dict] | None = None
    order: Callable[[str], object] = str
    # The name of a term made from the entries (not defined in the config): by default its slug.
    term_name: Callable[[SiteConfig, str], str] = lambda config, slug: slug


def tag_name(config: SiteConfig, slug: str) -> str:
    """A tag's name: as the config's `tags` gives it, else the slug with spaces for its hyphens."""
    words = slug.replace("-", " ")
    return config.tags.get(slug) or words[:1].upper() + words[1:]


def _year(entry: EventEntry) -> tuple[str]:
    return (str(entry.date.year),)


TERM_KINDS = (
    # A year is one page (the chart links to its months); the other lists are split into pages.
    TermKind("years", N_("Year"), N_("Years"), _year, per_page=None, order=int),
    TermKind("categories", N_("Category"), N_("Categories"), lambda entry: (entry.category,),
             defined=lambda config: config.categories),
    TermKind("actors", N_("Actor"), N_("Actors"), lambda entry: tuple(entry.actors),
             defined=lambda config: config.actors),
    TermKind("tags", N_("Tag"), N_("Tags"), lambda entry: tuple(entry.tags), term_name=tag_name),
)
