"""A rebuild that reuses cached pages gives exactly what a cold build gives, after every kind of edit."""
from __future__ import annotations

import pytest

from site_gen.build import Builder, Project
from site_gen.preview.edits import PreviewBuilder


def seed(project):
    project.event("a-launch", date="2026-01-04T07:50+09:00", actors=["north-korea"], tags=["srbm"])
    project.event("b-reply", date="2026-01-04", category="response", actors=["south-korea"],
                  responds_to=["a-launch"])
    project.event("c-summit", date="2026-01-13", category="summit", responds_to=["b-reply"], tags=["talks"])
    project.event("d-other", date="2025-11-07", tags=["srbm"])
    project.event("e-later", date="2026-01-27", actors=["north-korea"])
    project.write("content/pages/about.md", "---\ntitle: About\n---\nAbout.\n")


def edit_body(p):
    text = (p.root / "content/events/c-summit.md").read_text()
    (p.root / "content/events/c-summit.md").write_text(text.replace("Body text.", "New body text."))


def edit_title(p):
    p.event("a-launch", date="2026-01-04T07:50+09:00", actors=["north-korea"], tags=["srbm"], title="Renamed")


def edit_date(p):  # moves the event to another year, between other events
    p.event("e-later", date="2025-10-01", actors=["north-korea"])


def edit_category(p):
    p.event("d-other", date="2025-11-07", tags=["srbm"], category="summit")


def edit_responds_to(p):
    p.event("e-later", date="2026-01-27", actors=["north-korea"], responds_to=["c-summit"])


def edit_date_of_a_linked_event(p):  # b-reply answers it: still before b-reply, after d-other
    p.event("a-launch", date="2026-01-03", actors=["north-korea"], tags=["srbm"])


def edit_tags(p):  # a tag no event had: its pages appear; srbm's list loses an event
    p.event("d-other", date="2025-11-07", tags=["brand-new"])


def add_entry(p):
    p.event("f-new", date="2026-01-05", tags=["srbm", "new-tag"], responds_to=["a-launch"])


def delete_entry(p):
    (p.root / "content/events/b-reply.md").unlink()
    p.event("c-summit", date="2026-01-13", category="summit", tags=["talks"])  # it answered b-reply


def edit_template(p):  # the card every list shows
    path = p.root / "templates/card.html"
    text = path.read_text()
    assert '<p class="summary">' in text
    path.write_text(text.replace('<p class="summary">', '<p class="summary edited">'))


def edit_config(p):
    path = p.root / "site.yaml"
    path.write_text(path.read_text().replace("name: Summit", "name: Leaders' summit"))


def edit_page(p):
    p.write("content/pages/about.md", "---\ntitle: About us\n---\nAbout.\n")


@pytest.mark.parametrize("edit", [edit_body, edit_title, edit_date, edit_category, edit_responds_to, add_entry,
                                  delete_entry, edit_template, edit_config, edit_page])
def test_incremental_render_equals_cold_render(project, edit):
    seed(project)
    warm = PreviewBuilder(Project(project.root))
    warm.render()
    edit(project)
    _, incremental = warm.render()
    _, cold = Builder(Project(project.root)).render()
    assert incremental.keys() == cold.keys()
    assert [path for path in cold if incremental[path] != cold[path]] == []


def edit_summary_of_a_linked_event(p):  # its title and summary show on the pages of its thread and lists
    p.event("b-reply", date="2026-01-04", category="response", actors=["south-korea"], responds_to=["a-launch"],
            title="Seoul replies", summary="A new summary.")


def edit_body_and_end_date(p):
    p.event("c-summit", date="2026-01-13", end_date="2026-01-14", category="summit", responds_to=["b-reply"],
            tags=["talks"], body="A rewritten body.")


def touch_without_change(p):
    path = p.root / "content/events/d-other.md"
    path.write_bytes(path.read_bytes())


def break_a_body(p):
    path = p.root / "content/events/d-other.md"
    path.write_text(path.read_text() + "\nA control character: \x01\n")


