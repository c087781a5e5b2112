"""The W3C Nu HTML Checker (vnu.jar, from the npm registry, on the machine's Java) on every built page."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VNU = REPO / ".cache/npm/node_modules/vnu-jar/build/dist/vnu.jar"


def test_every_built_page_is_valid_html(bundled_site):
    assert VNU.is_file(), f"{VNU} is missing: run `make test` (it installs vnu-jar from npm)"
    java = shutil.which("java")
    assert java, "Java is missing: install default-jre-headless (make test does)"
    pages = sorted(str(p) for p in bundled_site.rglob("*.html"))
    assert len(pages) > 50
    result = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", *pages],
                            capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [f"{m.get('url', '').rsplit('/output/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
              for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]
    assert errors == []
    assert result.returncode == 0
