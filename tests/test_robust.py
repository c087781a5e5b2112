"""Robust and safe: bad input, failed and interrupted builds, hostile content.

Nothing anyone types may crash the tool, lose work, or put a script into the published site:
- output safety: a failed or killed build leaves the previous site as it was; folders we did not
  make are refused (exit 2) and nothing in them is touched;
- content safety: hostile entries build into pages with no executable script, every page carries a
  Content-Security-Policy, and the site still works in Chromium (from disk and over HTTP) under it;
- input robustness: property-based (hypothesis) and named nasty inputs either build or give
  problems as file:line: ... (exit 1); never a traceback, never another exit code.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_gen.build import Builder, Project
from site_gen.problems import BuildError

REPO = Path(__file__).resolve().parent.parent
AXE = REPO / ".cache/npm/node_modules/axe-core/axe.min.js"


# ---------------------------------------------------------------------------------------------------
# 1. Output safety
# ---------------------------------------------------------------------------------------------------

def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` (relative path -> sha256), symlinks and empty folders included."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[rel] = "symlink:" + os.readlink(path)
        elif path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir() and not any(path.iterdir()):
            found[rel] = "empty folder"
    return found


def leftovers(project) -> list[str]:
    return sorted(p.name for p in project.root.iterdir() if p.name.startswith(".output."))


def test_a_build_that_fails_validation_leaves_the_previous_output_byte_identical(project):
    project.event("launch", date="2026-01-04T07:50+09:00")
    project.event("reply", date="2026-01-05", category="response", responds_to=["launch"])
    project.run("build", check=True)
    before = tree(project.output)
    assert "index.html" in before and "events/reply/index.html" in before
    project.event("reply", date="2026-01-05", category="respons", responds_to=["launch"])  # a typo
    result = project.run("build")
    assert result.returncode == 1
    assert "content/events/reply.md:4: category: unknown category 'respons'" in result.stderr
    assert "output/ was left as it was" in result.stderr or "left as it was" in result.stderr
    assert tree(project.output) == before
    assert leftovers(project) == []


def test_a_build_that_fails_in_a_template_leaves_the_previous_output_byte_identical(project):
    project.event("launch")
    project.run("build", check=True)
    before = tree(project.output)
    template = project.root / "templates/event.html"
    template.write_text(template.read_text().replace("{% block main %}", "{% block main %}{{ no_such_variable }}"))
    result = project.run("build")
    assert result.returncode == 1 and "templates/event.html:" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree(project.output) == before
    assert leftovers(project) == []


def large_project(project, count: int) -> None:
    for i in range(count):
        project.event(f"e{i:04d}", date=f"{2000 + i % 26}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                      category=("provocation", "response", "summit")[i % 3], tags=[f"tag-{i % 40}"],
                      body=f"Entry {i}. " * 60)


def build_process(project) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "site_gen", "build"], cwd=project.root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_a_killed_build_leaves_the_previous_site_complete(project):
    """SIGKILL a build of a large project at many moments, the writing phase included: output/ is always a
    whole site, the previous one byte for byte (or the new one, complete, if the kill came after the swap)."""
    large_project(project, 1500)
    started = time.perf_counter()
    project.run("build", check=True)
    duration = time.perf_counter() - started
    site = tree(project.output)
    outcomes = []

    def run_and_kill(round_: int, when) -> None:
        nonlocal site
        # Each round changes the input, so the new site can be told from the old one.
        project.event("e0000", date="2000-01-01", title=f"Changed in round {round_}")
        earlier = set(leftovers(project))
        process = build_process(project)
        when(process, earlier)
        writing = any(".new-" in name for name in set(leftovers(project)) - earlier)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()
            kind = "killed while writing" if writing else "killed"
        else:
            assert process.returncode == 0, process.stderr.read().decode()
            kind = "finished"
        now = tree(project.output)
        if now == site:
            outcomes.append((kind, "old site"))
            assert kind != "finished"
            return
        # Not the old site: then the new one, whole (every file, the edit in it).
        assert now.keys() == site.keys(), f"round {round_} ({kind}): output/ is not a whole site"
        assert f"Changed in round {round_}" in (project.output / "events/e0000/index.html").read_text()
        outcomes.append((kind, "new site"))
        site = now

    # At fractions of a whole build: loading, rendering, writing.
    for round_, fraction in enumerate((0.2, 0.45, 0.7, 0.85, 0.95)):
        run_and_kill(round_, lambda process, earlier, f=fraction: time.sleep(duration * f))

    # While the new site is being written: wait for its staging folder beside the old one.
    def during_writing(delay):
        def wait(process, earlier):
            deadline = time.monotonic() + 60
            while not any(".new-" in name for name in set(leftovers(project)) - earlier) and process.poll() is None:
                assert time.monotonic() < deadline
                time.sleep(0.002)
            time.sleep(delay)
        return wait

    for round_, delay in enumerate((0.0, 0.02, 0.05, 0.1, 0.2), start=10):
        run_and_kill(round_, during_writing(delay))
    killed = [o for o in outcomes if o[0].startswith("killed")]
    assert len(killed) >= 6, outcomes
    assert ("killed while writing", "old site") in outcomes, outcomes

    left = leftovers(project)
    assert all(re.fullmatch(r"\.output\.(new|old)-\d+-\w+", name) for name in left), left
    # The next build still succeeds, gives the site of the current input, and clears what killed builds left.
    project.run("build", check=True)
    assert "Changed in round 14" in (project.output / "events/e0000/index.html").read_text()
    assert leftovers(project) == []
    print(f"\nkill outcomes: {outcomes}; folders left beside output/: {len(left)} before the next build")


def run_env(project, *args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "site_gen", *args], cwd=project.root, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("where", ["project root", "content", "templates", "folder with foreign files",
                                   "home folder", "parent of the project", "a file"])
def test_unsafe_output_folders_are_refused_and_nothing_is_touched(project, tmp_path, where):
    project.event("launch")
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    (home / "Documents" / "thesis.txt").write_text("years of work")
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("my notes")
    (tmp_path / "a-file.txt").write_text("a file")
    target = {"project root": project.root, "content": project.root / "content",
              "templates": project.root / "templates", "folder with foreign files": foreign,
              "home folder": home, "parent of the project": tmp_path, "a file": tmp_path / "a-file.txt"}[where]
    before = tree(tmp_path)
    result = run_env(project, "build", "--output", str(target), home=home)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("site-gen: error: ")
    assert "refusing" in result.stderr or "is a file, not a folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree(tmp_path) == before  # nothing deleted, nothing added (no staging folder either)


def test_an_empty_or_own_output_folder_is_used(project, tmp_path):
    project.event("launch")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_env(project, "build", "--output", str(empty), home=tmp_path / "home").returncode == 0
    assert (empty / ".site-gen-output").is_file() and (empty / "index.html").is_file()
    assert run_env(project, "build", "--output", str(empty), home=tmp_path / "home").returncode == 0


# ---------------------------------------------------------------------------------------------------
# 2. Content safety
# ---------------------------------------------------------------------------------------------------

HOSTILE_TITLE = 'Hostile </script><script>alert("title")</script> <img src=x onerror=alert("title-img")>'
HOSTILE_BODY = """\
<script>alert("body")</script>
<img src="x" onerror="alert('img')">
<a href="javascript:alert('a')">a link</a> <a href="JaVaScRiPt:alert('case')">case</a>
<a href="&#106;avascript:alert('entity')">entity</a> <a href=" javascript:alert('space')">space</a>
<a href="data:text/html,<script>alert('data')</script>">data</a> <a href="vbscript:msgbox(1)">vb</a>

