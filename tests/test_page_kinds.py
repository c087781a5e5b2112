"""Every page kind follows an edit to what it shows, in the preview and in a cached build, as a cold build
draws it; and the preview's test of which edits keep the timeline's shape covers every field of an entry."""
from __future__ import annotations

import pytest

from site_gen.build import Builder, Project, build
from site_gen.model import EventEntry
from site_gen.preview.edits import PreviewBuilder

from test_incremental import changed_paths, made, output_files, seed, snapshot, split_lists

SOURCES = [{"publisher": "KBS World", "title": "A report", "url": "https://example.com/report"}]


def a_launch(p, **fields):
    return p.event("a-launch", **{"date": "2026-01-04T07:50+09:00", "actors": ["north-korea"], "tags": ["srbm"],
                                  **fields})


def d_other(p, **fields):
    return p.event("d-other", **{"date": "2025-11-07", "tags": ["srbm"], **fields})


def edit_config_colour(p):
    path = p.root / "site.yaml"
    path.write_text(path.read_text().replace('colour: "#0a0"', 'colour: "#0b0"'))


def seed_with_a_place(p):
    seed(p)
    a_launch(p, location=PYONGYANG)


PYONGYANG = {"name": "Pyongyang", "lat": 39.03, "lon": 125.75}

# (page kind, an edit that changes only what it shows, a file of that kind the edit must change); the
# project is seeded with a-launch located at Pyongyang
KINDS = [
    ("index", lambda p: p.event("e-later", date="2026-01-27", actors=["north-korea"], title="Renamed"), "index.html"),
    ("event", lambda p: a_launch(p, location=PYONGYANG, body="Another body."), "events/a-launch/index.html"),
    ("years", lambda p: d_other(p, date="2024-11-07"), "years/2024/index.html"),
    ("year list", lambda p: d_other(p, date="2024-11-07"), "years/index.html"),
    ("categories", lambda p: d_other(p, category="summit"), "categories/summit/index.html"),
    ("category list", lambda p: d_other(p, category="summit"), "categories/index.html"),
    ("actors", lambda p: d_other(p, actors=["south-korea"]), "actors/south-korea/index.html"),
    ("actor list", lambda p: d_other(p, actors=["south-korea"]), "actors/index.html"),
    ("tags", lambda p: d_other(p, tags=["srbm", "talks"]), "tags/talks/index.html"),
    ("tag list", lambda p: d_other(p, tags=["cruise"]), "tags/index.html"),
    ("map: a place given", lambda p: d_other(p, location={"name": "Sohae", "lat": 39.66, "lon": 124.7}),
     "map/index.html"),
    ("map: a place given, by name only", lambda p: d_other(p, location={"name": "Sohae"}), "events/d-other/index.html"),
    ("map: a place moved", lambda p: a_launch(p, location={"name": "Sunan", "lat": 39.2, "lon": 125.67}),
     "map/index.html"),
    ("map: a place without coordinates", lambda p: a_launch(p, location={"name": "Pyongyang"}), "map/index.html"),
    ("map: a place taken away", a_launch, "map/index.html"),
    ("free page", lambda p: p.write("content/pages/about.md", "---\ntitle: About\n---\nMore about.\n"),
     "about/index.html"),
    ("embed", lambda p: a_launch(p, location=PYONGYANG, title="Renamed for the embed"), "embed/index.html"),
    ("search index", lambda p: a_launch(p, location=PYONGYANG, body="Words nobody searched for."), "search-index.js"),
    ("feed", lambda p: a_launch(p, location=PYONGYANG, body="A body for the feed."), "feeds/atom.xml"),
    ("category feed", lambda p: d_other(p, category="summit"), "feeds/summit.xml"),
    ("calendar", lambda p: a_launch(p, location={"name": "Sunan", "lat": 39.03, "lon": 125.75}), "data/events.ics"),
    ("json export", lambda p: a_launch(p, location=PYONGYANG, figures=[{"what": "missiles", "value": 2, "by": "JCS"}]),
     "data/events.json"),
    ("csv export", lambda p: a_launch(p, location=PYONGYANG,
                                      claims=[{"text": "A test.", "by": "KCNA", "status": "disputed"}]),
     "data/events.csv"),
    ("TimelineJS export", lambda p: a_launch(p, location=PYONGYANG, title="A new title"), "data/timeline.json"),
    ("sitemap", lambda p: p.event("f-new", date="2026-02-01"), "sitemap.xml"),
    ("category stylesheet", edit_config_colour, "static/categories.css"),
    ("schema", lambda p: (p.root / "site.yaml").write_text(
        (p.root / "site.yaml").read_text().replace("https://example.org/", "https://example.net/")),
     "schema/event.json"),
    ("404 page", lambda p: (p.root / "templates/404.html").write_text(
        (p.root / "templates/404.html").read_text().replace("renamed or", "moved or")), "404.html"),
    ("robots.txt", lambda p: (p.root / "templates/robots.txt").write_text(
        (p.root / "templates/robots.txt").read_text() + "\n"), "robots.txt"),
]


@pytest.mark.parametrize("per_page", [100, 1])  # 1: every list is split into pages, which edits may shift
@pytest.mark.parametrize(("kind", "edit", "path"), KINDS, ids=[kind for kind, _, _ in KINDS])
def test_the_preview_follows_an_edit_to_what_each_page_kind_shows(project, kind, edit, path, per_page, monkeypatch):
    split_lists(monkeypatch, per_page)
    seed_with_a_place(project)
    warm = PreviewBuilder(Project(project.root), drafts=True)  # as the preview builds: drafts, pages when asked
    first = made(warm.render(lazy=True)[1])
    before = snapshot(project.root)
    edit(project)
    _, incremental = warm.render(lazy=True, changed=changed_paths(before, snapshot(project.root)))
    incremental = made(incremental)
    _, cold = Builder(Project(project.root), drafts=True).render()
    assert incremental.get(path) != first.get(path), f"the edit for {kind} does not change {path}"
    assert incremental.keys() == cold.keys()
    assert [p for p in cold if incremental[p] != cold[p]] == []


