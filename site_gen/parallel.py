"""Forked workers, and the state they share: reading, checking and converting many entries (a cold build's
main cost), converting many bodies, and drawing many pages.

Workers are forked (never spawned): they inherit _SHARED as it is when the pool starts, so the timeline
and the file list are never pickled to them; they pickle back only what they made.
"""
from __future__ import annotations

import multiprocessing
from dataclasses import replace
from functools import partial
from pathlib import Path

from . import validate
from .entries import convert, read_and_parse
from .markup import MarkdownRenderer
from .pages import PageSpec
from .write import put

# Below this many files a build reads and draws in one process: forking workers would cost more than it saves.
PARALLEL_FROM = 300
# From this many events, each file covering them all is drawn in a fresh process, for memory's sake
# (see draw_into); below it they are a few MB, and the forks would cost more time than they save memory.
FRESH_FROM = 2000
_SHARED: tuple | None = None  # what forked workers read (copied into them by fork, never pickled)


def forked_map(function, items: list, jobs: int, shared: tuple, meanwhile=None) -> list:
    """`function` over `items` in `jobs` forked processes, which inherit `shared` as _SHARED; this
    process runs `meanwhile()` (if given) while they work."""
    global _SHARED
    _SHARED = shared
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            result = pool.map_async(function, items, chunksize=1)
            if meanwhile is not None:
                meanwhile()
            return result.get()
    finally:
        _SHARED = None


def _ranges(count: int, jobs: int) -> list[tuple[int, int]]:
    step = -(-count // (jobs * 4))
    return [(i, i + step) for i in range(0, count, step)]


def prepare(files: list[tuple[str, str]], trusted_html: bool, jobs: int, entries: bool = True,
            meanwhile=None, keep_words: bool = False) -> list[tuple]:
    """Read, parse, field-check and convert many files (path, shown) in forked workers: for each,
    (shown, digest of its text, Parsed, checks' result or None, HTML or None). Translations
    (`entries` false) are read and converted only: they are checked against their originals later.
    `meanwhile`: what this process does while it waits for them. `keep_words`: see validate.slimmed."""
    parts = forked_map(_prepare, _ranges(len(files), jobs), jobs, (trusted_html, files, entries, keep_words),
                       meanwhile)
    return [result for part in parts for result in part]


def _prepare(bounds: tuple[int, int]) -> list[tuple]:
    """In a worker: files parsed, their fields checked and their bodies converted (HTML None when a body
    cannot be: the build reports that, with its line, when it converts it again)."""
    trusted_html, files, entries, keep_words = _SHARED
    to_html = MarkdownRenderer(trusted_html=trusted_html)
    results = []
    for path, shown in files[bounds[0]:bounds[1]]:
        digest, parsed = read_and_parse(path, shown)
        checked = html = None
        if parsed.raw is not None:
            html, error = convert(to_html, parsed.raw.body)
            html = None if error else html
            if entries:
                checked = validate.check_event(parsed.raw)
                parsed = replace(parsed, raw=validate.slimmed(parsed.raw, keep_words))  # its fields are in `checked`
        results.append((shown, digest, parsed, checked, html))
    return results


def to_html(texts: list[str], trusted_html: bool, jobs: int) -> list[tuple[str, str]]:
    """Each Markdown text converted (entries.convert), in forked workers."""
    chunks = [texts[start:end] for start, end in _ranges(len(texts), jobs)]
    return [r for part in forked_map(_to_html, chunks, jobs, (trusted_html,)) for r in part]


def _to_html(texts: list[str]) -> list[tuple[str, str]]:
    to_html = MarkdownRenderer(trusted_html=_SHARED[0])
    return [convert(to_html, text) for text in texts]


_DRAWER: tuple | None = None  # in a worker: (the _SHARED it is for, its drawer)


def _worker_drawer(renderer, timeline, extra_head: str):
    """One drawer for every task a worker draws, as one process drawing every page has: the cards and
    macros it made for one range of pages serve the next (a drawer per task made them again each time)."""
    global _DRAWER
    if _DRAWER is None or _DRAWER[0] is not _SHARED:
        _DRAWER = (_SHARED, renderer.drawer(timeline, extra_head))
    return _DRAWER[1]


def _draw_range(bounds: tuple[int, int], alone: bool = False) -> list:
    """`alone`: in a fresh process drawing one heavy page, which keeps no card (no later page would use it)."""
    renderer, timeline, specs, staging = _SHARED
    draw = renderer.drawer(timeline, "", keep_cards=False) if alone else _worker_drawer(renderer, timeline, "")
    return renderer.draw_all(timeline, specs[bounds[0]:bounds[1]], "", partial(put, staging), draw)


def draw_into(renderer, timeline, specs: list[PageSpec], staging: Path, jobs: int) -> list:
    """Draw the pages into `staging`, across `jobs` processes when there are many; the problems found."""
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
        return renderer.draw_all(timeline, specs, "", partial(put, staging))
    renderer.compile_templates(tuple(timeline.languages))
    heavy_bounds = [(i, i + 1) for i in range(len(heavy))]
    shared = (renderer, timeline, specs, staging)
    if len(timeline.events) < FRESH_FROM:
        return [problem for part in forked_map(_draw_range, heavy_bounds + page_bounds, jobs, shared)
                for problem in part]
    # Each heavy piece gets a fresh process: the memory one leaves behind (Python and malloc keep freed
    # memory for reuse) never adds to the next one's peak; at 10,000 events that keeps every process
    # under 300 MB. Pages share long-lived processes. Two pools use more processes than cores, but no
    # more CPU time.
    _SHARED = shared
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(jobs, maxtasksperchild=1) as fresh, context.Pool(jobs) as reused:
            heavy_parts = fresh.map_async(partial(_draw_range, alone=True), heavy_bounds, chunksize=1)
            page_parts = reused.map_async(_draw_range, page_bounds, chunksize=1)
            return [problem for part in heavy_parts.get() + page_parts.get() for problem in part]
    finally:
        _SHARED = None


def draw_and_discard(renderer, timeline, specs: list[PageSpec], extra_head: str, jobs: int) -> list:
    """Draw every page and keep none, across `jobs` processes when there are many: the template problems
    found. The preview checks its first build so, then draws each page again when it is asked for."""
    if jobs <= 1 or len(specs) < PARALLEL_FROM:
        return renderer.draw_all(timeline, specs, extra_head, _discard)
    renderer.compile_templates(tuple(timeline.languages))
    parts = forked_map(_draw_and_discard, _ranges(len(specs), jobs), jobs, (renderer, timeline, specs, extra_head))
    return [problem for part in parts for problem in part]


def _discard(_path: str, _data: bytes) -> None:
    pass


def _draw_and_discard(bounds: tuple[int, int]) -> list:
    renderer, timeline, specs, extra_head = _SHARED
    return renderer.draw_all(timeline, specs[bounds[0]:bounds[1]], extra_head, _discard,
                             _worker_drawer(renderer, timeline, extra_head))
