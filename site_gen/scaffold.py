"""`site-gen new`: start an entry file with its front matter filled in as far as we know it."""
from __future__ import annotations

import json
import re
from pathlib import Path

from .build import Project, load_config
from .dates import parse_event_date
from .problems import UsageError
from .validate import _suggest

TEMPLATE = """\
---
title: {title}
date: {date}
category: {category}
actors: []
summary: ""
tags: []
responds_to: []
sources:
  - publisher: ""
    title: ""
    url: ""
    date:
draft: true
---
Write what happened here, in your own words. Attribute every claim to who made it.
"""


def slugify(title: str, limit: int = 60) -> str:
    words = re.sub(r"[^\w]+", " ", title.lower()).replace("_", " ").split()
    slug = ""
    for word in words:
        if slug and len(slug) + 1 + len(word) > limit:
            break
        slug = f"{slug}-{word}" if slug else word[:limit]
    return slug or "event"


def new_entry(project: Project, title: str, date: str, category: str) -> Path:
    """Write content/events/<date>-<slug>.md as a draft; never overwrite a file."""
    config = load_config(project)
    try:
        parsed = parse_event_date(date)
    except ValueError as error:
        raise UsageError(f"--date: {error}") from None
    if category not in config.categories:
        raise UsageError(f"--category: unknown category {category!r}{_suggest(category, config.categories)} "
                         f"(defined in site.yaml: {', '.join(config.categories)})")
    folder = project.events_dir
    taken = {path.stem for path in folder.rglob("*.md")} if folder.is_dir() else set()
    stem = f"{parsed.iso()[:10]}-{slugify(title)}"
    candidate, number = stem, 2
    while candidate in taken:
        candidate, number = f"{stem}-{number}", number + 1
    # Written by hand rather than by yaml.dump, so it reads like the README's example.
    text = TEMPLATE.format(title=json.dumps(title, ensure_ascii=False), date=parsed.iso(), category=category)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{candidate}.md"
    with path.open("x", encoding="utf-8") as handle:  # "x": fail rather than overwrite, even in a race
        handle.write(text)
    return path
