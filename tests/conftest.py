"""Shared fixtures: throw-away projects, the CLI, the built bundled site, and a real Chromium."""
from __future__ import annotations

import functools
import os
import http.server
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase

REPO = Path(__file__).resolve().parent.parent

# Hypothesis keeps the examples it found failing with pytest's own cache, not in a folder of its own
# at the top of the project.
settings.register_profile("site-gen", database=DirectoryBasedExampleDatabase(REPO / ".pytest_cache" / "hypothesis"))
settings.load_profile("site-gen")
# Hypothesis keeps its files under .cache/ (git-ignored) rather than a .hypothesis/ folder at the top.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(REPO / ".cache" / "hypothesis"))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

SITE_YAML = """\
title: Test timeline
description: A small timeline for tests.
base_url: https://example.org/
categories:
  provocation: {name: Provocation, colour: "#c00", symbol: "▲", description: Launches.}
  response: {name: Response, colour: "#00c", symbol: "●"}
  summit: {name: Summit, colour: "#0a0", symbol: "★"}
actors:
  north-korea: {name: North Korea}
  south-korea: {name: South Korea}
"""


class SiteProject:
    """A project folder in tmp_path with the repository's templates and a small config."""

    def __init__(self, root: Path):
        self.root = root
        (root / "content" / "events").mkdir(parents=True)
        (root / "content" / "pages").mkdir(parents=True)
        shutil.copytree(REPO / "templates", root / "templates")
        (root / "site.yaml").write_text(SITE_YAML, encoding="utf-8")

    @property
    def output(self) -> Path:
        return self.root / "output"

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def event(self, name: str, body: str = "Body text.", **fields) -> Path:
        """Write content/events/<name>.md from front-matter fields (with defaults for required ones)."""
        front = {
            "title": f"Event {name}",
            "date": "2026-01-04",
            "category": "provocation",
            "summary": f"Summary of {name}.",
            "sources": [{"publisher": "KBS World", "title": "A report", "url": "https://example.com/report"}],
        }
        front.update(fields)
        import yaml  # noqa: PLC0415 - only the fixture writes YAML

        text = "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n" + body + "\n"
        path = self.root / "content" / "events" / f"{name}.md"
        path.write_text(text, encoding="utf-8")
        return path

    def run(self, *args: str, check: bool = False) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "-m", "site_gen", *args], cwd=self.root,
                                capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError(f"site-gen {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result


@pytest.fixture
def project(tmp_path: Path) -> SiteProject:
    return SiteProject(tmp_path / "site")


@pytest.fixture(scope="session")
def bundled_site(tmp_path_factory) -> Path:
    """The bundled timeline, built once from the repository's own content into a temporary folder."""
    out = tmp_path_factory.mktemp("bundled") / "output"
    result = subprocess.run([sys.executable, "-m", "site_gen", "build", "--output", str(out)], cwd=REPO,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PreviewProcess:
    """`site-gen serve` in a subprocess on a free loopback port; stdout and stderr read apart, line by line."""

    def __init__(self, project, *args: str, host: str = "127.0.0.1"):
        self.port = free_port()
        self.out: list[str] = []
        self.err: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "site_gen", "serve", "--host", host, "--port", str(self.port), *args],
            cwd=project.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
        for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err)):
            threading.Thread(target=self._read, args=(stream, lines), daemon=True).start()
        self.wait_for_line("Serving the preview at")

    @staticmethod
    def _read(stream, lines: list[str]) -> None:
        for line in stream:
            lines.append(line.rstrip("\n"))

    @property
    def lines(self) -> list[str]:
        return self.out

    def wait_for_line(self, text: str, after: int = 0, timeout: float = 30) -> float:
        """Wait for a stdout line holding `text` (from line `after` on); return when it was seen."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.out[after:]):
                return time.monotonic()
            if self.process.poll() is not None:
                raise AssertionError(f"server exited ({self.process.returncode}):\n" + "\n".join(self.out + self.err))
            time.sleep(0.01)
        raise AssertionError(f"no line with {text!r} within {timeout} s:\n" + "\n".join(self.out + self.err))

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def status(self, path: str) -> int:
        try:
            with urllib.request.urlopen(self.url(path), timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output readable
        pass


@pytest.fixture
def static_server():
    """Serve a folder on 127.0.0.1 with Python's own HTTP server; yields a function folder -> base URL."""
    servers = []

    def serve(folder: Path) -> str:
        handler = functools.partial(QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright. Missing Chromium fails the tests loudly; it never skips them."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    assert Path(CHROMIUM).exists(), (
        f"Chromium not found at {CHROMIUM}: install Debian's package (apt-get install chromium) or run `make test`")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()