def snapshot(root) -> dict:
    return {str(path): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def changed_paths(before: dict, after: dict) -> set[str]:
    """What the preview's file watcher would report: files added, deleted or rewritten."""
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


# Edits that keep the timeline's shape are taken in place. Edits to known events that change it are taken in
# place too, the timeline made again from the events in memory, when drafts are built (the preview's default).
# The others must fall back to a full load.
IN_PLACE = {edit_body, edit_title, edit_summary_of_a_linked_event, edit_body_and_end_date, touch_without_change}
RESHAPED = {edit_date, edit_date_of_a_linked_event, edit_category, edit_tags, edit_responds_to}


def split_lists(monkeypatch, per_page: int) -> None:
    """Term pages of `per_page` events, for every kind of term that splits its lists into pages."""
    from site_gen.kinds import TERM_KINDS  # noqa: PLC0415

    for kind in TERM_KINDS:
        if kind.per_page:
            monkeypatch.setattr(kind, "per_page", per_page)


def made(files: dict) -> dict:
    from site_gen.render import Deferred  # noqa: PLC0415

    return {path: data() if isinstance(data, Deferred) else data for path, data in files.items()}


@pytest.mark.parametrize("drafts", [False, True])  # True: as the preview builds
@pytest.mark.parametrize("lazy", [False, True])  # True: as the preview renders, pages made when asked for
@pytest.mark.parametrize("per_page", [100, 1])  # 1: every list is split into pages, which edits may shift
@pytest.mark.parametrize("edit", [*IN_PLACE, *RESHAPED, add_entry, delete_entry, edit_template, edit_config,
                                  edit_page])
def test_a_watched_edit_renders_what_a_cold_render_gives(project, edit, per_page, lazy, drafts, monkeypatch):
    split_lists(monkeypatch, per_page)
    seed(project)
    warm = PreviewBuilder(Project(project.root), drafts=drafts)
    made(warm.render(lazy=lazy)[1])
    before = snapshot(project.root)
    edit(project)
    changed = changed_paths(before, snapshot(project.root)) or {str(project.root / "content/events/d-other.md")}
    _, incremental = warm.render(lazy=lazy, changed=changed)
    incremental = made(incremental)
    assert (warm.taken is not None) == (edit in IN_PLACE or (drafts and edit in RESHAPED))
    assert (warm.taken is not None and warm.taken.reshaped) == (drafts and edit in RESHAPED)
    _, cold = Builder(Project(project.root), drafts=drafts).render()
    assert incremental.keys() == cold.keys()
    assert [path for path in cold if incremental[path] != cold[path]] == []
    _, again = warm.render(lazy=lazy)  # and a full render after it agrees with both
    assert made(again) == cold


def test_a_watched_edit_that_breaks_an_entry_reports_it_and_recovers(project):
    from site_gen.problems import BuildError  # noqa: PLC0415

    seed(project)
    warm = PreviewBuilder(Project(project.root))
    _, first = warm.render()
    path = project.root / "content/events/d-other.md"
    good = path.read_text()
    break_a_body(project)
    with pytest.raises(BuildError) as caught:
        warm.render(changed={str(path)})
    assert [str(p) for p in caught.value.problems] == [
        "content/events/d-other.md:15: body: holds the control character U+0001, which HTML and XML cannot carry: "
        "remove it"]
    path.write_text(good)
    _, fixed = warm.render(changed={str(path)})
    assert fixed == first


@pytest.mark.parametrize(("edit", "problem"), [
    ("a-launch", "content/events/b-reply.md:13: responds_to[0]: 'a-launch' is dated 2026-01-20, after this event "
                 "(2026-01-04): a response cannot come first"),
    ("e-later", "content/events/e-later.md:13: responds_to[0]: no event has the id 'nobody'"),
    ("d-other", "content/events/d-other.md:4: category: unknown category 'sumit'; did you mean 'summit'? (defined in "
                "site.yaml: provocation, response, summit)"),
])
def test_a_watched_edit_that_reshapes_the_timeline_is_checked_against_the_other_entries(project, edit, problem):
    """An edit taken by remaking the timeline from memory must meet the checks across entries that a full
    load makes: here a date moved after a response to it, a link to no event, an unknown category."""
    from site_gen.problems import BuildError  # noqa: PLC0415

    seed(project)
    warm = PreviewBuilder(Project(project.root), drafts=True)
    _, first = warm.render(lazy=True)
    path = project.root / f"content/events/{edit}.md"
    good = path.read_text()
    if edit == "a-launch":
        project.event("a-launch", date="2026-01-20", actors=["north-korea"], tags=["srbm"])
    elif edit == "e-later":
        project.event("e-later", date="2026-01-27", actors=["north-korea"], responds_to=["nobody"])
    else:
        project.event("d-other", date="2025-11-07", tags=["srbm"], category="sumit")
    with pytest.raises(BuildError) as caught:
        warm.render(lazy=True, changed={str(path)})
    assert [str(p) for p in caught.value.problems] == [problem]
    path.write_text(good)
    _, fixed = warm.render(lazy=True, changed={str(path)})
    assert made(fixed) == made(first)


@pytest.mark.parametrize("fields", [{"category": "summit "}, {"actors": [" north-korea"]},
                                    {"responds_to": ["a-launch "]}, {"id": "e-later "}])
def test_names_with_stray_spaces_are_read_as_the_model_reads_them_by_builds_and_the_preview(project, fields):
    """The model strips the spaces around a text; the checks across entries must too, or a full build
    rejects (or, for an id, silently drops) what the preview's in-place path accepts."""
    seed(project)
    warm = PreviewBuilder(Project(project.root), drafts=True)
    warm.render(lazy=True)
    path = project.event("e-later", date="2026-01-27", **{"actors": ["north-korea"], **fields})
    _, incremental = warm.render(lazy=True, changed={str(path)})
    _, cold = Builder(Project(project.root), drafts=True).render()
    assert "events/e-later/index.html" in cold
    assert made(incremental) == cold


def test_a_body_edit_redraws_only_the_pages_that_show_the_event(project):
    seed(project)
    warm = PreviewBuilder(Project(project.root))
    _, first = warm.render()
    total = warm.renderer.rendered_last
    edit_body(project)
    _, second = warm.render()
    changed = {path for path in second if second[path] != first[path]}
    assert "events/c-summit/index.html" in changed
    assert warm.renderer.rendered_last < total / 2
    unchanged = warm.render()
    assert warm.renderer.rendered_last == 0 and unchanged[1] == second


def test_lazy_data_files_are_made_on_first_use_and_equal_eager_ones(project):
    from site_gen.render import Deferred  # noqa: PLC0415

    seed(project)
    warm = PreviewBuilder(Project(project.root))
    _, lazy = warm.render(lazy=True)
    deferred = {path for path, data in lazy.items() if isinstance(data, Deferred)}
    assert {"search-index.js", "data/events.json", "feeds/atom.xml"} <= deferred
    assert not any(lazy[path].made for path in deferred)
    edit_body(project)
    _, lazy = warm.render(lazy=True)
    _, eager = Builder(Project(project.root)).render()
    assert {path: data() if isinstance(data, Deferred) else data for path, data in lazy.items()} == eager


EDITS = [edit_body, edit_title, edit_date, edit_category, edit_responds_to, add_entry, delete_entry, edit_template,
         edit_config, edit_page]


def output_files(folder) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cached_command_line_builds_equal_fresh_ones_after_every_edit(project, tmp_path, jobs):
    from site_gen.parallel import PARALLEL_FROM  # noqa: PLC0415

    seed(project)
    for i in range(PARALLEL_FROM if jobs == "2" else 0):  # enough pages for the forked workers to run
        project.event(f"z-{i:03d}", date="2024-03-01", tags=[f"t{i % 7}"])
    project.run("build", "--jobs", jobs, check=True)
    for edit in EDITS:
        edit(project)
        project.run("build", "--jobs", jobs, check=True)
        project.run("build", "--no-cache", "--output", str(tmp_path / edit.__name__), check=True)
        cached, fresh = output_files(project.output), output_files(tmp_path / edit.__name__)
        assert cached.keys() == fresh.keys(), edit.__name__
        assert [path for path in fresh if cached[path] != fresh[path]] == [], edit.__name__


def test_the_build_cache_reads_back_what_was_written_and_nothing_else(tmp_path):
    from site_gen.manifest import PART, Stored  # noqa: PLC0415

    text = "shared " * 100
    state = {"output": "/somewhere", "empty": {}, "memo": {f"k{i}": (text, i, {"n": [i]}) for i in range(2 * PART + 7)}}
    Stored(tmp_path, "build", "v1").write(state)
    assert Stored(tmp_path, "build", "v1").read() == state
    assert Stored(tmp_path, "build", "v2").read() == {}  # another version of site-gen wrote it
    path = tmp_path / ".cache/site-gen/build.pickle"
    path.write_bytes(path.read_bytes()[:-100])  # cut short (a disk that filled up, a copy cut off)
    assert Stored(tmp_path, "build", "v1").read() == {}
    assert Stored(tmp_path, "other", "v1").read() == {}  # none yet


def test_a_command_line_build_after_one_edit_draws_only_what_the_edit_changed(project):
    seed(project)
    project.run("build", check=True)
    edit_body(project)
    result = project.run("build", check=True)
    drawn = int(result.stdout.split(" files drawn")[0].rsplit("(", 1)[1])
    assert 1 <= drawn <= 10, result.stdout  # its page, the search index, the exports, the feeds


def test_a_build_with_nothing_changed_writes_nothing(project):
    seed(project)
    project.run("build", check=True)
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in project.output.rglob("*")}
    result = project.run("build", check=True)
    assert "(0 files drawn" in result.stdout
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in project.output.rglob("*")} == before
    (project.output / "events/a-launch/index.html").unlink()  # a file gone from the output is made again
    assert "(1 file drawn" in project.run("build", check=True).stdout
    assert (project.output / "events/a-launch/index.html").is_file()