[markdown link](javascript:alert('md')) and [a reference][r] and ![picture](javascript:alert('mdimg'))

<iframe src="javascript:alert('iframe')"></iframe>
<div onclick="alert('div')" style="background:url(javascript:alert('css'))">a div</div>
<svg><script>alert('svg')</script><a xlink:href="javascript:alert('xlink')">x</a></svg>
<svg onload="alert('svgload')"></svg>
<form action="javascript:alert('form')"><button formaction="javascript:alert('fa')">go</button></form>
<object data="javascript:alert('object')"></object><embed src="javascript:alert('embed')">
<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')></style></mglyph></table></mtext></math>
<base href="https://evil.example/">
<meta http-equiv="refresh" content="0;url=javascript:alert('refresh')">
<noscript><p title="</noscript><img src=x onerror=alert('noscript')>"></p></noscript>
<template><script>alert('template')</script></template>
<details open ontoggle="alert('toggle')">x</details>

[r]: javascript:alert('ref')
"""


def hostile_event(project) -> None:
    project.event(
        "hostile", title=HOSTILE_TITLE, date="2026-01-04T07:50+09:00", body=HOSTILE_BODY,
        summary='<svg onload=alert("summary")> "quoted" </textarea><script>alert("summary")</script>',
        location={"name": "</title><script>alert('place')</script>", "lat": 39.0, "lon": 125.7},
        figures=[{"what": "<b onmouseover=alert(1)>range</b>", "value": 900, "unit": "<script>", "by": "x"}],
        claims=[{"text": "<script>alert('claim')</script>", "by": "<img src=x onerror=alert(1)>",
                 "status": "disputed", "disputed_by": ["</script>"], "note": "{{ 7*7 }} {% raw %}"}],
        sources=[{"publisher": "<img src=x onerror=alert('publisher')>", "title": '"><script>alert(1)</script>',
                  "url": 'https://example.com/"><script>alert("url")</script>'}])
    project.event("launch", date="2026-01-03", summary="A plain neighbour.")


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "background", "srcset"}


def executable_bits(html: str) -> list[str]:
    """Everything in an HTML document that could run script (besides the site's own script files)."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for script in soup.find_all("script"):
        src = script.get("src")
        if script.get("type") == "application/ld+json":
            json.loads(script.string)  # data, and whole: no text ended the element early
        elif not src or ":" in src or src.startswith("//"):
            found.append(f"script: {str(script)[:80]}")
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
            if name.lower().startswith("on"):
                found.append(f"<{tag.name} {name}=...>")
            elif name.lower() in URL_ATTRIBUTES and squeezed.startswith(("javascript:", "vbscript:", "data:")):
                found.append(f"<{tag.name} {name}={value[:40]}>")
            elif name.lower() in ("srcdoc", "style"):
                found.append(f"<{tag.name} {name}=...>")
        if tag.name in ("iframe", "object", "embed", "frame", "applet") or \
                (tag.name == "base" and tag.get("href")) or \
                (tag.name == "meta" and (tag.get("http-equiv") or "").lower() == "refresh"):
            found.append(f"<{tag.name}>")
    return found


def test_a_source_url_that_is_not_http_is_refused(project):
    for i, url in enumerate(["javascript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)",
                             "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)",
                             "//evil.example/x", "https:evil", "file:///etc/passwd", "http://[::1"]):
        project.event(f"e{i}", sources=[{"publisher": "P", "title": "T", "url": url}])
    result = project.run("build")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    for i in range(9):
        assert re.search(rf"content/events/e{i}\.md:\d+: sources\[0\]\.url: ", result.stderr), (i, result.stderr)


@pytest.mark.parametrize("src", ["javascript:alert(1)", "https://evil.example/x.png", "//evil.example/x.png",
                                 "media/../../../etc/passwd", "/etc/passwd", "media\\..\\x.png", "data:image/png,x",
                                 "../media/x.png"])
def test_an_image_outside_content_media_is_refused(project, src):
    project.event("e", image={"src": src, "alt": "A picture"})
    result = project.run("build")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(r"content/events/e\.md:\d+: image\.src: .*must name a file under content/media/", result.stderr)


def test_a_base_url_that_is_not_http_is_refused(project):
    config = project.root / "site.yaml"
    config.write_text(config.read_text().replace("https://example.org/", "javascript:alert(1)//"))
    project.event("e")
    result = project.run("build")
    assert result.returncode == 1 and re.search(r"site\.yaml:3: base_url: ", result.stderr)


def test_a_hostile_entry_builds_into_pages_with_no_executable_script(project):
    hostile_event(project)
    project.run("build", check=True)
    out = project.output
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert executable_bits(html) == [], page.relative_to(out)
        assert "livereload" not in html  # the preview's reload script is never published
    # the title is shown as text, escaped, not as markup
    soup = BeautifulSoup((out / "events/hostile/index.html").read_text(), "html.parser")
    assert soup.find("h1").get_text() == HOSTILE_TITLE
    # HTML that other programs render: the Atom feed's content and TimelineJS's text
    for entry in ET.parse(out / "feeds/atom.xml").getroot().iter("{http://www.w3.org/2005/Atom}content"):
        assert executable_bits(entry.text or "") == []
    for event in json.loads((out / "data/timeline.json").read_text())["events"]:
        assert executable_bits(event["text"]["headline"]) == [] and executable_bits(event["text"]["text"]) == []


def csp_of(html: str) -> dict[str, list[str]] | None:
    soup = BeautifulSoup(html, "html.parser")
    head = soup.find("head")
    meta = head.find("meta", attrs={"http-equiv": "Content-Security-Policy"}) if head else None
    if meta is None:
        return None
    # before anything it governs: no stylesheet or script comes ahead of it
    for earlier in meta.find_all_previous(["link", "script", "style"]):
        raise AssertionError(f"{earlier} comes before the Content-Security-Policy")
    directives = {}
    for part in meta["content"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_every_page_carries_a_strict_content_security_policy(bundled_site):
    pages = sorted(bundled_site.rglob("*.html"))
    assert len(pages) > 50
    for page in pages:
        policy = csp_of(page.read_text(encoding="utf-8"))
        assert policy is not None, f"{page.relative_to(bundled_site)} has no Content-Security-Policy"
        assert policy["default-src"] == ["'none'"]
        assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
        everything = " ".join(v for values in policy.values() for v in values)
        for loose in ("'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:", "data:", "blob:"):
            assert loose not in everything.split(), (page, loose)
        # directives a <meta> policy ignores (with a console warning) are not there
        assert not {"frame-ancestors", "report-uri", "sandbox"} & policy.keys()


WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
    e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));
