"""Where a site's inputs live, and its config read and checked: the first stage of every command."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import content, validate
from .model import SiteConfig
from .problems import BuildError

CONFIG_FILE = "site.yaml"


@dataclass(frozen=True)
class Project:
    """Where a site's inputs live; by default the folder the command runs in."""

    root: Path

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def events_dir(self) -> Path:
        return self.content_dir / "events"

    @property
    def pages_dir(self) -> Path:
        return self.content_dir / "pages"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def media_dir(self) -> Path:
        return self.content_dir / "media"

    @property
    def static_dir(self) -> Path:
        return self.templates_dir / "static"


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
