"""GitHub Pages: the workflow is valid, and a build for a project site has no broken link when served there."""
from __future__ import annotations

import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import yaml
from bs4 import BeautifulSoup

from site_gen.translations import translation_parts

REPO = Path(__file__).resolve().parent.parent
WORKFLOW = REPO / ".github/workflows/pages.yml"
BASE_URL = "https://example.github.io/nk-timeline/"


def test_workflow_passes_actionlint():
    actionlint = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    assert actionlint, "actionlint is missing: install the test extra (pip install -e '.[test]')"
    result = subprocess.run([actionlint, "-no-color", str(WORKFLOW)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_builds_on_push_to_main_with_the_official_pages_actions():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert workflow[True]["push"]["branches"] == ["main"]  # PyYAML reads the key `on` as True
    steps = workflow["jobs"]["build"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    assert "actions/configure-pages" in uses and "actions/upload-pages-artifact" in uses
    build = next(step for step in steps if "site-gen build" in step.get("run", ""))
    assert build["env"]["BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert '--base-url "$BASE_URL/"' in build["run"]
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "output"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def crawl(start: str) -> tuple[set[str], list[tuple[str, str, int]]]:
    """Follow every link, image, stylesheet and script under `start`; return pages seen and what broke."""
    queue, seen, broken, checked = [start], set(), [], {}

    def status(url: str) -> int:
        if url not in checked:
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    checked[url] = response.status
            except urllib.error.HTTPError as error:
                checked[url] = error.code
        return checked[url]

    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        with urllib.request.urlopen(url, timeout=10) as response:
            if "text/html" not in response.headers.get("Content-Type", ""):
                continue
            page = BeautifulSoup(response.read(), "html.parser")
        for tag in page.find_all(["a", "link", "img", "script", "source"]):
            ref = tag.get("href") or tag.get("src")
            if not ref or ref.startswith(("mailto:", "#")):
                continue
            target = urljoin(url, ref).split("#")[0]
            if urlsplit(target).netloc != urlsplit(start).netloc:
                continue  # a source's own site: a link out, not part of ours
            if status(target) != 200:
                broken.append((url, ref, status(target)))
            elif tag.name == "a" and target.startswith(start):
                queue.append(target)
    return seen, broken


def test_project_site_under_a_sub_path_has_no_broken_internal_reference(static_server, tmp_path):
    root = tmp_path / "www"
    result = subprocess.run([sys.executable, "-m", "site_gen", "build", "--output", str(root / "nk-timeline"),
                             "--base-url", BASE_URL], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    start = static_server(root) + "nk-timeline/"
    pages, broken = crawl(start)
    assert broken == []
    built = {p.relative_to(root / "nk-timeline").as_posix() for p in (root / "nk-timeline").rglob("index.html")}
    reached = {urlsplit(url).path.removeprefix("/nk-timeline/") for url in pages}
    reached = {path if path.endswith(".html") else path + "index.html" for path in reached}
    assert built <= reached, sorted(built - reached)[:5]  # every page is reachable from the index
    # the 404 page links from the site root, as GitHub Pages serves it at any depth
    not_found = BeautifulSoup((root / "nk-timeline/404.html").read_text(), "html.parser")
    for tag in not_found.find_all(["a", "link"]):
        ref = tag.get("href")
        if ref and not ref.startswith(("http", "#")):
            target = urljoin(start + "some/missing/page/", ref)
            with urllib.request.urlopen(target, timeout=10) as response:
                assert response.status == 200, ref


def test_workflow_restores_the_build_cache_and_last_output_before_building():
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["build"]["steps"]
    names = [step.get("uses", "").split("@")[0] or step.get("run", "") for step in steps]
    cache_at = names.index("actions/cache")
    build_at = next(i for i, name in enumerate(names) if "site-gen build" in name)
    assert cache_at < build_at
    cache = steps[cache_at]["with"]
    assert set(cache["path"].split()) == {".cache/site-gen", "output"}
    assert "${{ github.sha }}" in cache["key"]  # each run saves its own; the newest is restored
    assert cache["key"].startswith(cache["restore-keys"])


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _build(folder: Path) -> str:
    result = subprocess.run([sys.executable, "-m", "site_gen", "build", "--base-url", BASE_URL], cwd=folder,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_deploy_with_the_restored_cache_draws_only_what_an_edit_changed(tmp_path):
    """What the workflow does on two pushes: a fresh checkout in the same folder each time, the second
    with the first one's cache and output restored. Its output must equal a cold build's."""
    work, saved = tmp_path / "work", tmp_path / "saved"
    subprocess.run(["git", "clone", "-q", str(REPO), str(work)], check=True)
    first = _build(work)
    shutil.copytree(work / ".cache/site-gen", saved / ".cache/site-gen")
    shutil.copytree(work / "output", saved / "output")
    shutil.rmtree(work)
    subprocess.run(["git", "clone", "-q", str(REPO), str(work)], check=True)
    entry = [p for p in sorted((work / "content/events").glob("*.md")) if not translation_parts(p.name)][0]
    entry.write_text(entry.read_text(encoding="utf-8").rstrip("\n") + "\n\nOne more sentence.\n", encoding="utf-8")
    shutil.copytree(saved, work, dirs_exist_ok=True)
    second = _build(work)
    # "Built … (N files drawn, …" (after any warning: the edit makes the entry's translations stale)
    drawn = lambda out: int(next(line for line in out.splitlines() if line.startswith("Built")).split("(")[1].split()[0])
    assert 0 < drawn(second) < drawn(first) / 4, (first, second)
    incremental = _listing(work / "output")
    shutil.rmtree(work / "output")
    shutil.rmtree(work / ".cache")
    _build(work)
    assert _listing(work / "output") == incremental
