"""Every kind of bad input gives file:line: field: message, all problems at once, exit 1, output untouched."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_gen.build import Project, build
from site_gen.model import PLAIN_HTTP_URL, _http_url
from site_gen.problems import BuildError

GOOD_SOURCE = """\
sources:
  - publisher: KBS World
    title: A report
    url: https://example.com/report
"""


def problems_of(project) -> list[str]:
    with pytest.raises(BuildError) as caught:
        build(Project(project.root), project.output)
    return [str(p) for p in caught.value.problems]


def entry(project, name: str, front: str, body: str = "Body.\n"):
    project.write(f"content/events/{name}.md", "---\n" + front + "---\n" + body)


def test_malformed_yaml_names_the_line(project):
    entry(project, "a", "title: Launch\ndate: 2026-01-04\nsummary: [unclosed\ncategory: provocation\n" + GOOD_SOURCE)
    [problem] = problems_of(project)
    assert problem.startswith("content/events/a.md:5: malformed YAML")
    assert "starts on line 4" in problem


def test_yaml_that_is_not_a_mapping(project):
    entry(project, "a", "- just\n- a list\n")
    assert problems_of(project) == [
        "content/events/a.md:2: front matter must be a mapping of fields (name: value)"]


def test_no_front_matter(project):
    project.write("content/events/a.md", "Just text, no fields.\n")
    assert problems_of(project) == ["content/events/a.md:1: no front matter: the file must start with a line "
                                    "'---', then YAML fields, then another '---'"]


def test_unclosed_front_matter(project):
    project.write("content/events/a.md", "---\ntitle: x\n")
    assert problems_of(project) == [
        "content/events/a.md:1: front matter is not closed: add a line '---' after the YAML fields"]


def test_missing_required_fields(project):
    entry(project, "a", "title: Launch\ndate: 2026-01-04\ncategory: provocation\n")
    assert problems_of(project) == [
        "content/events/a.md:2: sources: required field is missing",
        "content/events/a.md:2: summary: required field is missing",
    ]


def test_wrong_types(project):
    entry(project, "a", "title: [a, list]\ndate: 2026-01-04\ncategory: provocation\nsummary: s\n"
                        "actors: north-korea\ndraft: perhaps\n" + GOOD_SOURCE)
    problems = problems_of(project)
    assert "content/events/a.md:2: title: Input should be a valid string (got ['a', 'list'])" in problems
    assert "content/events/a.md:6: actors: Input should be a valid list (got 'north-korea')" in problems
    assert any(p.startswith("content/events/a.md:7: draft: Input should be a valid boolean") for p in problems)


def test_invalid_date(project):
    entry(project, "a", "title: t\n\ndate: 2026-02-30\ncategory: provocation\nsummary: s\n" + GOOD_SOURCE)
    assert problems_of(project) == [
        "content/events/a.md:4: date: invalid date '2026-02-30': day is out of range for month"]


def test_date_time_without_offset(project):
    entry(project, "a", "title: t\ndate: 2026-01-04T07:50\ncategory: provocation\nsummary: s\n" + GOOD_SOURCE)
    [problem] = problems_of(project)
    assert problem.startswith("content/events/a.md:3: date: invalid date '2026-01-04T07:50': a time needs its UTC")


def test_unknown_category_and_actor_suggest_the_nearest(project):
    entry(project, "a", "title: t\ndate: 2026-01-04\ncategory: provocaton\nactors: [north-korea, south-koria]\n"
                        "summary: s\n" + GOOD_SOURCE)
    assert problems_of(project) == [
        "content/events/a.md:4: category: unknown category 'provocaton'; did you mean 'provocation'? "
        "(defined in site.yaml: provocation, response, summit)",
        "content/events/a.md:5: actors[1]: unknown actor 'south-koria'; did you mean 'south-korea'? "
        "(define it under actors: in site.yaml)",
    ]


def test_duplicate_id(project):
    project.event("launch")
    project.write("content/events/2026/other.md", "---\nid: launch\ntitle: t\ndate: 2026-01-05\n"
                  "category: provocation\nsummary: s\n" + GOOD_SOURCE + "---\n")
    assert problems_of(project) == [
        "content/events/launch.md:1: id: duplicate id 'launch': content/events/2026/other.md has the same id"]


def test_responds_to_a_missing_event(project):
    project.event("launch")
    entry(project, "reply", "title: t\ndate: 2026-01-05\ncategory: response\nsummary: s\n"
                            "responds_to:\n  - launch\n  - lanch\n" + GOOD_SOURCE)
    assert problems_of(project) == [
        "content/events/reply.md:8: responds_to[1]: no event has the id 'lanch'; did you mean 'launch'?"]


def test_responds_to_a_later_event(project):
    project.event("launch", date="2026-01-10")
    project.event("reply", date="2026-01-05", category="response", responds_to=["launch"])
    [problem] = problems_of(project)
    assert problem.startswith("content/events/reply.md:")
    assert "responds_to[0]: 'launch' is dated 2026-01-10, after this event (2026-01-05)" in problem


def test_source_without_url(project):
    entry(project, "a", "title: t\ndate: 2026-01-04\ncategory: provocation\nsummary: s\n"
                        "sources:\n  - publisher: KBS\n    title: Report\n")
    assert problems_of(project) == ["content/events/a.md:7: sources[0].url: required field is missing"]


def test_no_sources(project):
    entry(project, "a", "title: t\ndate: 2026-01-04\ncategory: provocation\nsummary: s\nsources: []\n")
    assert problems_of(project) == ["content/events/a.md:6: sources: at least one source is required"]


@pytest.mark.parametrize("url", ["ftp://example.com/a", "javascript:alert(1)", "example.com/a", "https://"])
def test_url_must_be_http(project, url):
    entry(project, "a", "title: t\ndate: 2026-01-04\ncategory: provocation\nsummary: s\n"
                        f"sources:\n  - publisher: KBS\n    title: Report\n    url: '{url}'\n")
    assert problems_of(project) == [
        f"content/events/a.md:9: sources[0].url: url {url!r} must be an absolute http:// or https:// address"]


def test_unknown_fields_suggest_the_nearest_name(project):
    entry(project, "a", "title: t\ndate: 2026-01-04\ncategory: provocation\nsummary: s\nresponds_too: []\n"
                        "figures:\n  - {what: range, vlaue: 900, value: 900, by: JCS}\n" + GOOD_SOURCE)
    assert problems_of(project) == [
        "content/events/a.md:6: responds_too: unknown field 'responds_too'; did you mean 'responds_to'?",
        "content/events/a.md:8: figures[0].vlaue: unknown field 'vlaue'; did you mean 'value'?",
    ]


def test_claim_status_must_be_known(project):
    entry(project, "a", "title: t\ndate: 2026-01-04\ncategory: provocation\nsummary: s\n"
                        "claims:\n  - {text: x, by: KCNA, status: probable}\n" + GOOD_SOURCE)
    [problem] = problems_of(project)
    assert problem.startswith("content/events/a.md:7: claims[0].status: Input should be 'confirmed', 'disputed', "
                              "'unverified' or 'refuted'")


def test_image_needs_alt_and_a_local_file(project):
    entry(project, "a", "title: t\ndate: 2026-01-04\ncategory: provocation\nsummary: s\n"
                        "image: {src: media/missing.jpg}\n" + GOOD_SOURCE)
    assert problems_of(project) == ["content/events/a.md:6: image.alt: required field is missing",
                                    "content/events/a.md:6: image.src: no file content/media/missing.jpg"]


def test_every_problem_in_every_file_is_reported_at_once(project):
    entry(project, "a", "title: t\ndate: 2026-02-30\ncategory: nope\nsummary: s\n" + GOOD_SOURCE)
    project.write("content/events/b.md", "no front matter\n")
    entry(project, "c", "title: t\ndate: 2026-01-04\ncategory: provocation\nsummary: s\ncolour: red\n" + GOOD_SOURCE)
    problems = problems_of(project)
    assert [p.split(":")[0] + ":" + p.split(":")[1] for p in problems] == [
        "content/events/a.md:3", "content/events/a.md:4", "content/events/b.md:1", "content/events/c.md:6"]


def test_cli_prints_all_problems_exits_1_and_keeps_the_old_output(project):
    project.event("launch")
    project.run("build", check=True)
    before = {p.relative_to(project.output): p.read_bytes() for p in project.output.rglob("*") if p.is_file()}
    entry(project, "bad", "title: t\ndate: 2026-01-04\ncategory: provocaton\nsummary: s\n" + GOOD_SOURCE)
    project.write("content/events/worse.md", "---\ntitle: [\n---\n")
    result = project.run("build")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("content/events/bad.md:4: category: unknown category 'provocaton'")
    assert lines[1].startswith("content/events/worse.md:3: malformed YAML")
    assert lines[2] == "Build failed: 2 problem(s) in 2 file(s); output/ was left as it was."
    after = {p.relative_to(project.output): p.read_bytes() for p in project.output.rglob("*") if p.is_file()}
    assert after == before


def test_bad_site_config_names_its_line(project):
    config = (project.root / "site.yaml").read_text().replace("base_url: https://example.org/",
                                                              "base_url: example.org\ntitel: x")
    (project.root / "site.yaml").write_text(config)
    project.event("launch")
    result = project.run("build")
    assert result.returncode == 1
    assert "site.yaml:3: base_url: url 'example.org' must be an absolute http:// or https:// address" in result.stderr
    assert "site.yaml:4: titel: unknown field 'titel'; did you mean 'title'?" in result.stderr


def test_usage_errors_exit_2(project):
    assert project.run("build", "--no-such-option").returncode == 2
    assert project.run("frobnicate").returncode == 2


def _url_problem(check, value):
    try:
        return check(value)
    except ValueError as error:
        return f"ValueError: {error}"


def _http_url_by_urlsplit(value):  # the check without its shortcut for plain addresses
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"url {value!r} must be an absolute http:// or https:// address")
    return value


URL_BITS = st.sampled_from(["http", "https", "HTTP", "ftp", ":", "//", "/", "?", "#", "@", "[", "]", "::1", "a",
                            "example.com", ".", "-", "_", "80", " ", "\t", "\n", "\x01", "é", "ｅ", "%41", "\\"])


@settings(max_examples=500, deadline=None, database=None)
@given(st.one_of(st.from_regex(PLAIN_HTTP_URL, fullmatch=True), st.lists(URL_BITS, max_size=12).map("".join),
                 st.text(max_size=20).map(lambda s: "https://" + s)))
def test_the_url_shortcut_accepts_only_what_urlsplit_accepts(value):
    assert _url_problem(_http_url, value) == _url_problem(_http_url_by_urlsplit, value)


def test_a_control_character_in_a_config_mapping_is_refused():
    # Tag names are a mapping (name -> words): its values are checked as every other text is.
    import yaml  # noqa: PLC0415
    from pydantic import ValidationError  # noqa: PLC0415

    from site_gen.model import SiteConfig  # noqa: PLC0415
    settings = yaml.safe_load((Path(__file__).resolve().parent.parent / "site.yaml").read_text(encoding="utf-8"))
    with pytest.raises(ValidationError, match="holds the control character U\\+0000"):
        SiteConfig.model_validate({**settings, "tags": {"icbm": "I\x00CBM"}})
