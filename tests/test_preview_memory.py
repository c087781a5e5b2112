"""The preview keeps no drawn page in memory after its first build (at 10,000 events their bytes were
~300 MB of it): every page is drawn then, to report a failing template at once, and again when asked
for; what it hands out is byte for byte what drawing every page at once gives."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from site_gen.build import Builder
from site_gen.preview.edits import PreviewBuilder
from site_gen.preview.http import LIVE_SCRIPT
from site_gen.problems import BuildError
from site_gen.project import Project
from site_gen.render import Deferred

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from corpus import make_corpus  # noqa: E402


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("corpus") / "site", 320)  # enough pages for the forked path


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_first_preview_build_keeps_no_page_and_draws_each_as_a_build_does(site, jobs):
    preview = PreviewBuilder(Project(site), drafts=True, extra_head=LIVE_SCRIPT)
    preview.jobs = preview.renderer.jobs = jobs
    _, served = preview.render(lazy=True)
    _, eager = Builder(Project(site), drafts=True, extra_head=LIVE_SCRIPT).render()
    pages = [path for path in eager if path.endswith(".html")]
    assert len(pages) > 300 and served.keys() == eager.keys()
    assert all(isinstance(served[path], Deferred) and not served[path].made for path in pages)
    assert all(served[path]() == eager[path] for path in pages)


def test_a_failing_template_is_still_reported_by_the_first_build(site, tmp_path):
    project = Project(site)
    broken = PreviewBuilder(project, drafts=True, extra_head=LIVE_SCRIPT)
    card = project.templates_dir / "card.html"
    text = card.read_text(encoding="utf-8")
    try:
        card.write_text(text + "{{ no_such_thing }}\n", encoding="utf-8")
        broken.renderer.jobs = 2
        with pytest.raises(BuildError) as raised:
            broken.render(lazy=True)
        assert any(p.file.endswith("card.html") for p in raised.value.problems)
    finally:
        card.write_text(text, encoding="utf-8")
