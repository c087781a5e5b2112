"""The build, stage by stage: load → validate → model → render → write."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from . import content, validate
from .markup import MarkdownRenderer
from .model import SiteConfig
from .problems import BuildError
from .render import render_pages
from .timeline import Event, Page, Timeline, make_timeline
from .write import write_site

CONFIG_FILE = "site.yaml"


@dataclass(frozen=True)
class Project:
    """Where a site's inputs live; by default the folder the command runs in."""

    root: Path

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def events_dir(self) -> Path:
        return self.root / "content" / "events"

    @property
    def pages_dir(self) -> Path:
        return self.root / "content" / "pages"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def media_dir(self) -> Path:
        return self.root / "content" / "media"

    @property
    def static_dir(self) -> Path:
        return self.templates_dir / "static"


@dataclass(frozen=True)
class BuildResult:
    events: int
    pages: int
    seconds: float
    output: Path


def load_config(project: Project, base_url: str | None = None) -> SiteConfig:
    raw, problem = content.load_yaml_file(project.config_file, project.root)
    if problem:
        raise BuildError([problem])
    if base_url is not None:
        raw.front["base_url"] = base_url
    config, problems = validate.validate_config(raw)
    if problems:
        raise BuildError(problems)
    if not config.base_url.endswith("/"):
        config = config.model_copy(update={"base_url": config.base_url + "/"})
    return config


def load_timeline(project: Project, config: SiteConfig, drafts: bool = False) -> Timeline:
    """Every content file, validated and modelled; raises BuildError with all problems found."""
    raw_events, problems = content.load_folder(project.events_dir, project.root)
    raw_pages, page_problems = content.load_folder(project.pages_dir, project.root)
    valid_events, found = validate.validate_events(raw_events, config, project.root / "content")
    valid_pages, found_in_pages = validate.validate_pages(raw_pages)
    problems += page_problems + found + found_in_pages
    if problems:
        raise BuildError(problems)
    to_html = MarkdownRenderer(trusted_html=config.trusted_html)
    # Drafts drop out before threads are made; a published entry answering a draft loses that link.
    events = [Event(v.id, v.raw.file, v.entry, to_html(v.raw.body))
              for v in valid_events if drafts or not v.entry.draft]
    pages = [Page(v.id, v.raw.file, v.entry, to_html(v.raw.body))
             for v in valid_pages if drafts or not v.entry.draft]
    return make_timeline(config, events, pages)


def copied_files(folder: Path, prefix: str) -> dict[str, bytes]:
    """Files copied as they are: the stylesheet and scripts, and the pictures entries show."""
    files = {}
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                files[prefix + path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


def build(project: Project, output: Path, base_url: str | None = None, drafts: bool = False,
          extra_head: str = "") -> BuildResult:
    """Build the whole site into `output`. On any problem, raise BuildError and leave `output` as it was."""
    started = time.perf_counter()
    config = load_config(project, base_url)
    timeline = load_timeline(project, config, drafts)
    files = render_pages(timeline, project.templates_dir, extra_head=extra_head)
    files.update(copied_files(project.static_dir, "static/"))
    files.update(copied_files(project.media_dir, "media/"))
    write_site(files, output, project.root)
    return BuildResult(len(timeline.events), sum(p.endswith(".html") for p in files),
                       time.perf_counter() - started, output)
