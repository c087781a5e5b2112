"""Preview server: build into memory, serve on loopback, rebuild on every save, reload open tabs.

- watchfiles (inotify) notices saves within milliseconds and groups a burst of saves into one
  rebuild; livereload's own watcher polls every 800 ms and drops reloads within 3 s of the last.
- livereload supplies the browser side: its livereload.js and the WebSocket it talks to. We tell it
  to reload once a rebuild is in place. Its usual way in, an inline script it injects into every
  HTML page, would be blocked by the pages' Content-Security-Policy (script-src 'self'); instead the
  preview builds every page with LIVE_SCRIPT in its <head>, an external script from this server,
  which the policy allows as it is, so the preview runs under the same policy as the published site.
- A rebuild reuses the Builder's caches, so only the pages an edit affects are drawn again. An edit
  that keeps the timeline's shape is taken in place (Builder.update), and while the templates and
  config are unchanged, pages are drawn when the browser asks for them.
- A failed rebuild keeps the server up: every page shows the problems (file:line: field: message)
  until the files are fixed.
"""
from __future__ import annotations

import errno
import gc
import html
import ipaddress
import mimetypes
import os
import posixpath
import socket
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import watchfiles
from livereload import Server
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import web
from tornado.ioloop import IOLoop

from .build import CONFIG_FILE, Builder, Project, collector_paused
from .manifest import read_inputs
from .render import Deferred
from .problems import BuildError, UsageError

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

    def initialize(self, preview: Preview) -> None:
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

    def __init__(self, preview: Preview):
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