"""


def watch(page) -> tuple[list[str], list[str]]:
    """Record alerts (dialogs) and console messages about the Content-Security-Policy."""
    dialogs: list[str] = []
    console: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: "Content Security Policy" in message.text and console.append(message.text))
    page.add_init_script(WATCH_CSP)  # runs before the page's own scripts, whatever its policy
    return dialogs, console


def violations(page) -> list[str]:
    return page.evaluate("window.__csp")


def test_hostile_content_runs_nothing_in_chromium(project, page, static_server):
    hostile_event(project)
    project.run("build", check=True)
    dialogs, console = watch(page)
    for base in (static_server(project.output), (project.output).as_uri() + "/"):
        for path in ("index.html", "events/hostile/index.html", "embed/index.html", "map/index.html",
                     "404.html", "tags/index.html"):
            page.goto(base + path)
            page.wait_for_load_state("load")
            assert violations(page) == [], (base, path)
        page.goto(base + "index.html?q=hostile")  # the search index holds the title too
        page.locator("#search-results li").first.wait_for()
        assert page.locator("#search-results li a").first.inner_text() == HOSTILE_TITLE
        assert violations(page) == []
    page.wait_for_timeout(200)
    assert dialogs == [] and console == []


def test_the_policy_stops_raw_html_that_trusted_editors_let_through(project, page, static_server):
    """With trusted_html the body's script stays in the page; the Content-Security-Policy still stops it."""
    config = project.root / "site.yaml"
    config.write_text(config.read_text() + "trusted_html: true\n")
    project.event("trusted", body='<script>alert("inline")</script>\n\n<img src="x" onerror="alert(\'handler\')">\n'
                                  '\n<a id="js" href="javascript:alert(\'link\')">link</a>\n')
    project.run("build", check=True)
    assert "<script>alert(" in (project.output / "events/trusted/index.html").read_text()
    dialogs, console = watch(page)
    page.goto(static_server(project.output) + "events/trusted/index.html")
    page.locator("#js").click()
    page.wait_for_timeout(300)
    assert dialogs == []
    blocked = violations(page)
    assert any(v.startswith("script-src-elem inline") for v in blocked), blocked
    assert any(v.startswith("script-src-attr inline") for v in blocked), blocked
    assert console  # Chromium says why


