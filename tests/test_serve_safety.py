"""The preview server under hostile or heavy use: where it listens, path traversal, content types, the
Content-Security-Policy with live reload, Hangul URLs, and a load test with a rebuild in the middle."""
from __future__ import annotations

import http.client
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import PreviewProcess, free_port

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><rect width="1" height="1"/></svg>\n'


def make_site(project):
    project.event("launch", date="2026-01-04T07:50+09:00", body="The launch.")
    project.event("reply", date="2026-01-05", category="response", responds_to=["launch"])
    path = project.root / "content/events/launch.md"
    path.write_text(path.read_text().replace("---\n", "---\n# SOURCE-ONLY-MARKER: a YAML comment\n", 1))
    (project.root / "content/media").mkdir()
    (project.root / "content/media/dot.png").write_bytes(PNG)
    (project.root / "templates/static/dot.svg").write_bytes(SVG)  # a site's own drawing (media/ takes pictures)
    return project


@pytest.fixture
def site(project):
    return make_site(project)


@pytest.fixture
def preview(site):
    """The preview of this test's own site, for a test that edits it."""
    running = PreviewProcess(site)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def shared_preview(tmp_path_factory):
    """One preview of the same site for the tests that only ask it (starting one takes a build)."""
    from conftest import SiteProject  # noqa: PLC0415

    running = PreviewProcess(make_site(SiteProject(tmp_path_factory.mktemp("shared-preview") / "site")))
    yield running
    running.stop()


