"""The preview's edits in a site in three languages (test_i18n.make_site) give what a cold render gives,
byte for byte, and are taken from memory: an edit to an entry, or to its translations (changed, created,
deleted), in place; one that moves an event, its timeline made again in every language."""
from __future__ import annotations

import pytest
from test_i18n import LAUNCH_KO, digest_of, make_site
from test_incremental import changed_paths, made, snapshot

from site_gen.build import Builder, Project
from site_gen.preview.edits import PreviewBuilder


def replace(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def ko_body(p):
    replace(p.root / "content/events/launch.ko.md", "떨어졌다", "낙하했다")


def ko_title_and_claim(p):
    replace(p.root / "content/events/launch.ko.md", "title: 북한, 동해상으로", "title: 북한이 동해상으로")
    replace(p.root / "content/events/launch.ko.md", "약 900km를", "900km가량")


def ko_deleted(p):
    (p.root / "content/events/launch.ko.md").unlink()


def ko_created(p):  # talks, translated into no language until now
    p.write("content/events/talks.ko.md", LAUNCH_KO.replace("{digest}", digest_of(p.root / "content/events/talks.md"))
            .replace("claims:\n  - {{text: 미사일은 약 900km를 비행했다.}}\n", ""))


def ja_and_ko_together(p):
    replace(p.root / "content/events/launch.ja.md", "落下した", "落ちた")
    ko_body(p)


def original_words(p):  # the translations are stale now
    replace(p.root / "content/events/launch.md", "fell into the East Sea.", "fell into the East Sea, it said.")


def original_title_and_its_translation(p):  # the two saved at once, the translation brought up to date
    replace(p.root / "content/events/launch.md", "title: North Korea fires", "title: North Korea launches")
    path = p.root / "content/events/launch.ko.md"
    text = path.read_text(encoding="utf-8")
    old = text.split('"')[1]
    path.write_text(text.replace(old, digest_of(p.root / "content/events/launch.md")), encoding="utf-8")


def untranslated_original(p):
    replace(p.root / "content/events/talks.md", "Officials met", "Officials from both sides met")


def original_date(p):  # moved within its month, before talks still
    replace(p.root / "content/events/launch.md", "date: '2026-01-04'", "date: '2026-01-20'")


def original_link_and_date(p):  # talks no longer responds to launch, and moves before it
    replace(p.root / "content/events/talks.md", "responds_to:\n- launch\n", "")
    replace(p.root / "content/events/talks.md", "date: '2026-02-01'", "date: '2026-01-02'")


IN_PLACE = [ko_body, ko_title_and_claim, ko_deleted, ko_created, ja_and_ko_together, original_words,
            original_title_and_its_translation, untranslated_original]
RESHAPED = [original_date, original_link_and_date]


@pytest.mark.parametrize("lazy", [False, True])
@pytest.mark.parametrize("edit", [*IN_PLACE, *RESHAPED])
def test_an_edit_in_three_languages_renders_what_a_cold_render_gives(project, edit, lazy):
    make_site(project)
    warm = PreviewBuilder(Project(project.root), drafts=True)
    made(warm.render(lazy=lazy)[1])
    before = snapshot(project.root)
    edit(project)
    _, incremental = warm.render(lazy=lazy, changed=changed_paths(before, snapshot(project.root)))
    incremental = made(incremental)
    assert warm.taken is not None, "loaded everything again"
    assert warm.taken.reshaped == (edit in RESHAPED)
    cold_builder = Builder(Project(project.root), drafts=True)
    _, cold = cold_builder.render()
    assert incremental.keys() == cold.keys()
    assert [path for path in cold if incremental[path] != cold[path]] == []
    assert warm.warnings == cold_builder.warnings  # the stale translations, as a full load finds them
    _, again = warm.render(lazy=lazy)  # and a full render after it agrees with both
    assert made(again) == cold


def test_a_translation_with_a_problem_loads_everything_and_reports_it(project):
    from site_gen.problems import BuildError  # noqa: PLC0415

    make_site(project)
    warm = PreviewBuilder(Project(project.root), drafts=True)
    warm.render()
    path = project.root / "content/events/launch.ko.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("reviewed: false\n", "reviewed: false\ncategory: summit\n"), encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        warm.render(changed={str(path)})
    assert [str(p) for p in caught.value.problems][0].startswith(
        "content/events/launch.ko.md:5: category: 'category' is a fact")
    path.write_text(text, encoding="utf-8")
    _, fixed = warm.render(changed={str(path)})
    assert warm.taken is None  # the failed build left nothing to take an edit into
    assert fixed.keys() == Builder(Project(project.root), drafts=True).render()[1].keys()