def test_the_site_works_from_disk_under_its_policy(bundled_site, page):
    """file:// pages: Chromium lets 'self' match the site's own files there too."""
    dialogs, console = watch(page)
    page.goto((bundled_site / "index.html").as_uri())
    assert page.locator(".skip-link").evaluate("el => getComputedStyle(el).position") == "absolute"  # style.css
    assert page.locator(".category").first.evaluate("el => getComputedStyle(el).color") != \
        page.locator("body").evaluate("el => getComputedStyle(el).color")  # categories.css
    assert page.locator("#filters").is_visible()  # timeline.js ran: it shows the filters
    total = page.locator("#filter-status").inner_text()
    assert re.fullmatch(r"\d+ events", total)
    page.locator("#filter-options summary").click()
    page.get_by_label("Provocation").check()
    assert re.fullmatch(r"\d+ of \d+ events shown", page.locator("#filter-status").inner_text())
    page.get_by_label("Search titles, summaries, texts and sources").fill("drone")  # loads search-index.js
    page.locator("#search-results li").first.wait_for()
    for path in ("events", "map", "embed", "years"):
        folder = bundled_site / path
        target = folder / "index.html" if path != "events" else next(folder.iterdir()) / "index.html"
        page.goto(target.as_uri())
        assert page.locator(".skip-link, .embed").first.count() == 1
    assert violations(page) == [] and console == [] and dialogs == []


def test_the_pages_are_accessible_under_their_policy(bundled_site, page, static_server):
    """axe-core, run through DevTools (page.evaluate), which the policy does not govern; an injected
    <script> element (Playwright's add_script_tag) is refused by the policy, as any injected script is."""
    assert AXE.is_file(), f"{AXE} is missing: run `make test` (it installs axe-core from npm)"
    base = static_server(bundled_site)
    _, console = watch(page)
    for path in ("", "embed/index.html"):
        page.goto(base + path)
        page.evaluate(AXE.read_text() + "\n;0")
        result = page.evaluate("() => axe.run(document, {runOnly: {type: 'tag', values: "
                               "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})")
        assert len(result["passes"]) >= 10
        assert [v["id"] for v in result["violations"]] == []
    assert violations(page) == [] and console == []


# ---------------------------------------------------------------------------------------------------
# 3. Input robustness
# ---------------------------------------------------------------------------------------------------

PROBLEM_LINE = re.compile(r"[^\n:]+:\d+: .+", re.S)


def build_or_problems(root: Path) -> list[str] | None:
    """Build with the Python API: None if it built, else the problems. Any other exception is a bug."""
    try:
        Builder(Project(root)).render()
    except BuildError as error:
        assert error.problems
        shown = [str(problem) for problem in error.problems]
        for problem, text in zip(error.problems, shown):
            assert PROBLEM_LINE.fullmatch(text), text
            assert problem.line >= 1
            path = root / problem.file
            if path.is_file() and not path.is_symlink():
                assert problem.line <= path.read_bytes().count(b"\n") + 1, text
        return shown
    return None


@pytest.fixture(scope="module")
def fuzz_project(tmp_path_factory):
    from conftest import SiteProject  # noqa: PLC0415

    project = SiteProject(tmp_path_factory.mktemp("fuzz") / "site")
    project.event("other", date="2025-12-31")
    (project.root / "content/media").mkdir()
    (project.root / "content/media/pic.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return project


text = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=30)  # what editors type
any_text = st.text(max_size=30)  # control characters too
scalar = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
                   st.floats(), any_text)
junk = st.recursive(scalar, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                        max_size=3), max_leaves=8)
dates = st.one_of(
    st.from_regex(r"\A\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?)?)?)?\Z"),
    st.sampled_from(["2026-01-04", "2026-02-30", "2026-01-04T07:50+14:00", "2026-01-04T07:50-12:00",
                     "2026-01-04T07:50+14:30", "2026-01-04T25:00Z", "0000-01-01", "9999-12-31T23:59+09:00"]),
    st.integers(min_value=-10, max_value=100_000), junk)
urls = st.one_of(st.sampled_from(["https://example.com/a", "http://x.y/", "javascript:alert(1)", "https://",
                                  "ftp://a/b", "//x/y", "http://[::1"]),
                 text.map(lambda s: "https://example.com/" + s), junk)