def raw_request(port: int, target: bytes, method: bytes = b"GET",
                host: bytes = b"127.0.0.1") -> tuple[int, dict[str, str], bytes]:
    """Send the request line exactly as given (urllib and http.client would normalise or refuse it)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(method + b" " + target + b" HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
    return int(status_line.split()[1]), headers, body


def test_listening_on_all_interfaces_warns(site):
    running = PreviewProcess(site, host="0.0.0.0")
    try:
        deadline = time.monotonic() + 10
        while not any("warning: listening on all interfaces (0.0.0.0)" in line and "drafts included" in line
                      for line in running.err):
            assert time.monotonic() < deadline, running.err
            time.sleep(0.01)
        status, _, _ = raw_request(running.port, b"/")
        assert status == 200
    finally:
        running.stop()


def test_loopback_by_default_and_no_warning(site):
    for attempt in range(5):  # a port free when asked may be taken by another worker's server meanwhile
        port = free_port()
        process = subprocess.Popen([sys.executable, "-m", "site_gen", "serve", "--port", str(port)],
                                   cwd=site.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = process.stdout.readline()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            if any(c.laddr.port == port for c in _listening()):
                break
            time.sleep(0.05)
        if process.poll() is None or attempt == 4:
            break
        _, err = process.communicate(timeout=10)
        assert f"port {port} on 127.0.0.1 is in use" in err, err
    try:
        assert line.startswith("Built 2 events") or "Serving" in line
        addresses = {c.laddr.ip for c in _listening() if c.laddr.port == port}
        assert addresses == {"127.0.0.1"}, addresses
    finally:
        process.terminate()
        _, err = process.communicate(timeout=10)
    assert "warning" not in err


def _listening():
    """Listening TCP sockets from /proc/net/tcp (IPv4), as (ip, port) records."""
    from types import SimpleNamespace  # noqa: PLC0415

    found = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        address, state = fields[1], fields[3]
        if state != "0A":  # LISTEN
            continue
        ip_hex, port_hex = address.split(":")
        ip = ".".join(str(int(ip_hex[i:i + 2], 16)) for i in (6, 4, 2, 0))
        found.append(SimpleNamespace(laddr=SimpleNamespace(ip=ip, port=int(port_hex, 16))))
    return found


SECRET = "TOP-SECRET-OUTSIDE-THE-SITE"
TRAVERSALS = [
    b"/../secret.txt", b"/../../secret.txt", b"/events/../../secret.txt", b"/%2e%2e/secret.txt",
    b"/%2E%2E/%2E%2E/secret.txt", b"/.%2e/secret.txt", b"/%252e%252e/secret.txt", b"/%252e%252e/%252e%252e/secret.txt",
    b"/..%2fsecret.txt", b"/..%2f..%2fsecret.txt", b"/static/..%2f..%2f..%2fsecret.txt", b"/..%252fsecret.txt",
    b"/..\\secret.txt", b"/%5c..%5csecret.txt", b"/static\\..\\..\\secret.txt", b"/..%5c..%5csecret.txt",
    b"/%00", b"/secret.txt%00.html",
    b"/..%00/secret.txt", b"/site.yaml", b"/secret.txt", b"/content/events/launch.md", b"/templates/base.html",
    b"/static/../site.yaml", b"/output/index.html", b"//secret.txt", b"///../secret.txt",
    b"http://127.0.0.1/../secret.txt", b"http://127.0.0.1/%2e%2e/secret.txt",
]


def test_no_path_leaves_the_site(site, tmp_path):
    (site.root / "secret.txt").write_text(SECRET)  # beside content/, in the project
    (tmp_path / "secret.txt").write_text(SECRET)  # beside the project
    absolute = str(tmp_path / "secret.txt").encode()
    running = PreviewProcess(site)
    try:
        for target in [*TRAVERSALS, absolute, b"/" + absolute, b"/" + absolute.replace(b"/", b"%2f"),
                       b"file://" + absolute]:
            for method in (b"GET", b"HEAD"):
                status, _, body = raw_request(running.port, target, method)
                assert status == 404, (target, status)
                assert SECRET.encode() not in body and b"SOURCE-ONLY-MARKER" not in body, target
        # Bytes HTTP does not allow in a request line, and overlong UTF-8 for "." (%c0%ae): refused by
        # tornado (400 Bad Request) before any lookup.
        for target in (b"/\x00secret.txt", b"/..\x00/secret.txt", b"/a b", b"/%c0%ae%c0%ae/secret.txt",
                       b"/%e0%80%ae%e0%80%ae/secret.txt"):
            status, _, body = raw_request(running.port, target)
            assert status == 400 and SECRET.encode() not in body, (target, status)
        status, _, body = raw_request(running.port, b"/events/launch/")  # the server is still fine
        assert status == 200 and b"SOURCE-ONLY-MARKER" not in body
    finally:
        running.stop()


@pytest.mark.parametrize("path, kind", [
    ("/", "text/html; charset=utf-8"),
    ("/events/launch/index.html", "text/html; charset=utf-8"),
    ("/404.html", "text/html; charset=utf-8"),
    ("/static/style.css", "text/css; charset=utf-8"),
    ("/static/categories.css", "text/css; charset=utf-8"),
    ("/static/timeline.js", "text/javascript; charset=utf-8"),
    ("/search-index.js", "text/javascript; charset=utf-8"),
    ("/data/events.json", "application/json; charset=utf-8"),
    ("/feeds/feed.json", "application/json; charset=utf-8"),
    ("/schema/event.json", "application/json; charset=utf-8"),
    ("/sitemap.xml", "application/xml; charset=utf-8"),
    ("/feeds/atom.xml", "application/xml; charset=utf-8"),
    ("/data/events.ics", "text/calendar; charset=utf-8"),
    ("/data/events.csv", "text/csv; charset=utf-8"),
    ("/robots.txt", "text/plain; charset=utf-8"),
    ("/media/dot.png", "image/png"),
    ("/static/dot.svg", "image/svg+xml"),
])
def test_content_types(shared_preview, path, kind):
    status, headers, body = raw_request(shared_preview.port, path.encode())
    assert status == 200, path
    assert headers["content-type"] == kind
    assert headers["x-content-type-options"] == "nosniff"
    assert body


def test_content_types_do_not_depend_on_the_machine():
    """Each kind of file a site holds has its type fixed in serve.py, not left to /etc/mime.types."""
    from site_gen.preview.http import content_type  # noqa: PLC0415

    for name in ("a.html", "a.css", "a.js", "a.json", "a.xml", "a.svg", "a.ics", "a.csv", "a.png", "a.txt",
                 "a.jpg", "a.webp", "A.PNG"):
        assert content_type(name) != "application/octet-stream", name
    assert content_type("a.unknown-kind") == "application/octet-stream"


def test_a_hangul_id_is_served(site, page):
    site.write("content/events/북한-미사일.md", (site.root / "content/events/reply.md").read_text())
    running = PreviewProcess(site)
    try:
        path = "/events/" + quote("북한-미사일") + "/"
        status, _, body = raw_request(running.port, path.encode())
        assert status == 200 and "<h1>Event reply</h1>" in body.decode()
        page.goto(running.url("/"))
        page.locator('a[href="events/북한-미사일/index.html"]').first.click()
        page.wait_for_load_state()
        assert page.url == running.url(path + "index.html")
        assert page.locator("h1").inner_text() == "Event reply"
    finally:
        running.stop()


WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
    e.violatedDirective + ' ' + e.blockedURI));
"""