def test_parallel_and_serial_builds_find_the_same_problems_and_pages(project, tmp_path):
    """A cold build with many entries reads, checks and converts them in forked workers: what it reports,
    and what it makes, must be what one process finds."""
    from site_gen.parallel import PARALLEL_FROM  # noqa: PLC0415

    seed(project)
    for i in range(PARALLEL_FROM):
        project.event(f"z-{i:03d}", date="2024-03-01", tags=[f"t{i % 7}"], body=f"Entry {i}.\n\n- a\n- list\n")
    project.write("content/events/bad-date.md", "---\ntitle: X\ndate: 2026-02-30\ncategory: provocation\n"
                  "summary: S.\nsources: [{publisher: P, title: T, url: 'https://example.com/'}]\n---\nBody.\n")
    project.write("content/events/bad-yaml.md", "---\ntitle: [unclosed\n---\nBody.\n")
    project.write("content/events/bad-body.md", "---\ntitle: X\ndate: 2026-01-01\ncategory: provocation\n"
                  "summary: S.\nsources: [{publisher: P, title: T, url: 'https://example.com/'}]\n---\nA\x01B\n")
    serial = project.run("build", "--jobs", "1", "--no-cache")
    parallel = project.run("build", "--jobs", "2", "--no-cache")
    assert serial.returncode == parallel.returncode == 1
    assert parallel.stderr == serial.stderr
    assert "bad-date.md:3: date:" in serial.stderr and "bad-yaml.md:" in serial.stderr
    assert "bad-body.md:8: body: holds the control character U+0001" in serial.stderr
    for name in ("bad-date", "bad-yaml", "bad-body"):
        (project.root / f"content/events/{name}.md").unlink()
    project.run("build", "--jobs", "1", "--no-cache", "--output", str(tmp_path / "serial"), check=True)
    project.run("build", "--jobs", "2", "--no-cache", "--output", str(tmp_path / "parallel"), check=True)
    assert output_files(tmp_path / "serial") == output_files(tmp_path / "parallel")


