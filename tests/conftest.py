"""Shared fixtures: throw-away projects, the CLI, the built bundled site, and a real Chromium."""
from __future__ import annotations

import functools
import os
import http.server
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
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
