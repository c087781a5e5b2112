"""The preview server, for real: a site-gen serve process on loopback, driven by headless Chromium."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from conftest import PreviewProcess

RELOAD_WITHIN_MS = 2000


@pytest.fixture
def server(project):
    project.event("launch", date="2026-01-04T07:50+09:00", body="The original body.")
    project.event("reply", date="2026-01-05", category="response", responds_to=["launch"])
    running = PreviewProcess(project)
    yield running
    running.stop()


def open_live(page, url: str) -> None:
    """Open a page and wait until livereload.js has its WebSocket open, so no reload can be missed."""
    page.goto(url)
    page.wait_for_function("() => window.LiveReload && window.LiveReload.connector._isSocketConnected()",
                           timeout=10000)


def test_edit_break_fix_delete_in_the_browser(project, server, page):
    open_live(page, server.url("/events/launch/"))
    assert "The original body." in page.locator(".body").inner_text()

    text = (project.root / "content/events/launch.md").read_text()
    (project.root / "content/events/launch.md").write_text(text.replace("The original body.", "An edited body."))
    page.locator(".body", has_text="An edited body.").wait_for(timeout=RELOAD_WITHIN_MS)

    open_live(page, server.url("/events/launch/"))
    broken = text.replace("category: provocation", "category: provocaton")
    (project.root / "content/events/launch.md").write_text(broken)
    problem = page.locator(".problems li").first
    problem.wait_for(timeout=RELOAD_WITHIN_MS)
    assert problem.inner_text().startswith("content/events/launch.md:4: category: unknown category 'provocaton'")
    assert page.locator("h1").inner_text() == "Build failed"

    page.wait_for_function("() => window.LiveReload && window.LiveReload.connector._isSocketConnected()")
    (project.root / "content/events/launch.md").write_text(text)
    page.locator("h1", has_text="Event launch").wait_for(timeout=RELOAD_WITHIN_MS)

    open_live(page, server.url("/"))
    assert page.locator("ol.timeline .event-title", has_text="Event reply").count() == 1
    (project.root / "content/events/reply.md").unlink()
    page.wait_for_function("() => !document.body.innerText.includes('Event reply')", timeout=RELOAD_WITHIN_MS)
    assert server.status("/events/reply/") == 404
    assert server.status("/events/launch/") == 200


def test_new_and_renamed_entries_are_picked_up(project, server):
    after = len(server.lines)
    project.event("added", date="2026-02-01")
    server.wait_for_line("Built 3 events", after=after)
    assert server.status("/events/added/") == 200
    after = len(server.lines)
    (project.root / "content/events/added.md").rename(project.root / "content/events/renamed.md")
    server.wait_for_line("Built 3 events", after=after)
    assert server.status("/events/renamed/") == 200
    assert server.status("/events/added/") == 404


def test_a_burst_of_saves_gives_one_rebuild(project, server):
    after = len(server.lines)
    for i in range(10):
        project.event(f"burst-{i}", date="2026-03-01")
        time.sleep(0.005)
    server.wait_for_line("Built 12 events", after=after)
    time.sleep(1.0)
    assert len([line for line in server.lines[after:] if "Built" in line]) == 1, server.lines[after:]


def body_within(server, path: str, text: bytes, seconds: float = 5) -> bytes:
    """The body at `path` once it holds `text` (an editor's save may reach the watcher as two changes)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(server.url(path), timeout=10) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            body = error.read()
        if text in body or time.monotonic() > deadline:
            return body
        time.sleep(0.05)


def test_templates_and_config_are_watched(project, server):
    path = project.root / "templates/404.html"
    path.write_text(path.read_text().replace('{{ _("Page not found") }}</h1>', "Nothing here</h1>"))
    assert b"Nothing here" in body_within(server, "/nowhere/", b"Nothing here")
    config = project.root / "site.yaml"
    config.write_text(config.read_text().replace("title: Test timeline", "title: Renamed timeline"))
    assert b"Renamed timeline" in body_within(server, "/", b"Renamed timeline")


def test_drafts_are_shown_with_a_label_in_the_preview_only(project, server):
    after = len(server.lines)
    project.event("secret", date="2026-01-06", draft=True)
    server.wait_for_line("Built 3 events", after=after)
    with urllib.request.urlopen(server.url("/events/secret/"), timeout=10) as response:
        assert b'class="draft-label"' in response.read()
    assert project.run("build").returncode == 0
    assert not (project.output / "events/secret").exists()


def test_preview_serves_under_the_base_url_path(project):
    config = project.root / "site.yaml"
    config.write_text(config.read_text().replace("https://example.org/", "https://user.github.io/nk-timeline/"))
    project.event("launch")
    running = PreviewProcess(project)
    try:
        assert "/nk-timeline/" in running.lines[-1]
        assert running.status("/nk-timeline/events/launch/") == 200
        assert running.status("/events/launch/") == 404
        request = urllib.request.Request(running.url("/"), method="HEAD")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.url == running.url("/nk-timeline/")  # redirected
    finally:
        running.stop()


def test_a_port_in_use_gives_a_clear_error(project):
    project.event("launch")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "site_gen", "serve", "--port", str(port)], cwd=project.root,
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr


