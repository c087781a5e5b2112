"""Start-up: `site-gen --help` and a build that finds nothing changed import none of the pipeline's
libraries (site_gen.cli imports lazily, site_gen.quick takes the no-change look). Real processes:
each runs the console script's own entry point and reports the modules it ended with."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HEAVY = {"jinja2", "markdown", "pydantic", "pydantic_core", "yaml", "nh3", "icalendar", "livereload",
         "watchfiles", "openpyxl", "charset_normalizer", "multiprocessing"}

# What the `site-gen` console script runs (pyproject.toml: site_gen.cli:main), then the modules loaded.
PROBE = """
import json, sys
from site_gen.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
print(json.dumps(sorted(sys.modules)))
sys.exit(code)
"""


def modules_after(*argv: str, cwd: Path) -> set[str]:
    result = subprocess.run([sys.executable, "-c", PROBE, *argv], cwd=cwd, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return {name.split(".")[0] for name in json.loads(result.stdout.splitlines()[-1])}


def bundled_copy(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    for part in ("site.yaml", "content", "templates"):
        copy = shutil.copytree if (REPO / part).is_dir() else shutil.copy2
        copy(REPO / part, site / part)
    return site


def test_help_imports_none_of_the_pipeline(tmp_path):
    assert modules_after("--help", cwd=tmp_path) & HEAVY == set()
    assert modules_after("build", "--help", cwd=tmp_path) & HEAVY == set()


def test_a_build_with_nothing_changed_imports_none_of_the_pipeline(tmp_path):
    site = bundled_copy(tmp_path)
    first = modules_after("build", "--jobs", "2", cwd=site)
    assert {"jinja2", "markdown", "pydantic", "yaml"} <= first  # a build with work to do loads them
    # Only the worker drawing events.ics loads it (pages._calendar): the bundled site is large enough
    # (more than parallel.PARALLEL_FROM files) for its pages to be drawn in workers.
    assert "icalendar" not in first
    assert modules_after("build", cwd=site) & HEAVY == set()
    (site / "content" / "events" / sorted(p.name for p in (site / "content/events").glob("*.md"))[0]).open(
        "a", encoding="utf-8").write("\nOne more line.\n")
    assert "markdown" in modules_after("build", cwd=site)  # an edit is noticed: the pipeline runs again