def test_live_reload_works_under_the_pages_policy(site, preview, page):
    """The preview's pages carry the site's Content-Security-Policy, and live reload still works: the
    reload script is an external file from the server, not livereload's usual inline snippet."""
    status, _, body = raw_request(preview.port, b"/events/launch/")
    html = body.decode()
    assert 'http-equiv="Content-Security-Policy"' in html
    assert '<script src="/livereload.js" defer></script>' in html
    assert "<script>" not in html and '<script type="text/javascript">' not in html  # nothing inline
    console: list[str] = []
    page.on("console", lambda message: "Content Security Policy" in message.text and console.append(message.text))
    page.add_init_script(WATCH_CSP)
    page.goto(preview.url("/events/launch/"))
    page.wait_for_function("() => window.LiveReload && window.LiveReload.connector._isSocketConnected()",
                           timeout=10000)
    path = site.root / "content/events/launch.md"
    path.write_text(path.read_text().replace("The launch.", "The edited launch."))
    page.locator(".body", has_text="The edited launch.").wait_for(timeout=5000)
    # and the error page of a broken build reloads too, once fixed
    page.wait_for_function("() => window.LiveReload && window.LiveReload.connector._isSocketConnected()")
    broken = path.read_text()
    path.write_text(broken.replace("category: provocation", "category: provocaton"))
    page.locator("h1", has_text="Build failed").wait_for(timeout=5000)
    page.wait_for_function("() => window.LiveReload && window.LiveReload.connector._isSocketConnected()")
    path.write_text(broken)
    page.locator("h1", has_text="Event launch").wait_for(timeout=5000)
    assert page.evaluate("window.__csp") == [] and console == []


def test_load_with_a_rebuild_in_the_middle(site):
    """200 clients at once, each asking for pages again and again, while an edit makes the server
    rebuild: every answer is 200, the content of one build or the other, never an error."""
    for i in range(150):
        site.event(f"bulk-{i:03d}", date=f"20{10 + i % 15}-{1 + i % 12:02d}-{1 + i % 28:02d}", tags=[f"t{i % 9}"])
    running = PreviewProcess(site)
    paths = ["/", "/events/launch/", "/events/bulk-007/", "/tags/t1/", "/static/style.css", "/search-index.js",
             "/data/events.json", "/map/", "/years/", "/media/dot.png"]
    clients, per_client = 200, 12
    results: list[tuple[float, float, int | None, str | None]] = []  # (start, seconds, status, error)
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def client(number: int) -> None:
        barrier.wait()
        for k in range(per_client):
            path = paths[(number + k) % len(paths)]
            start = time.monotonic()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                connection.close()
                outcome = (start, time.monotonic() - start, response.status, None)
            except Exception as error:  # noqa: BLE001 - every failure is counted and reported
                outcome = (start, time.monotonic() - start, None, repr(error))
            with lock:
                results.append(outcome)
            time.sleep(0.05)  # spread the requests over the rebuild

    try:
        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for thread in threads:
            thread.start()
        after = len(running.out)
        barrier.wait()
        began = time.monotonic()
        time.sleep(0.1)
        launch = site.root / "content/events/launch.md"
        launch.write_text(launch.read_text().replace("title: Event launch", "title: Event launch, edited"))
        edited = time.monotonic()
        rebuilt = running.wait_for_line("Built 152 events", after=after)
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads)
        status, _, body = raw_request(running.port, b"/events/launch/")
        assert status == 200 and b"Event launch, edited" in body
    finally:
        running.stop()
    errors = [r for r in results if r[2] != 200]
    latencies = sorted(r[1] for r in results)
    during = [r for r in results if r[0] < rebuilt and r[0] + r[1] > edited]
    figures = (f"{len(results)} requests from {clients} concurrent clients in {time.monotonic() - began:.1f} s; "
               f"{len(errors)} errors; latency median {statistics.median(latencies) * 1000:.1f} ms, "
               f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms; "
               f"{len(during)} requests overlapped the rebuild (edit → rebuilt {rebuilt - edited:.2f} s)")
    print("\n" + figures)
    assert len(results) == clients * per_client
    assert errors == [], errors[:5]
    assert during, "no request overlapped the rebuild"


