"""The W3C Nu HTML Checker (vnu.jar, from the npm registry, on the machine's Java) on every built page."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VNU = REPO / ".cache/npm/node_modules/vnu-jar/build/dist/vnu.jar"


def nu_errors(pages: list[str]) -> list[str]:
    """The Nu checker's errors on `pages`, one run for all, as `path:line: message` (path from output/)."""
    assert VNU.is_file(), f"{VNU} is missing: run `make test` (it installs vnu-jar from npm)"
    java = shutil.which("java")
    assert java, "Java is missing: install default-jre-headless (make test does)"
    result = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", *pages],
                            capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [f"{m.get('url', '').rsplit('/output/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
              for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]
    assert errors or result.returncode == 0, result.stderr  # a failed run with no message is a failure too
    return errors


def test_every_built_page_is_valid_html(bundled_site):
    pages = sorted(str(p) for p in bundled_site.rglob("*.html"))  # every language's pages
    assert len(pages) > 50 and any("/ko/" in p for p in pages) and any("/ja/" in p for p in pages)
    assert nu_errors(pages) == []