def test_a_large_site_draws_each_heavy_file_in_a_fresh_process_with_the_same_result(project, tmp_path, monkeypatch):
    """From FRESH_FROM events the files covering every event are drawn in processes of their own (for
    memory): the same files, and the same template problems, as one process draws."""
    import site_gen.build as build_module  # noqa: PLC0415
    import site_gen.parallel as parallel  # noqa: PLC0415

    seed(project)
    monkeypatch.setattr(parallel, "FRESH_FROM", 1)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    site = Project(project.root)
    build_module.build(site, tmp_path / "one", jobs=1, use_cache=False)
    build_module.build(site, tmp_path / "many", jobs=2, use_cache=False)
    assert output_files(tmp_path / "one") == output_files(tmp_path / "many")
    map_template = project.root / "templates/map.html"
    map_template.write_text(map_template.read_text().replace("{% block main %}", "{% block main %}{{ nothing.here }}", 1))
    problems = []
    for jobs in (1, 2):
        with pytest.raises(build_module.BuildError) as caught:
            build_module.build(site, tmp_path / "broken", jobs=jobs, use_cache=False)
        problems.append([str(problem) for problem in caught.value.problems])
    assert problems[0] == problems[1] and "templates/map.html" in problems[0][0]


def test_a_draft_left_out_of_a_parallel_build_is_checked_in_full_when_drafts_are_built(project, tmp_path):
    """Forked workers keep only the front-matter fields the checks across entries read (validate.slimmed);
    the cache keeps that cut-down entry. A draft is left unchecked without --drafts, so the next build
    with --drafts must read its fields again from its text, not validate the cut-down ones."""
    from site_gen.parallel import PARALLEL_FROM  # noqa: PLC0415

    seed(project)
    for i in range(PARALLEL_FROM):
        project.event(f"z-{i:03d}", date="2024-03-01", tags=[f"t{i % 7}"])
    project.event("f-draft", date="2026-02-01", draft=True, title="A draft in the works",
                  figures=[{"what": "missiles", "value": 3, "by": "JCS"}])
    project.run("build", "--jobs", "2", check=True)
    project.run("build", "--jobs", "2", "--drafts", "--output", str(tmp_path / "cached"), check=True)
    project.run("build", "--no-cache", "--drafts", "--output", str(tmp_path / "fresh"), check=True)
    cached, fresh = output_files(tmp_path / "cached"), output_files(tmp_path / "fresh")
    assert b"A draft in the works" in cached["events/f-draft/index.html"]
    assert cached == fresh


def test_a_page_made_when_asked_for_reports_a_template_failure_with_its_line(project):
    from site_gen.problems import BuildError  # noqa: PLC0415
    from site_gen.render import Deferred  # noqa: PLC0415

    seed(project)
    template = project.root / "templates/event.html"
    text = template.read_text()
    assert "{% block title %}" in text.split("\n")[2]
    template.write_text(text.replace("{% block title %}", '{% block title %}{% if e.title == "Boom" %}{{ 1 // 0 }}'
                                     "{% endif %}", 1))
    warm = PreviewBuilder(Project(project.root))
    warm.render(lazy=True)
    edit_title_to = project.event("a-launch", date="2026-01-04T07:50+09:00", actors=["north-korea"], tags=["srbm"],
                                  title="Boom")
    _, files = warm.render(lazy=True, changed={str(edit_title_to)})
    assert warm.taken is not None
    page = files["events/a-launch/index.html"]
    assert isinstance(page, Deferred)
    with pytest.raises(BuildError) as caught:
        page()
    assert [str(p) for p in caught.value.problems] == [
        "templates/event.html:3: template: ZeroDivisionError: integer division or modulo by zero"]