def test_an_unexpected_error_in_a_rebuild_keeps_the_preview_alive(site):
    """A bug (any exception besides content problems) is shown like a problem; the next rebuild still runs."""
    import io  # noqa: PLC0415

    from site_gen.build import Project  # noqa: PLC0415
    from site_gen.preview import Preview as PreviewState  # noqa: PLC0415

    log = io.StringIO()
    preview = PreviewState(Project(site.root), "127.0.0.1", 0, out=log)
    preview.rebuild()
    good = preview.state.files
    assert "index.html" in good and not preview.state.problems
    render = preview.builder.render
    preview.builder.render = lambda **options: 1 / 0
    preview.rebuild()  # does not raise
    assert preview.state.files is good
    assert preview.state.problems == ("site-gen failed unexpectedly (a bug, please report it): "
                                      "ZeroDivisionError: division by zero",)
    assert "Traceback" in log.getvalue()
    preview.builder.render = render
    preview.rebuild()
    assert not preview.state.problems


def caught_up_event(preview) -> threading.Event:
    """Set when the watcher's first idle moment has looked for missed saves and rebuilt what it had to."""
    done = threading.Event()
    catch_up = preview.watcher.catch_up

    def catching_up() -> None:
        try:
            catch_up()
        finally:
            done.set()

    preview.watcher.catch_up = catching_up
    return done


def wait_until_every_input_is_trusted(root: Path, within: float = 30) -> None:
    """Until no input file's status is younger than manifest.RACY_NS (a younger one is not trusted, so the
    catch-up would count the file as saved whatever happened to it)."""
    from site_gen.manifest import read_inputs  # noqa: PLC0415

    deadline = time.monotonic() + within
    while any(status is None for status, _ in read_inputs(root, {}).values()):
        assert time.monotonic() < deadline, "input files still too young to trust"
        time.sleep(0.05)


def test_the_collector_waits_for_the_watcher_to_be_idle(site):
    """Tabs are told to reload before the cycle collector runs (it would first walk every object the
    rebuild made); once the watcher is idle it collects, and the collector is on again."""
    import gc  # noqa: PLC0415
    import io  # noqa: PLC0415

    from site_gen.build import Project  # noqa: PLC0415
    from site_gen.preview import Preview as PreviewState  # noqa: PLC0415

    preview = PreviewState(Project(site.root), "127.0.0.1", 0, out=io.StringIO())
    preview.rebuild()
    preview.watcher.collect()
    collector_on_at_reload = []
    preview.reload_tabs = lambda: collector_on_at_reload.append(gc.isenabled())
    caught_up = caught_up_event(preview)
    watcher = threading.Thread(target=preview.watcher.watch, daemon=True)
    watcher.start()
    try:
        assert caught_up.wait(120), "the watcher never caught up"  # it is live, and has caught up
        path = site.root / "content/events/launch.md"
        path.write_text(path.read_text().replace("2026-01-04T07:50", "2026-01-04T06:50"))  # reorders: from memory
        deadline = time.monotonic() + 30
        while not collector_on_at_reload and time.monotonic() < deadline:
            time.sleep(0.01)
        assert collector_on_at_reload == [False]
        assert preview.builder.taken.reshaped
        while (preview.watcher.owed or not gc.isenabled()) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert gc.isenabled() and preview.watcher.owed == ""
        assert "06:50" in preview.state.files["events/launch/index.html"]().decode()
    finally:
        preview.watcher.stop.set()
        watcher.join(timeout=10)
        gc.enable()


