"""`site-gen check --links` against a real HTTP server on 127.0.0.1: what each answer is reported as, the
pace per host, the day-long cache, and that nothing is asked without --links."""
from __future__ import annotations

import http.server
import json
import threading
import time

import pytest

from site_gen.links import Answer, check_addresses, write_cache
from test_check import line_of

SLOW = 1.5  # seconds the slow page takes to answer; the tests' timeout is shorter
TIMEOUT = 0.5


class Handler(http.server.BaseHTTPRequestHandler):
    def _answer(self) -> None:
        self.server.requests.append((self.command, self.path, time.monotonic()))
        path = self.path
        if path == "/slow":
            time.sleep(SLOW)
        if path == "/no-head" and self.command == "HEAD":
            status = 405
        else:
            status = {"/ok": 200, "/slow": 200, "/no-head": 200, "/moved": 301, "/moved-308": 308,
                      "/for-now": 302, "/gone": 404, "/broken": 500}.get(path, 404)
        self.send_response(status)
        if status in (301, 302, 308):
            self.send_header("Location", f"http://{self.headers['Host']}/ok")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = do_GET = _answer

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # the client gave up on the slow page: nothing to report


@pytest.fixture
def server():
    httpd = Server(("127.0.0.1", 0), Handler)
    httpd.requests = []
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    httpd.url = lambda path: f"http://127.0.0.1:{httpd.server_address[1]}{path}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_each_kind_of_answer(server, tmp_path):
    paths = ["/ok", "/moved", "/moved-308", "/for-now", "/gone", "/broken", "/slow", "/no-head"]
    report = check_addresses([server.url(p) for p in paths], tmp_path / "links.json", timeout=TIMEOUT, interval=0)
    got = {path: report.answers[server.url(path)] for path in paths}
    assert [got[p].status for p in paths] == [200, 301, 308, 302, 404, 500, None, 200]
    assert [p for p in paths if got[p].dead] == ["/gone", "/broken", "/slow"]
    assert [p for p in paths if got[p].moved] == ["/moved", "/moved-308"]
    assert got["/moved"].location == server.url("/ok")
    assert got["/gone"].words() == "HTTP 404 Not Found"
    assert got["/slow"].words() == f"no answer within {TIMEOUT:g} s (timed out)"
    methods = [(method, path) for method, path, _ in server.requests if path == "/no-head"]
    assert methods == [("HEAD", "/no-head"), ("GET", "/no-head")]  # GET only when HEAD is refused
    assert [path for method, path, _ in server.requests if method == "GET"] == ["/no-head"]


def test_a_closed_port_is_a_dead_link(tmp_path, server):
    port = server.server_address[1]
    server.shutdown()
    server.server_close()
    report = check_addresses([f"http://127.0.0.1:{port}/ok"], None, timeout=TIMEOUT)
    [answer] = report.answers.values()
    assert answer.dead and answer.words() == "connection refused"


def test_one_host_is_asked_at_the_given_pace(server, tmp_path, monkeypatch):
    # When each request leaves is taken where it leaves, as its connection opens: when the server's
    # thread got round to noting it depends on the machine's load (a late one made a short gap after it).
    import http.client  # noqa: PLC0415

    opened = []
    connect = http.client.HTTPConnection.connect
    monkeypatch.setattr(http.client.HTTPConnection, "connect",
                        lambda self: (opened.append(time.monotonic()), connect(self))[1])
    paths = ["/ok", "/gone", "/no-head", "/broken"]  # /no-head takes two requests
    check_addresses([server.url(p) for p in paths], None, timeout=TIMEOUT, interval=0.3)
    assert [(method, path) for method, path, _ in server.requests] == [
        ("HEAD", "/ok"), ("HEAD", "/gone"), ("HEAD", "/no-head"), ("GET", "/no-head"), ("HEAD", "/broken")]
    assert len(opened) == 5
    gaps = [later - earlier for earlier, later in zip(opened, opened[1:])]
    assert min(gaps) >= 0.29, gaps


def test_hosts_are_asked_side_by_side(server, tmp_path):
    other = Server(("127.0.0.1", 0), Handler)
    other.requests = server.requests  # one log: who asked when
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        urls = [server.url("/slow"), f"http://127.0.0.1:{other.server_address[1]}/slow"]
        check_addresses(urls, None, timeout=SLOW + 2, interval=0)
    finally:
        other.shutdown()
        other.server_close()
    first, second = sorted(at for _, _, at in server.requests)
    assert second - first < SLOW  # the second host did not wait for the first one's slow answer


def test_answers_are_kept_for_a_day(server, tmp_path):
    cache = tmp_path / ".cache" / "links.json"
    urls = [server.url("/ok"), server.url("/gone")]
    first = check_addresses(urls, cache, timeout=TIMEOUT, interval=0)
    assert (first.asked, first.cached) == (2, 0) and len(server.requests) == 2
    again = check_addresses(urls, cache, timeout=TIMEOUT, interval=0)
    assert (again.asked, again.cached) == (0, 2) and len(server.requests) == 2  # nothing asked again
    assert again.answers == first.answers
    refreshed = check_addresses(urls, cache, use_cache=False, timeout=TIMEOUT, interval=0)
    assert refreshed.asked == 2 and len(server.requests) == 4
    stale = {url: Answer(200, time.time() - 25 * 3600) for url in urls}
    write_cache(cache, stale)
    assert check_addresses(urls, cache, timeout=TIMEOUT, interval=0).asked == 2  # a day old: asked again
    cache.write_text("{not json")
    assert check_addresses(urls, cache, timeout=TIMEOUT, interval=0).asked == 2  # a broken cache is no cache
    assert json.loads(cache.read_text())["links"].keys() == set(urls)


def test_check_links_through_the_command_line(server, project):
    sources = [{"publisher": "P", "title": "T", "url": server.url("/gone"), "date": "2026-01-04",
                "archived_url": server.url("/moved")},
               {"publisher": "P", "title": "U", "url": server.url("/ok"), "date": "2026-01-04"}]
    entry = project.event("launch", sources=sources)
    result = project.run("check")
    assert result.returncode == 0 and server.requests == []  # the network only with --links
    result = project.run("check", "--links", "--timeout", str(TIMEOUT))
    assert result.returncode == 0, result.stderr
    url_line, archived_line = line_of(entry, f"url: {server.url('/gone')}"), line_of(entry, "archived_url:")
    assert result.stdout.splitlines() == [
        f"content/events/launch.md:{url_line}: warning: sources[0].url: dead link {server.url('/gone')}: "
        "HTTP 404 Not Found",
        f"content/events/launch.md:{archived_line}: warning: sources[0].archived_url: permanent redirect (301) "
        f"from {server.url('/moved')} to {server.url('/ok')}: cite the new address",
        "Checked 1 events: the site builds; 2 warning(s); 3 addresses, 3 asked, 0 answered from the cache.",
    ]
    assert (project.root / ".cache" / "site-gen" / "links.json").is_file()
    asked = len(server.requests)
    again = project.run("check", "--links", "--strict")
    assert again.returncode == 1 and len(server.requests) == asked  # from the cache: nothing asked
    assert "3 addresses, 0 asked, 3 answered from the cache" in again.stderr
    assert project.run("check", "--links", "--no-cache").returncode == 0 and len(server.requests) == 2 * asked