class Preview:
    def __init__(self, project: Project, host: str, port: int, drafts: bool = True, out=sys.stdout):
        self.project = project
        self.host = host
        self.port = port
        self.out = out
        self.builder = Builder(project, drafts=drafts, extra_head=LIVE_SCRIPT)
        self.state = SiteState({})
        self.base_path = "/"
        self.loop: IOLoop | None = None
        self._stop = threading.Event()
        # What the watcher's next idle moment collects (see collect_garbage): "all" after a full or failed
        # rebuild, "new" after an edit taken from memory, "" when nothing is owed.
        self._garbage = ""
        self._on_loopback = _is_loopback(host)  # looked up once: answers_to runs for every request
        self._inputs: dict | None = None  # every input file's status and digest, as the first build found them

    def answers_to(self, host_name: str) -> bool:
        """Whether a request naming `host_name` (its Host header) is served. A page on any web site can
        have its own name resolve to 127.0.0.1 a moment later ("DNS rebinding") and then read this
        preview, drafts included, through the visitor's browser; those requests carry that site's name.
        So on loopback only loopback names are answered. Listening on a network was chosen (and warned
        about): any name is."""
        if not self._on_loopback:
            return True
        host_name = host_name.removesuffix(".")  # "localhost." is localhost too
        return (host_name in ("localhost", "127.0.0.1", "[::1]", "::1", self.host.lower())
                or host_name.endswith(".localhost"))  # browsers resolve *.localhost to loopback themselves

    def log(self, message: str) -> None:
        print(message, file=self.out, flush=True)

    def rebuild(self, reason: str = "", quiet_if_unchanged: bool = False, changed: set[str] | None = None) -> bool:
        """Build again (`changed`: the files the watcher saw change); True if what the server hands out changed."""
        started = time.perf_counter()
        before = self.state
        try:
            with collector_paused():
                timeline, files = self.builder.render(lazy=True, changed=changed)
            self._garbage = "new" if self.builder.updated_in_place and self._garbage != "all" else "all"
        except BuildError as error:
            self._garbage = "all"
            self.state = SiteState(self.state.files, tuple(map(str, error.problems)), self.state.version + 1)
            self.log(f"Build failed ({len(error.problems)} problem(s)); the browser shows them:")
            for problem in error.problems:
                self.log(f"  {problem}")
            return True
        except Exception as error:  # noqa: BLE001 - a bug must not end the watcher thread (no rebuild would
            # ever come again, silently): show it like a problem and keep watching
            self._garbage = "all"
            self.state = SiteState(self.state.files, (f"site-gen failed unexpectedly (a bug, please report it): "
                                                      f"{type(error).__name__}: {error}",), self.state.version + 1)
            self.log(f"Build failed unexpectedly:\n{traceback.format_exc()}")
            return True
        self.base_path = urlsplit(timeline.config.base_url).path or "/"
        changed = bool(before.problems) or files.keys() != before.files.keys() or self.builder.renderer.rendered_last > 0
        self.state = SiteState(files, (), self.state.version + 1)
        took = time.perf_counter() - started
        if changed or not quiet_if_unchanged:
            how = ("the rest unchanged" if not self.builder.updated_in_place else
                   "timeline remade from memory" if self.builder.reshaped else "in place")
            self.log(f"{reason}Built {len(timeline.events)} events in {took:.3f} s "
                     f"({self.builder.renderer.rendered_last} pages changed, {how})")
        return changed

    def watched(self) -> list[Path]:
        project = self.project
        paths = [project.root / "content", project.templates_dir, project.root / CONFIG_FILE]
        return [p for p in paths if p.exists()]

    def watch(self) -> None:
        """Runs in a thread: each batch of saves gives one rebuild, then one reload of every tab."""
        try:
            self._watch()
        finally:
            gc.enable()  # the collector is never left off (see below), whatever ended the watch

    def _watch(self) -> None:
        caught_up = False
        rebuilds_uncollected = 0
        for changes in watchfiles.watch(*self.watched(), debounce=400, step=30, stop_event=self._stop,
                                        rust_timeout=500, yield_on_timeout=True):
            if not changes:
                if self._garbage:
                    self.collect_garbage()
                rebuilds_uncollected = 0
                if not caught_up:
                    caught_up = True
                    self.catch_up()
                continue
            names = sorted({Path(path).name for _, path in changes})
            # The collector stays off until the next idle moment (collect_garbage): turned on again right
            # after a rebuild, it would first walk the ~100,000 objects the rebuild made (~30 ms at 10,000
            # entries) before the browser is told to reload. Saves that never pause get it every so often.
            if rebuilds_uncollected >= 5:
                self.collect_garbage()
                rebuilds_uncollected = 0
            rebuilds_uncollected += 1
            gc.disable()
            self.rebuild(f"Changed {', '.join(names[:3])}{' …' if len(names) > 3 else ''}: ",
                         changed={path for _, path in changes})
            self.reload_tabs()

    def catch_up(self) -> None:
        """The watcher is live only now: build again what was saved while it was starting, unseen."""
        saved = self.saved_since_start()
        if saved is None or saved or self.state.problems:  # a first build that failed is tried again
            gc.disable()  # as for any rebuild the watcher runs (see _watch)
            if self.rebuild("Caught up: ", quiet_if_unchanged=True, changed=saved):
                self.reload_tabs()

    def saved_since_start(self) -> set[str] | None:
        """The files that may have been saved since just before the first build, which the watcher, not
        yet started, did not see; None when files came or went, or many count (or there was no first
        look). A file counts unless its status was old enough to trust then (see manifest.read_inputs)
        and is the same now: a save changes it, even one put back as it was while the build read it.
        Looking costs ~70 ms at 10,000 entries, where building again, to be sure, took ~1 s and then a
        full collection."""
        if self._inputs is None:
            return None
        now = read_inputs(self.project.root, self._inputs)
        if now.keys() != self._inputs.keys():
            return None
        saved = {str(self.project.root / shown) for shown, found in now.items()
                 if self._inputs[shown][0] is None or found != self._inputs[shown]}
        # Many (a folder copied in just before starting): loading afresh reads only those whose bytes
        # changed, where taking them in one by one parses and checks each again.
        return saved if len(saved) <= CATCH_UP_ONE_BY_ONE else None

    def collect_garbage(self) -> None:
        """Free what rebuilds left behind, when the watcher is idle, not during a rebuild.

        After a full rebuild the previous timeline (a web of cycles, frozen with the rest) is garbage: all
        is unfrozen and collected, then what is left frozen again, so the collector's automatic passes
        skip the site and stay short. At 10,000 entries that pass takes ~0.4 s, and a save made while it
        runs waits for it. An edit taken from memory leaves cycles (the drawing helpers, with the cards
        they drew) that are not frozen, except those alive at the last full pass: collecting what is
        not frozen frees the others in a fifth of the time, and the frozen ones wait for the next full
        pass (at most one drawing's worth). The collector, off since the rebuild (see watch), is then
        turned on again."""
        if self._garbage == "all":
            gc.unfreeze()
            gc.collect()
            gc.freeze()
        else:
            gc.collect()  # the frozen objects are skipped
        self._garbage = ""
        gc.enable()

    def reload_tabs(self) -> None:
        if self.loop is not None:
            self.loop.add_callback(LiveReloadHandler.reload_waiters, "*")

    def run(self) -> None:
        # The first build reads every entry, in forked workers when there are many. Later rebuilds run
        # beside the server's threads, where forking is unsafe; they read only what changed anyway.
        self.builder.jobs = os.cpu_count() or 1
        self._inputs = read_inputs(self.project.root, {})  # before the build reads anything: see saved_since_start
        self.rebuild()
        self.builder.jobs = 1
        self.collect_garbage()
        server = PreviewServer(self)
        try:
            server.application(self.port, self.host, live_css=False)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise UsageError(f"port {self.port} on {self.host} is in use: stop the other server "
                                 f"or choose another port with --port") from None
            raise
        self.loop = IOLoop.current()
        watcher = threading.Thread(target=self.watch, name="site-gen-watch", daemon=True)
        watcher.start()
        self.log(f"Serving the preview at http://{self.host}:{self.port}{self.base_path} "
                 "(edits reload the browser; Ctrl+C stops)")
        try:
            self.loop.start()
        finally:
            self._stop.set()


CATCH_UP_ONE_BY_ONE = 100  # see saved_since_start


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


def serve(project: Project, host: str, port: int, drafts: bool = True) -> None:
    if host in ("0.0.0.0", "::", ""):
        print(f"site-gen: warning: listening on all interfaces ({host or '0.0.0.0'}): anyone on your network "
              "can read the preview, drafts included", file=sys.stderr)
    Preview(project, host, port, drafts=drafts).run()