def test_new_writes_a_unique_draft_and_never_overwrites(project):
    first = project.run("new", "Missiles toward the East Sea!", "--date", "2026-01-04T07:50+09:00",
                        "--category", "provocation", check=True)
    assert first.stdout.startswith("Created content/events/2026-01-04-missiles-toward-the-east-sea.md")
    path = project.root / "content/events/2026-01-04-missiles-toward-the-east-sea.md"
    original = path.read_text()
    assert original.startswith('---\ntitle: "Missiles toward the East Sea!"\ndate: 2026-01-04T07:50+09:00\n'
                               "category: provocation\n")
    assert "draft: true" in original
    second = project.run("new", "Missiles toward the East Sea!", "--date", "2026-01-04", "--category",
                         "provocation", check=True)
    assert "2026-01-04-missiles-toward-the-east-sea-2.md" in second.stdout
    assert path.read_text() == original
    bad = project.run("new", "X", "--date", "2026-01-04", "--category", "provocaton")
    assert bad.returncode == 2 and "did you mean 'provocation'" in bad.stderr
    bad_date = project.run("new", "X", "--date", "2026-02-30", "--category", "summit")
    assert bad_date.returncode == 2 and "day is out of range" in bad_date.stderr
    # Drafts stay out of the build, so an unfinished entry never blocks publishing...
    assert project.run("build").returncode == 0
    # ...and the preview (drafts included) lists what is left to fill in.
    drafts = project.run("build", "--drafts")
    assert drafts.returncode == 1
    assert "content/events/2026-01-04-missiles-toward-the-east-sea.md:6: summary: must not be empty" in drafts.stderr
    assert "content/events/2026-01-04-missiles-toward-the-east-sea.md:10: sources[0].publisher: must not be empty" \
        in drafts.stderr


@pytest.mark.parametrize("breakage, expected", [
    (lambda p: p.write("content/events/launch.md", "---\ntitle: [unclosed\n---\n"),
     "content/events/launch.md:3: malformed YAML"),
    (lambda p: (p.root / "templates/event.html").write_text(
        (p.root / "templates/event.html").read_text().replace("{% block main %}", "{% block main %}{% if %}")),
     "templates/event.html:"),
])
def test_yaml_and_template_errors_show_on_every_page_until_fixed(project, server, breakage, expected):
    originals = {path: path.read_bytes() for path in [project.root / "content/events/launch.md",
                                                       project.root / "templates/event.html"]}
    after = len(server.lines)
    breakage(project)
    server.wait_for_line("Build failed", after=after)
    for path in ("/", "/events/reply/"):
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(server.url(path), timeout=10)
        assert caught.value.code == 500
        assert expected in caught.value.read().decode()
    after = len(server.lines)
    for path, data in originals.items():
        path.write_bytes(data)
    server.wait_for_line("Built 2 events", after=after)
    assert server.status("/events/launch/") == 200


