"""A rebuild that reuses cached pages gives exactly what a cold build gives, after every kind of edit."""
from __future__ import annotations

import pytest

from site_gen.build import Builder, Project


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


def add_entry(p):
    p.event("f-new", date="2026-01-05", tags=["srbm", "new-tag"], responds_to=["a-launch"])


def delete_entry(p):
    (p.root / "content/events/b-reply.md").unlink()
    p.event("c-summit", date="2026-01-13", category="summit", tags=["talks"])  # it answered b-reply


def edit_template(p):
    path = p.root / "templates/macros.html"
    path.write_text(path.read_text().replace('<p class="summary">', '<p class="summary edited">'))


def edit_config(p):
    path = p.root / "site.yaml"
    path.write_text(path.read_text().replace("name: Summit", "name: Leaders' summit"))


def edit_page(p):
    p.write("content/pages/about.md", "---\ntitle: About us\n---\nAbout.\n")


@pytest.mark.parametrize("edit", [edit_body, edit_title, edit_date, edit_category, edit_responds_to, add_entry,
                                  delete_entry, edit_template, edit_config, edit_page])
def test_incremental_render_equals_cold_render(project, edit):
    seed(project)
    warm = Builder(Project(project.root))
    warm.render()
    edit(project)
    _, incremental = warm.render()
    _, cold = Builder(Project(project.root)).render()
    assert incremental.keys() == cold.keys()
    assert [path for path in cold if incremental[path] != cold[path]] == []


def test_a_body_edit_redraws_only_the_pages_that_show_the_event(project):
    seed(project)
    warm = Builder(Project(project.root))
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
    warm = Builder(Project(project.root))
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
    from site_gen.build import PARALLEL_FROM  # noqa: PLC0415

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
