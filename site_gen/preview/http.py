"""The preview's HTTP side: the in-memory site served under the base URL's path, the error page shown
while a build fails, and the check of which host names it answers to."""
from __future__ import annotations

import html
import ipaddress
import mimetypes
import posixpath
import socket
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from livereload import Server
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import web

from ..problems import BuildError
from ..render import Deferred

# livereload.js reads the server's host and port from its own URL; served at the root, whatever the base path.
LIVE_SCRIPT = '<script src="/livereload.js" defer></script>'
# The types of every kind of file a site holds, fixed here: mimetypes alone depends on the machine's
# /etc/mime.types (and Python's version), and a wrong type with nosniff breaks a stylesheet or script.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".json": "application/json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8", ".svg": "image/svg+xml", ".ics": "text/calendar; charset=utf-8",
    ".csv": "text/csv; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".png": "image/png",
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
    ".avif": "image/avif", ".ico": "image/vnd.microsoft.icon",
}


@dataclass(frozen=True)
class SiteState:
    """What the server hands out: the last good site, or the problems of the last build."""

    files: dict[str, bytes]
    problems: tuple[str, ...] = ()
    version: int = 0


def error_page(problems: tuple[str, ...]) -> bytes:
    items = "\n".join(f"<li><code>{html.escape(p)}</code></li>" for p in problems)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'">
<title>Build failed · site-gen preview</title>
<style>body{{font:1rem/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
code{{white-space:pre-wrap}}h1{{color:#b03a2e}}</style>
{LIVE_SCRIPT}
</head><body><main>
<h1>Build failed</h1>
<p>The preview shows the last problems found. Fix the files below and save: this page reloads by itself.</p>
<ul class="problems">
{items}
</ul>
</main></body></html>
""".encode()


class SiteHandler(web.RequestHandler):
    """Serves the in-memory site under the base URL's path, with the error page while a build fails."""

    def initialize(self, preview) -> None:
        self.preview = preview

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")

    def head(self, _path: str) -> None:
        self.get(_path)

    def get(self, _path: str) -> None:
        if not self.preview.answers_to(self.request.host_name):
            return self.send(403, f"This preview answers only to this machine's own names (localhost, 127.0.0.1), "
                                  f"not to {self.request.host_name!r}.\n".encode(), "text/plain; charset=utf-8")
        base = self.preview.base_path
        path = unquote(urlsplit(self.request.uri).path)  # decoded once, then checked: an encoded ../ is refused too
        if base != "/" and path in ("/", base.rstrip("/")):
            return self.redirect(base)
        if not path.startswith(base) or ".." in path.split("/") or "\\" in path or "\0" in path:
            return self.send(404, self.not_found_page(), "text/html; charset=utf-8")
        rel = path[len(base):]
        if rel == "" or rel.endswith("/"):
            rel += "index.html"
        rel = posixpath.normpath(rel)
        state = self.preview.state
        if state.problems and rel.endswith(".html"):
            return self.send(500, error_page(state.problems), "text/html; charset=utf-8")
        body = state.files.get(rel)
        if isinstance(body, Deferred):
            try:
                body = body()  # made when first asked for, not on every save
            except BuildError as error:
                return self.send(500, error_page(tuple(map(str, error.problems))), "text/html; charset=utf-8")
        if body is None:
            if f"{rel}/index.html" in state.files:
                return self.redirect(path + "/")
            return self.send(404, self.not_found_page(), "text/html; charset=utf-8")
        self.send(200, body, content_type(rel))

    def not_found_page(self) -> bytes:
        state = self.preview.state
        if state.problems:
            return error_page(state.problems)
        page = state.files.get("404.html", b"<!DOCTYPE html><title>Not found</title><h1>Not found</h1>")
        return page() if isinstance(page, Deferred) else page

    def send(self, status: int, body: bytes, kind: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", kind)
        self.set_header("X-Content-Type-Options", "nosniff")
        if self.request.method != "HEAD":
            self.write(body)


def content_type(rel: str) -> str:
    kind = CONTENT_TYPES.get(posixpath.splitext(rel)[1].lower())
    return kind or mimetypes.guess_type(rel)[0] or "application/octet-stream"


class PreviewServer(Server):
    """livereload's server with our site handler in place of its static-file handler."""

    def __init__(self, preview):
        super().__init__()
        self.preview = preview

    def application(self, port: int, host: str, live_css: bool = False) -> None:
        """livereload's application() without its transform that injects an inline script into each
        HTML page: our pages load LIVE_SCRIPT, which their Content-Security-Policy allows."""
        LiveReloadHandler.watcher = self.watcher
        LiveReloadHandler.live_css = live_css
        handlers = [(r"/livereload", LiveReloadHandler), (r"/livereload.js", LiveReloadJSHandler),
                    (r"/(.*)", SiteHandler, {"preview": self.preview})]
        # A deeper accept queue than tornado's 128: a burst of connections (a browser opening many tabs,
        # a link checker) waits its turn instead of having its SYN dropped and retried a second later.
        web.Application(handlers).listen(port, address=host, backlog=1024)


class HostCheck:
    """Which Host headers are answered. A page on any web site can have its own name resolve to 127.0.0.1
    a moment later ("DNS rebinding") and then read this preview, drafts included, through the visitor's
    browser; those requests carry that site's name. So on loopback only loopback names are answered.
    Listening on a network was chosen (and warned about): any name is."""

    def __init__(self, host: str):
        self.host = host
        self.on_loopback = _is_loopback(host)  # looked up once: answers_to runs for every request

    def answers_to(self, host_name: str) -> bool:
        if not self.on_loopback:
            return True
        host_name = host_name.removesuffix(".")  # "localhost." is localhost too
        return (host_name in ("localhost", "127.0.0.1", "[::1]", "::1", self.host.lower())
                or host_name.endswith(".localhost"))  # browsers resolve *.localhost to loopback themselves


def _is_loopback(host: str) -> bool:
    """Whether listening on `host` listens on this machine only: every address it stands for is loopback
    (127.1, ::ffff:127.0.0.1 and a name that resolves to 127.0.0.1 are too)."""
    try:
        found = socket.getaddrinfo(host.strip("[]"), None)
    except OSError:
        return False
    return bool(found) and all(_loopback_address(info[4][0]) for info in found)


def _loopback_address(text: str) -> bool:
    address = ipaddress.ip_address(text.split("%")[0])  # without an IPv6 scope (fe80::1%eth0)
    return (getattr(address, "ipv4_mapped", None) or address).is_loopback