slugish = st.one_of(st.from_regex(r"\A[a-z0-9]+(-[a-z0-9]+)*\Z"), text)
FIELDS = {
    "title": st.one_of(text, any_text, junk),
    "date": dates,
    "end_date": dates,
    "category": st.one_of(st.sampled_from(["provocation", "response", "summit", "provocaton"]), slugish, junk),
    "actors": st.one_of(st.lists(st.one_of(st.sampled_from(["north-korea", "south-korea"]), slugish)), junk),
    "location": st.one_of(st.fixed_dictionaries({"name": text}, optional={"lat": st.floats(), "lon": st.floats()}),
                          junk),
    "summary": st.one_of(text, junk),
    "tags": st.one_of(st.lists(slugish, max_size=3), junk),
    "figures": st.one_of(st.lists(st.fixed_dictionaries(
        {"what": text, "value": st.one_of(st.floats(), st.integers(), text), "by": text},
        optional={"unit": text, "approximate": junk, "note": text}), max_size=3), junk),
    "claims": st.one_of(st.lists(st.fixed_dictionaries(
        {"text": text, "by": text, "status": st.one_of(st.sampled_from(["confirmed", "disputed"]), text)},
        optional={"disputed_by": st.lists(text, max_size=2), "note": text}), max_size=2), junk),
    "responds_to": st.one_of(st.lists(st.one_of(st.sampled_from(["other", "fuzz", "nothing"]), text), max_size=3),
                             junk),
    "sources": st.one_of(st.lists(st.fixed_dictionaries({"publisher": text, "title": text, "url": urls},
                                                        optional={"date": dates, "note": text}), max_size=3), junk),
    "image": st.one_of(st.fixed_dictionaries(
        {"src": st.one_of(st.sampled_from(["media/pic.png", "media/none.png", "media/" + "a" * 300,
                                           "media/" + "a/" * 3000, "https://x/y.png", "media/../x"]), text),
         "alt": text}, optional={"credit": text, "ai_generated": junk}), junk),
    "draft": st.one_of(st.booleans(), junk),
    "id": st.one_of(st.sampled_from(["other", "fuzz", "../../etc", "with space", "북한-미사일", "UPPER", ""]),
                    slugish, junk),
}
VALID = {"title": "A title", "date": "2026-01-04", "category": "provocation", "summary": "A summary.",
         "sources": [{"publisher": "P", "title": "T", "url": "https://example.com/"}]}


@st.composite
def front_matter(draw) -> dict:
    """A valid entry with some fields replaced by random values, some removed, and some junk added."""
    front = dict(VALID)
    for name in draw(st.lists(st.sampled_from(sorted(FIELDS)), unique=True, max_size=5)):
        front[name] = draw(FIELDS[name])
    if draw(st.integers(0, 3)) == 0:  # now and then, a required field missing or unknown fields
        for name in draw(st.lists(st.sampled_from(sorted(FIELDS)), unique=True, max_size=2)):
            front.pop(name, None)
        for name in draw(st.lists(st.one_of(st.text(max_size=12), st.sampled_from(["titel", "sorces", "url"])),
                                  max_size=2)):
            front[name] = draw(junk)
    return front


markdown_bits = st.sampled_from([
    "# ", "## ", "*", "_", "**", "`", "```", "\n", "\n\n", "    ", "\t", "- ", "1. ", "> ", "[x](", ")", "](", "[",
    "]", "![a](", "<", ">", "</", "<div>", "</div>", '<div markdown="1">', "<script>", "</script>", "<img src=x ",
    "onerror=", "javascript:", "&", "&amp;", "&#", ";", "|", "---", "===", ":", "[^1]", "[^1]: ", "*[HTML]: ",
    "\\", '"', "'", "word", "북한", "é", "\u200b", "\r", "{{ x }}", "{% if %}",
])
bodies = st.one_of(st.lists(markdown_bits, max_size=40).map("".join), st.text(max_size=200))


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(front=front_matter(), body=bodies)
def test_any_front_matter_and_body_build_or_give_problems(fuzz_project, front, body):
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + body + "\n"
    (fuzz_project.root / "content/events/fuzz.md").write_text(text, encoding="utf-8")
    build_or_problems(fuzz_project.root)


yaml_bits = st.sampled_from([
    "title", "date", "sources", "url", "x", ":", ": ", "-", "- ", "  ", "    ", "\t", "\n", "[", "]", "{", "}", ",",
    "&a ", "*a", "*b", "&b ", "!!binary ", "!!set ", "!!omap ", "!!python/object:os.system ", "!!float ", "? ",
    "|", ">", "'", '"', "#", "%YAML 1.1", "...", "---", "<<: ", "~", "null", "true", ".nan", "0x1F", "1e400",
    "2026-01-04", "2026-01-04T07:50+09:00", "9" * 5000, "\\u0000", '"\\ud800"', "é", "북한",
])


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(front=st.lists(yaml_bits, max_size=30).map("".join), body=bodies)
def test_any_yaml_text_builds_or_gives_problems(fuzz_project, front, body):
    (fuzz_project.root / "content/events/fuzz.md").write_text("---\n" + front + "\n---\n" + body + "\n",
                                                             encoding="utf-8")
    build_or_problems(fuzz_project.root)


def write_raw(project, name: str, data: bytes) -> Path:
    path = project.root / "content/events" / name
    path.write_bytes(data)
    return path


def entry_text(**fields) -> str:
    return "---\n" + yaml.safe_dump({**VALID, **fields}, allow_unicode=True, sort_keys=False) + "---\nBody.\n"


BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8))


def deep_lists(depth: int) -> str:
    return "[" * depth + "]" * depth


def deep_maps(depth: int) -> str:
    return "{a: " * depth + "1" + "}" * depth


def deep_block(depth: int) -> str:
    return "".join(" " * i + "a:\n" for i in range(depth)) + " " * depth + "b: 1"