def test_only_loopback_names_are_answered(shared_preview):
    """DNS rebinding: a web page whose own name comes to resolve to 127.0.0.1 could read the preview,
    drafts included, through the visitor's browser; its requests name that site in the Host header."""
    preview = shared_preview
    port = str(preview.port).encode()
    for host in (b"127.0.0.1", b"localhost", b"[::1]", b"timeline.localhost", b"LOCALHOST", b"localhost."):
        status, _, body = raw_request(preview.port, b"/events/launch/", host=host + b":" + port)
        assert status == 200 and b"The launch." in body, host
    for host in (b"attacker.example", b"127.0.0.1.attacker.example", b"localhost.attacker.example"):
        for target in (b"/events/launch/", b"/search-index.js", b"/nowhere/"):
            status, headers, body = raw_request(preview.port, target, host=host + b":" + port)
            assert status == 403, (host, target)
            assert b"The launch." not in body and headers["content-type"].startswith("text/plain")


def test_loopback_is_recognised_in_any_spelling():
    from site_gen.preview.http import _is_loopback  # noqa: PLC0415

    for host in ("127.0.0.1", "127.1", "127.000.000.001", "::1", "[::1]", "::ffff:127.0.0.1", "localhost"):
        assert _is_loopback(host), host
    for host in ("0.0.0.0", "::", "", "192.0.2.1", "no-such-host.invalid"):
        assert not _is_loopback(host), host


def test_a_preview_listening_on_a_network_answers_to_any_name(site):
    running = PreviewProcess(site, host="0.0.0.0")
    try:
        running.wait_for_line("Serving the preview")
        status, _, body = raw_request(running.port, b"/events/launch/", host=b"preview.lan")
        assert status == 200 and b"The launch." in body
    finally:
        running.stop()


def test_catching_up_builds_again_only_what_was_saved_while_the_watcher_started(site):
    """The first idle moment looks for saves the watcher, not yet started, missed: none, no rebuild at
    all (at 10,000 entries one took ~1 s, and held up the first edits); one (even one put back as it
    was), that file taken in; a first build that failed is tried again."""
    import gc  # noqa: PLC0415
    import io  # noqa: PLC0415

    from site_gen.build import Project  # noqa: PLC0415
    from site_gen.manifest import read_inputs  # noqa: PLC0415
    from site_gen.preview import Preview as PreviewState  # noqa: PLC0415

    path = site.root / "content/events/launch.md"
    original = path.read_text()
    wait_until_every_input_is_trusted(site.root)  # else every file would count as saved
    for case in ("untouched", "saved", "put back", "first build failed"):
        if case != "untouched":
            path.write_text(original)  # as it was before the last case
            wait_until_every_input_is_trusted(site.root)
        preview = PreviewState(Project(site.root), "127.0.0.1", 0, out=io.StringIO())
        preview.watcher.inputs = read_inputs(site.root, {})  # as run() does, before the first build
        if case == "first build failed":
            render = preview.builder.render
            preview.builder.render = lambda **options: 1 / 0
            preview.rebuild()
            preview.builder.render = render
            assert preview.state.problems
        else:
            preview.rebuild()
        looked, rebuilt = [], []
        look, rebuild = preview.watcher.saved_since_start, preview.rebuild
        preview.watcher.saved_since_start = lambda: looked.append(1) or look()
        preview.rebuild = lambda *args, **options: rebuilt.append(options.get("changed")) or rebuild(*args, **options)
        if case in ("saved", "put back"):  # after the first build, before the watcher is live
            path.write_text(original.replace("The launch.", "The launch, caught up."))
        if case == "put back":
            path.write_text(original)
        caught_up = caught_up_event(preview)
        watcher = threading.Thread(target=preview.watcher.watch, daemon=True)
        watcher.start()
        try:
            # The first idle moment looks, and rebuilds if it must: wait for that to be over (however
            # loaded the machine), then half a second more, in which no other rebuild may start.
            assert caught_up.wait(120), f"the watcher never caught up ({case})"
            time.sleep(0.5)
            assert looked == [1]
            assert rebuilt == {"untouched": [], "saved": [{str(path)}], "put back": [{str(path)}],
                               "first build failed": [set()]}[case], case
            assert not preview.state.problems
            assert (preview.builder.taken is not None) is (case in ("saved", "put back"))  # not loaded afresh
            body = preview.state.files["events/launch/index.html"]
            assert (b"The launch, caught up." in (body() if callable(body) else body)) is (case == "saved")
        finally:
            preview.watcher.stop.set()
            watcher.join(timeout=10)
            gc.enable()
