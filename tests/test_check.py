"""`site-gen check` through the command line, on throw-away projects: the build's checks, nothing written,
then the warnings an editor should see before publishing (file:line), and --strict."""
from __future__ import annotations

from test_build import files_of

ARTICLE = {"publisher": "KBS World", "title": "A report", "url": "https://example.com/report", "date": "2026-01-04"}
HOME_PAGE = {"publisher": "Some Paper", "title": "A report", "url": "https://paper.example/", "date": "2026-01-04"}
AGGREGATOR = {**ARTICLE, "publisher": "allthe.news", "url": "https://allthe.example/a", "kind": "aggregator"}
DATABASE = {"publisher": "CNS", "title": "A missile test database", "url": "https://db.example/tests",
            "kind": "database"}
OFFICIAL = {**ARTICLE, "publisher": "JCS", "url": "https://jcs.example/release", "kind": "official"}


def line_of(path, text: str) -> int:
    """The file line (1-based) of the first line holding `text`."""
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def warnings_of(result) -> list[str]:
    return [line for line in result.stdout.splitlines() if ": warning: " in line]


def test_a_clean_site_passes_and_nothing_is_written(project):
    project.event("launch", date="2026-01-04T07:50+09:00", sources=[ARTICLE])
    project.event("reply", date="2026-01-04", category="response", responds_to=["launch"], sources=[ARTICLE],
                  title="Seoul answers")
    before = files_of(project.root)
    result = project.run("check")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Checked 2 events: the site builds; 0 warning(s).\n"
    assert files_of(project.root) == before  # no output/, no .cache/, nothing touched
    assert not project.output.exists() and not (project.root / ".cache").exists()


def test_it_fails_as_a_build_would_with_every_problem(project):
    bad = project.event("bad", category="no-such-category", sources=[ARTICLE])
    project.event("worse", date="2026-02-30", sources=[ARTICLE])
    result = project.run("check")
    build = project.run("build")
    assert result.returncode == build.returncode == 1
    problems = [line for line in result.stderr.splitlines() if line.startswith("content/")]
    assert problems == [line for line in build.stderr.splitlines() if line.startswith("content/")]
    assert f"content/events/bad.md:{line_of(bad, 'category:')}: category: unknown category" in result.stderr
    assert "content/events/worse.md" in result.stderr
    assert "Check failed: 2 problem(s) in 2 file(s)." in result.stderr


def test_it_draws_every_page_so_a_broken_template_fails_it(project):
    path = project.root / "templates" / "404.html"
    path.write_text(path.read_text().replace('<h1>{{ _("Page not found") }}</h1>', "<h1>{{ no_such_variable }}</h1>"))
    project.event("launch", sources=[ARTICLE])
    result = project.run("check")
    assert result.returncode == 1
    assert "templates/404.html" in result.stderr and "no_such_variable" in result.stderr


def test_usage_errors_exit_2(project):
    assert project.run("check", "--timeout", "soon").returncode == 2


def test_warnings_name_file_and_line(project):
    weak = project.event("weak", sources=[HOME_PAGE, AGGREGATOR], title="Aggregators say so")
    official = project.event("official", sources=[OFFICIAL], title="JCS release", date="2026-01-05")
    # a database alone is enough, and is cited without a date: no warning for it
    project.event("recorded", sources=[{**DATABASE}], title="A launch in the record", date="2026-01-08")
    no_date = {key: value for key, value in ARTICLE.items() if key != "date"}
    undated = project.event("undated", sources=[ARTICLE, {**no_date, "title": "Another"}],
                            title="A third thing", date="2026-01-06")
    project.event("launch", title="North Korea fires ballistic missiles toward the East Sea",
                  date="2026-01-07T09:00+09:00", sources=[ARTICLE])
    twice = project.event("launch-again", title="North Korea fires a ballistic missile toward the East Sea",
                          date="2026-01-07", sources=[ARTICLE])
    early = project.event("early-reply", title="Seoul condemns it", category="response",
                          date="2026-01-07T08:00+09:00", responds_to=["launch"], sources=[ARTICLE])
    result = project.run("check")
    assert result.returncode == 0, result.stderr
    sources_line = line_of(undated, "sources:")
    assert warnings_of(result) == [
        f"content/events/early-reply.md:{line_of(early, '- launch')}: warning: responds_to[0]: the thread "
        "goes back in time: this event (2026-01-07T08:00+09:00) comes before 'launch' (2026-01-07T09:00+09:00), "
        "which it responds to",
        f"content/events/launch-again.md:{line_of(twice, 'title:')}: warning: title: possible duplicate of "
        "content/events/launch.md (same day, similar title: 'North Korea fires ballistic missiles toward the East "
        "Sea')",
        f"content/events/official.md:{line_of(official, 'sources:')}: warning: sources: no article-level source: "
        "no press report at its own address (kinds: official)",
        f"content/events/undated.md:{sources_line + 5}: warning: sources[1].date: source 'KBS World' has no date",
        f"content/events/weak.md:{line_of(weak, 'sources:')}: warning: sources: only weak sources (aggregator, "
        "homepage): the page says \"Only secondary sources\"; cite the original report or statement if you can",
    ]
    assert result.stdout.endswith("Checked 7 events: the site builds; 5 warning(s).\n")


def test_strict_makes_warnings_errors(project):
    weak = project.event("weak", sources=[HOME_PAGE])
    project.event("fine", date="2026-01-05", sources=[ARTICLE])
    result = project.run("check", "--strict")
    assert result.returncode == 1
    assert result.stdout == ""
    assert f"content/events/weak.md:{line_of(weak, 'sources:')}: error: sources: only weak sources" in result.stderr
    assert "Check failed: 1 warning(s), errors with --strict (2 events)." in result.stderr
    project.event("weak", sources=[ARTICLE])
    assert project.run("check", "--strict").returncode == 0


def test_a_response_later_in_the_day_or_with_no_time_is_not_backwards(project):
    project.event("launch", date="2026-01-07T09:00+09:00", sources=[ARTICLE])
    project.event("reply-later", title="Later", date="2026-01-07T10:00+09:00", responds_to=["launch"],
                  sources=[ARTICLE])
    project.event("reply-that-day", title="That day", date="2026-01-07", responds_to=["launch"], sources=[ARTICLE])
    result = project.run("check")
    assert warnings_of(result) == [], result.stdout


def test_times_on_other_clocks_are_compared_as_instants(project):
    # 8 January at 01:00 by a +14:00 clock is 11:00 UTC on 7 January: before the launch at 20:00 UTC, though
    # its own date is a day later (which the build allows).
    project.event("launch", date="2026-01-07T20:00Z", sources=[ARTICLE])
    project.event("reply", title="Kiribati", date="2026-01-08T01:00+14:00", responds_to=["launch"], sources=[ARTICLE])
    [warning] = warnings_of(project.run("check"))
    assert "responds_to[0]: the thread goes back in time" in warning