NAMED = {
    # name: (file name, bytes, None if it must build, else (line, text in the problem))
    "empty file": ("e.md", b"", (1, "no front matter")),
    "only a fence": ("e.md", b"---\n", (1, "front matter is not closed")),
    "empty front matter": ("e.md", b"---\n---\n", (2, "title: required field is missing")),
    "a BOM": ("e.md", b"\xef\xbb\xbf" + entry_text().encode(), None),
    "CRLF line endings": ("e.md", entry_text().replace("\n", "\r\n").encode(), None),
    "old Mac CR line endings": ("e.md", entry_text().replace("\n", "\r").encode(), None),
    "bytes that are not UTF-8": ("e.md", entry_text(summary="caf_").encode().replace(b"caf_", b"caf\xe9"),
                                 (5, "not valid UTF-8")),
    "UTF-16": ("e.md", entry_text().encode("utf-16"), (1, "not valid UTF-8")),
    "a NUL byte in YAML": ("e.md", b"---\ntitle: a\x00b\n---\n", (2, "malformed YAML")),
    "control characters in the body": ("e.md", entry_text().replace("Body.", "Line.\na\x0bb\x00c").encode(),
                                       (12, "body: holds the control character U+000B, which HTML and XML cannot")),
    "a control character in a title": ("e.md", entry_text(title="a\x1bb").encode(),
                                       (2, "title: holds the control character U+001B")),
    "a control character in a source": ("e.md", entry_text(sources=[{"publisher": "P\x0cQ", "title": "T",
                                                                      "url": "https://example.com/"}]).encode(),
                                        (7, "sources[0].publisher: holds the control character U+000C")),
    "tabs and line ends are not control characters here": ("e.md", entry_text(
        title="a\tb", summary="line\r\nline").replace("Body.", "a\tb\r\n").encode(), None),
    "a 100,000-character title": ("e.md", entry_text(title="T" * 100_000).encode(), None),
    "a title that is a list": ("e.md", entry_text(title=["a"]).encode(), (2, "title: Input should be a valid string")),
    "10,000 nested lists": ("e.md", f"---\ntitle: {deep_lists(10_000)}\n---\n".encode(),
                            (2, "malformed YAML: exceeded maximum nesting depth")),
    "10,000 nested maps": ("e.md", f"---\ntitle: {deep_maps(10_000)}\n---\n".encode(),
                           (2, "malformed YAML: exceeded maximum nesting depth")),
    "900 nested lists (valid YAML)": ("e.md", entry_text().replace("title: A title", "junk: " + deep_lists(900))
                                      .encode(), (2, "junk: unknown field 'junk'")),
    "900 nested maps in a field": ("e.md", entry_text().replace("title: A title", "title: " + deep_maps(900))
                                   .encode(), (2, "title: Input should be a valid string")),
    "deep block nesting": ("e.md", f"---\n{deep_block(2000)}\n---\n".encode(), (None, "malformed YAML")),
    "billion laughs": ("e.md", ("---\n" + BILLION_LAUGHS + "title: *i\n---\n").encode(),
                       (2, "YAML aliases (*name) expand to too many values")),
    "billion laughs in a valid field": ("e.md", entry_text().replace("summary: A summary.\n", BILLION_LAUGHS.replace(
        "a: &a", "x0: &a").replace("\ni: &i", "\nsummary: &i")).encode(), (2, "YAML aliases")),
    "aliases used sensibly": ("e.md", entry_text().replace("sources:\n", "sources:\n- &kbs\n  publisher: KBS\n"
                                                          "  title: A\n  url: https://kbs.example/\n- *kbs\n")
                              .encode(), None),
    "a recursive alias": ("e.md", b"---\ntitle: &a [*a]\n---\n", (2, "YAML aliases")),
    "a 5000-digit number": ("e.md", entry_text().replace("title: A title", "title: " + "9" * 5000).encode(),
                            (2, "a value that cannot be read (a number of more than 4300 digits")),
    "a python tag": ("e.md", b"---\ntitle: !!python/object/apply:os.system [echo hi]\n---\n",
                     (2, "malformed YAML: could not determine a constructor")),
    "explicit tags that do not fit": ("e.md", b"---\ntitle: x\ndate: !!timestamp x\nsummary: !!bool x\n"
                                                b"note: !!float ''\n---\n", (2, "a !!tag that does not fit")),
    "a binary title": ("e.md", b"---\ntitle: !!binary /w==\n---\n", (2, "title: Input should be a valid string")),
    "keys that are numbers or null": ("e.md", entry_text().replace("title: A title", "title: A title\n1: x\n~: y")
                                      .encode(), (3, "[1]: Keys should be strings")),
    "a key that is a list": ("e.md", entry_text().replace("title: A title", "title: A title\n[a, b]: z").encode(),
                             (3, "malformed YAML: found unhashable key")),
    "tabs in YAML indentation": ("e.md", entry_text(location={"name": "x"}).replace("  name", "\tname").encode(),
                                 (11, "malformed YAML: found character that cannot start any token")),
    "2026-02-30": ("e.md", entry_text(date="2026-02-30").encode(), (3, "day is out of range for month")),
    "UTC offset +14:00": ("e.md", entry_text(date="2026-01-04T07:50+14:00").encode(), None),
    "UTC offset -12:00": ("e.md", entry_text(date="2026-01-04T07:50-12:00").encode(), None),
    "UTC offset +14:30": ("e.md", entry_text(date="2026-01-04T07:50+14:30").encode(),
                          (3, "UTC offset +14:30 is outside -12:00..+14:00")),
    "UTC offset -12:30": ("e.md", entry_text(date="2026-01-04T07:50-12:30").encode(), (3, "outside -12:00..+14:00")),
    "NaN figure": ("e.md", entry_text(figures=[{"what": "a", "value": float("nan"), "by": "b"}]).encode(),
                   (12, "figures[0].value: Input should be a finite number")),
    "an id with ../": ("e.md", entry_text(id="../../etc").encode(), (10, "id: '../../etc' is not a valid id")),
    "an id with a space": ("e.md", entry_text(id="with space").encode(), (10, "id: 'with space' is not a valid id")),
    "a file name with a space": ("with space.md", entry_text().encode(),
                                 (1, "id: the file name gives the id 'with space', which cannot be a URL path")),
    "a draft whose id is a list (left out unchecked)": ("e.md", entry_text(draft=True, id=["x"]).encode(), None),
    "a Hangul file name": ("북한-미사일.md", entry_text().encode(), None),
    "a Hangul id": ("e.md", entry_text(id="북한-미사일-발사").encode(), None),
    "an image path too long for the file system": ("e.md", entry_text(
        image={"src": "media/" + "a/" * 3000, "alt": "x"}).encode(), (11, "image.src: no file content/media/a/a/a/")),
    "Markdown lists nested 300 deep": ("e.md", entry_text().replace("Body.", "".join(
        "    " * i + "- x\n" for i in range(300))).encode(), (11, "body: the Markdown is nested too deeply")),
    "HTML blocks nested 1000 deep": ("e.md", entry_text().replace(
        "Body.", '<div markdown="1">\n' * 1000 + "x\n" + "</div>\n" * 1000).encode(),
        (11, "body: the Markdown is nested too deeply")),
}