def test_a_save_made_while_the_watcher_starts_is_not_lost(project):
    project.event("launch", body="Before.")
    running = PreviewProcess(project)
    try:
        # at once, before the file watcher can be listening
        (project.root / "content/events/launch.md").write_text(
            (project.root / "content/events/launch.md").read_text().replace("Before.", "After."))
        assert b"After." in body_within(running, "/events/launch/", b"After.", seconds=5)
    finally:
        running.stop()


# A site in three languages (test_i18n.make_site): `launch` translated into Korean and Japanese, `talks` not.

def fetched(server, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(server.url(path), timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def saved(server, path, text: str, expect: str = "Built 2 events") -> str:
    """Write `text` to `path` and return the server's log line for the rebuild it gives."""
    after = len(server.lines)
    path.write_text(text, encoding="utf-8")
    server.wait_for_line(expect, after=after)
    return next(line for line in server.lines[after:] if expect in line)  # (fixture: no "Caught up" line now)


def pages_changed(line: str) -> int:
    import re  # noqa: PLC0415
    return int(re.search(r"\((\d+) pages changed", line).group(1))


@pytest.fixture
def three_languages(project):
    from test_i18n import make_site  # noqa: PLC0415
    make_site(project)
    running = PreviewProcess(project)
    # The watcher is live once it reports a save; its first idle moment (within half a second) then
    # catches up with the files written before it started, the fixture's, loading everything: the edits
    # of the tests come after it.
    path = project.root / "content/events/talks.md"
    path.write_bytes(path.read_bytes())
    running.wait_for_line("Changed talks.md")
    time.sleep(1.5)
    yield running
    running.stop()


def test_an_edited_translation_is_taken_in_place_and_redraws_only_its_pages(project, three_languages):
    server = three_languages
    path = project.root / "content/events/launch.ko.md"
    text = path.read_text(encoding="utf-8")
    talks_before = fetched(server, "/ko/events/talks/")[1]
    line = saved(server, path, text.replace("떨어졌다", "낙하했다"))
    # "in place": only the file saved was read, no timeline made again (a full load says "the rest unchanged")
    assert line.endswith("in place)"), line
    # Its Korean page and the Korean files that hold its body (2 feeds, 2 of its category, 3 exports, the
    # search index): 9 of the site's ~90.
    assert 0 < pages_changed(line) <= 9, line
    assert "낙하했다" in fetched(server, "/ko/events/launch/")[1]
    assert "낙하했다" not in fetched(server, "/events/launch/")[1] + fetched(server, "/ja/events/launch/")[1]
    assert fetched(server, "/ko/events/talks/")[1] == talks_before

    # A translated title is shown on every Korean page listing the event, and only there.
    line = saved(server, path, text.replace("title: 북한, 동해상으로", "title: 북한이 동해상으로"))
    assert line.endswith("in place)"), line
    assert "북한이 동해상으로" in fetched(server, "/ko/")[1]
    assert "북한이 동해상으로" not in fetched(server, "/ja/")[1]


def test_an_edited_original_makes_its_translations_stale_in_place_and_a_moved_one_is_remade(project,
                                                                                            three_languages):
    from test_i18n import ko  # noqa: PLC0415
    server = three_languages
    stale = ko("The original has changed since this translation.")
    path = project.root / "content/events/launch.md"
    text = path.read_text(encoding="utf-8")
    assert stale not in fetched(server, "/ko/events/launch/")[1]
    line = saved(server, path, text.replace("fell into the East Sea.", "fell into the East Sea, the JCS said."))
    assert line.endswith("in place)"), line
    assert stale in fetched(server, "/ko/events/launch/")[1]
    assert "the JCS said." in fetched(server, "/events/launch/")[1]
    line = saved(server, path, text)  # put back as it was: the translation is current again
    assert line.endswith("in place)"), line
    assert stale not in fetched(server, "/ko/events/launch/")[1]
    # A link taken away: the Korean page of the event responded to no longer lists the response; each
    # language's timeline is made again from memory.
    talks = project.root / "content/events/talks.md"
    response = ko("(a response to this event)")
    assert response in fetched(server, "/ko/events/launch/")[1]
    line = saved(server, talks, talks.read_text(encoding="utf-8").replace("responds_to:\n- launch\n", ""))
    assert line.endswith("timeline remade from memory)"), line
    assert response not in fetched(server, "/ko/events/launch/")[1]
    # A date that moves the event (after talks, no longer a response to it): each language's timeline
    # is made again from memory.
    def launch_first(path: str) -> bool:  # whether `launch` comes before `talks` on the page
        page = fetched(server, path)[1]
        return page.index("/events/launch/") < page.index("/events/talks/")
    before = launch_first("/ko/chronological/"), launch_first("/ja/chronological/")
    line = saved(server, path, text.replace("date: '2026-01-04'", "date: '2026-02-03'"))  # after talks
    assert line.endswith("timeline remade from memory)"), line
    assert "2026년 2월 3일" in fetched(server, "/ko/events/launch/")[1]
    assert (launch_first("/ko/chronological/"), launch_first("/ja/chronological/")) == (not before[0], not before[1])
    # A new entry loads everything, in every language.
    after = len(server.lines)
    project.event("added", date="2026-03-01", title="An added event")
    server.wait_for_line("Built 3 events", after=after)
    line = next(line for line in server.lines[after:] if "Built 3 events" in line)
    assert line.endswith("the rest unchanged)"), line
    assert "An added event" in fetched(server, "/ko/events/added/")[1]


def test_a_broken_translation_is_reported_and_fixing_it_clears_the_error(project, three_languages):
    server = three_languages
    path = project.root / "content/events/launch.ko.md"
    text = path.read_text(encoding="utf-8")
    saved(server, path, text.replace("reviewed: false\n", "reviewed: false\ndate: 2026-01-05\n"),
          expect="Build failed")
    status, page = fetched(server, "/ko/events/launch/")
    assert status == 500
    assert "content/events/launch.ko.md:5: date: &#x27;date&#x27; is a fact" in page, page
    line = saved(server, path, text.replace("떨어졌다", "낙하했다"))
    status, page = fetched(server, "/ko/events/launch/")
    assert status == 200 and "낙하했다" in page
    line = saved(server, path, text)  # and the next edit is taken in place again
    assert line.endswith("in place)"), line


def test_a_translation_created_and_deleted_is_taken_in_place(project, three_languages):
    from test_i18n import digest_of, ko  # noqa: PLC0415
    server = three_languages
    missing = ko("Not yet translated: shown in its original language.")
    assert missing in fetched(server, "/ko/events/talks/")[1]
    path = project.root / "content/events/talks.ko.md"
    line = saved(server, path, f'---\ntranslated_from: "{digest_of(project.root / "content/events/talks.md")}"\n'
                 "machine_assisted: true\nreviewed: false\ntitle: 판문점 회담\n---\n양측이 만났다.\n")
    assert line.endswith("in place)"), line
    page = fetched(server, "/ko/events/talks/")[1]
    assert "<h1>판문점 회담</h1>" in page and "양측이 만났다." in page and missing not in page
    assert "판문점 회담" not in fetched(server, "/ja/events/talks/")[1]
    after = len(server.lines)
    path.unlink()
    server.wait_for_line("Built 2 events", after=after)
    line = next(line for line in server.lines[after:] if "Built 2 events" in line)
    assert line.endswith("in place)"), line
    page = fetched(server, "/ko/events/talks/")[1]
    assert missing in page and "판문점 회담" not in page
