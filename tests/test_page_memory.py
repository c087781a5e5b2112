"""A page listing every event is drawn without extra copies of itself (at 10,000 events the chronological
page is 11 MB of UTF-8, and each copy of it as a str 21 MB, in the build's largest process): its list is
included, not a macro's joined text; its pieces are encoded as they come; and a drawer for one heavy page
keeps no card (the others keep theirs as UTF-8). tracemalloc counts what Python allocates, the same on any machine."""
from __future__ import annotations

import sys
import tracemalloc
from pathlib import Path

import pytest

from site_gen.build import Builder
from site_gen.pages import page_specs
from site_gen.project import Project

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
from output_digest import corpus_site  # noqa: E402


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    builder = Builder(Project(corpus_site(tmp_path_factory.mktemp("site"), 300)), jobs=1)
    timeline, _, _ = builder.load()
    spec = next(spec for spec in page_specs(timeline) if spec.path == "chronological/index.html")
    builder.renderer.drawer(timeline, "")(spec)  # what every drawing remembers (dates, numbers) made first

    def measure(keep_cards: bool) -> tuple[bytes, int, int]:
        draw = builder.renderer.drawer(timeline, "", keep_cards=keep_cards)
        tracemalloc.start()
        try:
            page = draw(spec)
            kept, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        return page, kept - len(page), peak
    return measure


def test_the_chronological_page_is_drawn_without_a_copy_of_it_as_one_str(drawn):
    # Measured at 300 events: 2.7 times the page's bytes at the peak (its pieces as bytes, and their join);
    # a macro's joined list made it 6.0, one str of the page before encoding 5.0.
    page, _, peak = drawn(keep_cards=False)
    size = len(page)
    assert size > 200_000
    assert peak < 3.5 * size, f"drawing a {size:,}-byte page took {peak:,} bytes at its peak"


def test_a_drawer_for_one_heavy_page_keeps_no_card_and_others_keep_them_as_utf8(drawn):
    page, kept_without, _ = drawn(keep_cards=False)
    _, kept_with, _ = drawn(keep_cards=True)
    size = len(page)
    assert max(page.decode()) > "\xff"  # a character outside Latin-1: as a str, two bytes a character or more
    # The cards are most of the page: kept as UTF-8, about its size (1.05 times, measured); kept as str,
    # at two bytes a character once one curly quote is in a card, they were 1.99 times.
    assert size / 2 < kept_with < 1.3 * size
    assert kept_without < size / 10