@pytest.mark.parametrize("case", list(NAMED))
def test_named_nasty_inputs(project, case):
    name, data, expected = NAMED[case]
    (project.root / "content/media").mkdir(exist_ok=True)
    write_raw(project, name, data)
    started = time.perf_counter()
    problems = build_or_problems(project.root)
    took = time.perf_counter() - started
    assert took < 10, f"{case} took {took:.1f} s"
    if expected is None:
        assert problems is None, problems
        return
    line, message = expected
    shown = f"content/events/{name}:{line}: " if line else f"content/events/{name}:"
    assert problems is not None, f"{case} built"
    assert any(p.startswith(shown) and message in p for p in problems), problems


def test_a_hangul_id_builds_into_its_own_url(project):
    write_raw(project, "북한-미사일.md", entry_text().encode())
    project.run("build", check=True)
    assert (project.output / "events/북한-미사일/index.html").is_file()
    index = (project.output / "index.html").read_text()
    assert 'href="events/북한-미사일/index.html"' in index


def test_a_10_mb_body_builds(project):
    paragraph = "A long paragraph about an event, with *emphasis*, `code` and a [link](https://example.com/). " * 40
    body = (paragraph + "\n\n") * (10_000_000 // (len(paragraph) + 2) + 1)
    assert len(body) >= 10_000_000
    write_raw(project, "big.md", (entry_text().replace("Body.\n", "") + body).encode())
    started = time.perf_counter()
    assert build_or_problems(project.root) is None
    print(f"\n10 MB body built in {time.perf_counter() - started:.1f} s")


def test_the_command_line_never_shows_a_traceback(project):
    """The named nasty inputs at once, through the command line: exit 1, every problem as file:line: ..."""
    for i, case in enumerate(c for c in NAMED if NAMED[c][2] is not None and NAMED[c][0] == "e.md"):
        write_raw(project, f"case-{i:02d}.md", NAMED[case][1])
    result = project.run("build")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("Build failed: ")
    for line in lines[:-1]:
        assert re.match(r"content/events/case-\d\d\.md:\d+: ", line), line


def test_site_config_problems_are_problems_too(project):
    project.event("e")
    config = project.root / "site.yaml"
    good = config.read_text()
    for extra, line, message in [
        (f"junk: {deep_lists(10_000)}\n", 11, "malformed YAML: exceeded maximum nesting depth"),
        (f"junk: {deep_maps(900)}\n", 11, "junk: unknown field 'junk'"),
        (BILLION_LAUGHS, 1, "YAML aliases (*name) expand to too many values"),
        ("junk: &a [*a]\n", 1, "YAML aliases"),
        ("junk: " + "9" * 5000 + "\n", 1, "a value that cannot be read (a number of more than 4300 digits"),
        ("\tjunk: x\n", 11, "malformed YAML"),
    ]:
        config.write_text(good + extra)
        started = time.perf_counter()
        problems = build_or_problems(project.root)
        assert time.perf_counter() - started < 5
        assert problems and any(p.startswith(f"site.yaml:{line}: ") and message in p for p in problems), \
            (extra[:40], problems)
    config.write_bytes(b"title: caf\xe9\n")
    assert build_or_problems(project.root) == ["site.yaml:1: not valid UTF-8 (at byte offset 10); save the file "
                                               "as UTF-8"]
    config.write_text("")
    assert build_or_problems(project.root) == ["site.yaml:1: the site config must be a mapping of settings"]


def test_a_symlink_out_of_content_is_refused_and_never_read(project, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text(entry_text(title="SECRET-TITLE"))
    pipe = tmp_path / "pipe.md"
    os.mkfifo(pipe)  # opening it would block the build: proof it is never opened
    (project.root / "content/events/leak.md").symlink_to(secret)
    (project.root / "content/events/sub").mkdir()
    (project.root / "content/events/sub/pipe.md").symlink_to(pipe)
    (project.root / "content/pages/about.md").symlink_to("/etc/hostname")
    (project.root / "content/events/loop.md").symlink_to("loop.md")
    project.event("fine")
    result = project.run("build")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    for shown in ("content/events/leak.md", "content/events/sub/pipe.md", "content/pages/about.md"):
        assert f"{shown}:1: a symbolic link that leads outside content/" in result.stderr, result.stderr
    assert "content/events/loop.md:1: cannot read file" in result.stderr
    assert "SECRET-TITLE" not in result.stderr + result.stdout
    assert not project.output.exists()


def test_a_symlink_within_the_folder_is_an_entry_like_any_other(project):
    project.event("original")
    (project.root / "content/events/alias.md").symlink_to("original.md")
    project.run("build", check=True)
    assert (project.output / "events/alias/index.html").is_file()


@pytest.mark.parametrize("files, message", [
    ({"content/events/a.md": {}, "content/events/2025/a.md": {}},
     "content/events/a.md:1: id: duplicate id 'a': content/events/2025/a.md has the same id"),
    ({"content/events/a.md": {"id": "same"}, "content/events/b.md": {"id": "same"}},
     "content/events/b.md:10: id: duplicate id 'same': content/events/a.md has the same id"),
    ({"content/events/a.md": {}, "content/events/b.md": {"id": "a"}},
     "content/events/b.md:10: id: duplicate id 'a': content/events/a.md has the same id"),
    ({"content/pages/about.md": None, "content/pages/more/about.md": None},
     "content/pages/more/about.md:1: page name 'about' is also used by content/pages/about.md"),
    ({"content/pages/map.md": None}, "content/pages/map.md:1: page name 'map' is taken by the site's own /map/ pages"),
    ({"content/pages/media.md": None}, "content/pages/media.md:1: page name 'media' is taken"),
    ({"content/pages/events.md": None}, "content/pages/events.md:1: page name 'events' is taken"),
    ({"content/pages/embed.md": None}, "content/pages/embed.md:1: page name 'embed' is taken"),
])
def test_two_files_for_one_url_are_refused(project, files, message):
    for rel, fields in files.items():
        text = "---\ntitle: A page\n---\nText.\n" if fields is None else entry_text(**fields)
        project.write(rel, text)
    problems = build_or_problems(project.root)
    assert problems and message in "\n".join(problems), problems


def test_every_output_path_of_a_site_is_made_once(project):
    """Pages, events, terms and data files never share a path: the site's own folders are reserved."""
    from site_gen.render import page_specs  # noqa: PLC0415
    from site_gen.validate import RESERVED_PATHS  # noqa: PLC0415

    project.event("launch", tags=["map"], actors=["north-korea"])
    project.write("content/pages/about.md", "---\ntitle: About\n---\nText.\n")
    timeline, files = Builder(Project(project.root)).render()
    paths = [spec.path for spec in page_specs(timeline)]
    assert len(paths) == len(set(paths))
    top = {path.split("/")[0] for path in files if "/" in path}
    assert top - {"about"} <= RESERVED_PATHS, top - RESERVED_PATHS


def test_media_files_are_checked_before_they_are_published(project, tmp_path):
    """validate.validate_media: the check for the files that the build copies from content/media/ as they are
    (test_page_kinds.py checks that the build and the preview run it)."""
    from site_gen.validate import validate_media  # noqa: PLC0415

    media = project.root / "content/media"
    (media / "maps").mkdir(parents=True)
    (media / "photo.JPG").write_bytes(b"\xff\xd8\xff")
    (media / "maps/dot.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (media / ".DS_Store").write_bytes(b"skipped, as the copy skips it")
    assert validate_media(media, project.root) == []
    (tmp_path / "id_rsa").write_text("PRIVATE KEY")
    (media / "leak.png").symlink_to(tmp_path / "id_rsa")
    (media / "evil.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    (media / "page.html").write_text("<script>alert(1)</script>")
    (media / "inside.png").symlink_to("maps/dot.png")  # a link that stays inside is fine
    shown = [str(problem) for problem in validate_media(media, project.root)]
    assert shown == [
        "content/media/evil.svg:1: only pictures (.avif, .gif, .jpeg, .jpg, .png, .webp) are published from "
        "content/media/: a script in any other kind of file (an SVG, an HTML page) would run on the site's own "
        "address",
        "content/media/leak.png:1: a symbolic link that leads outside content/media/: refused, not read "
        "(site-gen reads only files inside content/media/); copy the file in instead",
        "content/media/page.html:1: only pictures (.avif, .gif, .jpeg, .jpg, .png, .webp) are published from "
        "content/media/: a script in any other kind of file (an SVG, an HTML page) would run on the site's own "
        "address",
    ]


def test_a_site_caught_between_the_two_renames_of_a_swap_is_put_back(project):
    """A kill between `output -> .output.old-*/site` and `staging -> output` leaves no output/ at all;
    the next build puts the old site back before it starts, so a failing build still leaves it."""
    project.event("launch")
    project.run("build", check=True)
    before = {p.relative_to(project.output): p.read_bytes() for p in project.output.rglob("*") if p.is_file()}
    dead = 2**22 + 7  # a pid no process has (above Linux's largest pid_max)
    retired = project.root / f".output.old-{dead}-abc"
    retired.mkdir()
    project.output.rename(retired / "site")
    (project.root / "content/events/broken.md").write_text("no front matter\n")
    assert project.run("build").returncode == 1
    after = {p.relative_to(project.output): p.read_bytes() for p in project.output.rglob("*") if p.is_file()}
    assert after == before
    assert not retired.exists()
