"""The built site in real Chromium: opened from disk and from a loopback server, with no outside requests."""
from __future__ import annotations

from urllib.parse import urlsplit


def outside_requests(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("file", "data") or parts.hostname == "127.0.0.1"


def test_site_works_opened_from_disk(bundled_site, page):
    requests = outside_requests(page)
    page.goto((bundled_site / "index.html").as_uri())
    assert page.locator("h1").first.inner_text()
    first_event = page.locator("ol.timeline li.event a.event-title-link, ol.timeline .event-title a").first
    title = first_event.inner_text()
    first_event.click()
    page.wait_for_load_state()
    assert page.url.endswith("/index.html") and "/events/" in page.url
    assert page.locator("h1").inner_text() == title
    # the stylesheet loaded from disk: the skip link is moved off screen by it
    assert page.locator(".skip-link").evaluate("el => getComputedStyle(el).position") == "absolute"
    page.get_by_role("link", name="Timeline").first.click()
    page.wait_for_load_state()
    assert page.url == (bundled_site / "index.html").as_uri()
    assert [url for url in requests if not is_local(url)] == []


def test_site_works_under_a_sub_path_on_a_static_server(project, static_server, page, tmp_path):
    project.event("launch", date="2026-01-04T07:50+09:00", actors=["north-korea"])
    project.event("reply", date="2026-01-05", category="response", responds_to=["launch"])
    root = tmp_path / "www"
    project.run("build", "--output", str(root / "nk-timeline"), "--base-url",
                "https://example.github.io/nk-timeline/", check=True)
    base = static_server(root) + "nk-timeline/"
    requests = outside_requests(page)
    failed: list[str] = []
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    page.goto(base)
    page.get_by_role("link", name="Event launch").first.click()
    page.get_by_role("link", name="Event reply").first.click()
    assert page.url == base + "events/reply/index.html"
    assert page.locator("h1").inner_text() == "Event reply"
    page.goto(base + "no/such/page/")  # Python's server sends 404 with its own body; open our 404 page
    page.goto(base + "404.html")
    page.get_by_role("link", name="Go to the timeline").click()
    assert page.url == base
    assert failed == [base + "no/such/page/"]
    assert [url for url in requests if not is_local(url)] == []
