"""Preview server: build into memory, serve on loopback, rebuild on every save, reload open tabs.

- The watcher (watcher.py) notices saves and runs one rebuild for each burst of them.
- livereload supplies the browser side: its livereload.js and the WebSocket it talks to. We tell it
  to reload once a rebuild is in place. Its usual way in, an inline script it injects into every
  HTML page, would be blocked by the pages' Content-Security-Policy (script-src 'self'); instead the
  preview builds every page with LIVE_SCRIPT in its <head>, an external script from this server,
  which the policy allows as it is, so the preview runs under the same policy as the published site.
- A rebuild reuses the builder's memos, so only the pages an edit affects are drawn again; an edit to
  known events is taken in place (edits.py), and while the templates and config are unchanged, pages
  are drawn when the browser asks for them.
- A failed rebuild keeps the server up: every page shows the problems (file:line: field: message)
  until the files are fixed (http.py).
"""
from __future__ import annotations

import errno
import os
import sys
import threading
import time
import traceback
from urllib.parse import urlsplit

from livereload.handlers import LiveReloadHandler
from tornado.ioloop import IOLoop

from ..build import collector_paused
from ..manifest import read_inputs
from ..problems import BuildError, UsageError
from ..project import Project
from .edits import PreviewBuilder
from .http import LIVE_SCRIPT, HostCheck, PreviewServer, SiteState
from .watcher import Watcher


class Preview:
    def __init__(self, project: Project, host: str, port: int, drafts: bool = True, out=sys.stdout):
        self.project = project
        self.host = host
        self.port = port
        self.out = out
        self.builder = PreviewBuilder(project, drafts=drafts, extra_head=LIVE_SCRIPT)
        self.state = SiteState({})
        self.base_path = "/"
        self.loop: IOLoop | None = None
        self.hosts = HostCheck(host)
        self.watcher = Watcher(self)

    def answers_to(self, host_name: str) -> bool:
        return self.hosts.answers_to(host_name)

    def log(self, message: str) -> None:
        print(message, file=self.out, flush=True)

    def rebuild(self, reason: str = "", quiet_if_unchanged: bool = False, changed: set[str] | None = None) -> bool:
        """Build again (`changed`: the files the watcher saw change); True if what the server hands out changed."""
        started = time.perf_counter()
        before = self.state
        try:
            with collector_paused():
                timeline, files = self.builder.render(lazy=True, changed=changed)
            self.watcher.rebuilt(in_place=self.builder.taken is not None)
        except BuildError as error:
            self.watcher.rebuilt(in_place=False)
            self.state = SiteState(self.state.files, tuple(map(str, error.problems)), self.state.version + 1)
            self.log(f"Build failed ({len(error.problems)} problem(s)); the browser shows them:")
            for problem in error.problems:
                self.log(f"  {problem}")
            return True
        except Exception as error:  # noqa: BLE001 - a bug must not end the watcher thread (no rebuild would
            # ever come again, silently): show it like a problem and keep watching
            self.watcher.rebuilt(in_place=False)
            self.state = SiteState(self.state.files, (f"site-gen failed unexpectedly (a bug, please report it): "
                                                      f"{type(error).__name__}: {error}",), self.state.version + 1)
            self.log(f"Build failed unexpectedly:\n{traceback.format_exc()}")
            return True
        self.base_path = urlsplit(timeline.config.base_url).path or "/"
        drawn = self.builder.renderer.rendered_last
        changed = bool(before.problems) or files.keys() != before.files.keys() or drawn > 0
        self.state = SiteState(files, (), self.state.version + 1)
        if changed or not quiet_if_unchanged:
            taken = self.builder.taken
            how = ("the rest unchanged" if taken is None else
                   "timeline remade from memory" if taken.reshaped else "in place")
            self.log(f"{reason}Built {len(timeline.events)} events in {time.perf_counter() - started:.3f} s "
                     f"({drawn} pages changed, {how})")
        return changed

    def reload_tabs(self) -> None:
        if self.loop is not None:
            self.loop.add_callback(LiveReloadHandler.reload_waiters, "*")

    def run(self) -> None:
        # The first build reads every entry, in forked workers when there are many. Later rebuilds run
        # beside the server's threads, where forking is unsafe; they read only what changed anyway.
        self.builder.jobs = self.builder.renderer.jobs = os.cpu_count() or 1
        self.watcher.inputs = read_inputs(self.project.root, {})  # before the build reads anything
        self.rebuild()
        self.builder.jobs = self.builder.renderer.jobs = 1
        self.watcher.collect()
        server = PreviewServer(self)
        try:
            server.application(self.port, self.host, live_css=False)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise UsageError(f"port {self.port} on {self.host} is in use: stop the other server "
                                 f"or choose another port with --port") from None
            raise
        self.loop = IOLoop.current()
        threading.Thread(target=self.watcher.watch, name="site-gen-watch", daemon=True).start()
        self.log(f"Serving the preview at http://{self.host}:{self.port}{self.base_path} "
                 "(edits reload the browser; Ctrl+C stops)")
        try:
            self.loop.start()
        finally:
            self.watcher.stop.set()


def serve(project: Project, host: str, port: int, drafts: bool = True) -> None:
    if host in ("0.0.0.0", "::", ""):
        print(f"site-gen: warning: listening on all interfaces ({host or '0.0.0.0'}): anyone on your network "
              "can read the preview, drafts included", file=sys.stderr)
    Preview(project, host, port, drafts=drafts).run()