@pytest.mark.parametrize(("kind", "edit", "path"), KINDS, ids=[kind for kind, _, _ in KINDS])
def test_a_cached_build_follows_an_edit_to_what_each_page_kind_shows(project, tmp_path, kind, edit, path):
    """A cached build (as `site-gen build` runs it) after the edit, compared with one without the cache."""
    seed_with_a_place(project)
    site = Project(project.root)
    build(site, project.output, jobs=1)
    before = output_files(project.output)
    edit(project)
    build(site, project.output, jobs=1)
    build(site, tmp_path / "cold", jobs=1, use_cache=False)
    cached, cold = output_files(project.output), output_files(tmp_path / "cold")
    assert cached.get(path) != before.get(path), f"the edit for {kind} does not change {path}"
    assert cached.keys() == cold.keys()
    assert [p for p in cold if cached[p] != cold[p]] == []


def test_a_bad_media_file_fails_the_build_and_the_preview_with_its_file_and_line(project):
    """The build's own check of content/media/ (what it copies as it is): through the build, not by calling
    the check. The previous output stays as it was."""
    from site_gen.problems import BuildError  # noqa: PLC0415

    seed(project)
    project.write("content/media/map.png", "not really a picture, but named as one")
    project.run("build", check=True)
    before = output_files(project.output)
    project.write("content/media/drawing.svg", "<svg xmlns='http://www.w3.org/2000/svg'><script>1</script></svg>")
    result = project.run("build")
    assert result.returncode == 1
    assert "content/media/drawing.svg:1: only pictures" in result.stderr
    assert output_files(project.output) == before
    with pytest.raises(BuildError) as caught:
        Builder(Project(project.root), drafts=True).render(lazy=True)
    assert [str(p).split(": only")[0] for p in caught.value.problems] == ["content/media/drawing.svg:1"]


def e_later(p, **fields):
    return p.event("e-later", **{"date": "2026-01-27", "actors": ["north-korea"], "location": PYONGYANG, **fields})


# One edit for each field of an entry (e-later's, as e_later writes it), as far as it may go.
FIELD_EDITS = {
    "title": [{"title": "Another title"}],
    "date": [{"date": "2026-01-26"}, {"date": "2025-01-27"}],
    "end_date": [{"end_date": "2026-01-28"}],
    "category": [{"category": "summit"}],
    "actors": [{"actors": ["north-korea", "south-korea"]}, {"actors": []}],
    "location": [{"location": None}, {"location": {"name": "Pyongyang"}},
                 {"location": {"name": "Sunan", "lat": 39.2, "lon": 125.67}}],
    "summary": [{"summary": "Another summary."}],
    "tags": [{"tags": ["srbm", "new-tag"]}, {"tags": []}],
    "figures": [{"figures": [{"what": "missiles", "value": 2, "by": "JCS"}]}],
    "claims": [{"claims": [{"text": "A test.", "by": "KCNA", "status": "disputed"}]}],
    "responds_to": [{"responds_to": ["c-summit"]}],
    "sources": [{"sources": [*SOURCES, {"publisher": "NK News", "title": "More", "url": "https://example.com/more"}]}],
    "image": [{"image": {"src": "media/launch.png", "alt": "A launch"}}],
    "draft": [{"draft": True}],
    "id": [{"id": "e-renamed"}],
}


def structure(timeline) -> list[tuple]:
    """Which pages there are, and which events each lists or shows, in which order."""
    from site_gen.pages import page_specs  # noqa: PLC0415

    def ids(events):
        return tuple(event.id for event in events)

    return [(spec.path, spec.template, ids(spec.deps), ids(spec.bodies), spec.shape) for spec in page_specs(timeline)]


def test_an_edit_that_keeps_every_page_kinds_selection_keeps_every_page_and_its_lists(project):
    """pages.selected_by, which tells the preview whether an edit may be taken by redrawing only the pages that
    show the edited event, is what each kind of page selects events by. This checks it against what the
    pages really list, for an edit to every field of an entry: a page kind selecting by a field it does not
    declare fails here."""
    from site_gen.pages import selected_by  # noqa: PLC0415
    from site_gen.problems import BuildError  # noqa: PLC0415

    assert FIELD_EDITS.keys() == EventEntry.model_fields.keys(), "give the new field an edit here"
    seed(project)
    e_later(project)
    project.write("content/media/launch.png", "a picture")
    site = Project(project.root)
    first = Builder(site, drafts=True).load()[0]
    before, entry_before = structure(first), first.by_id["e-later"].entry
    for field_name, edits in FIELD_EDITS.items():
        for fields in edits:
            e_later(project, **fields)
            try:
                timeline = Builder(site, drafts=True).load()[0]
            except BuildError as error:
                raise AssertionError(error.problems) from None
            event = timeline.by_id[fields.get("id", "e-later")]
            if selected_by(event.entry) == selected_by(entry_before):
                assert structure(timeline) == before, (field_name, fields)
            else:  # the guard must not be blind either: what it calls a new shape is one for some field
                assert field_name in {"date", "category", "actors", "location", "tags", "responds_to", "draft", "id"}
