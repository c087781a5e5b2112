"""site-gen publish with real git: a project repository and a local bare repository as its remote."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

GIT_ENV = {"GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
           "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.org"}


def git(cwd: Path, *args: str) -> str:
    import os  # noqa: PLC0415

    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **GIT_ENV})
    assert result.returncode == 0, f"git {args}: {result.stderr}"
    return result.stdout.strip()


@pytest.fixture
def repo(project, tmp_path, monkeypatch):
    """The test project as a git repository with a committed entry and a bare remote named origin."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    project.event("launch", date="2026-01-04T07:50+09:00")
    git(project.root, "init", "-q", "-b", "main")
    (project.root / ".gitignore").write_text("/output/\n")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-q", "-m", "Content")
    (project.root / ".git/info/exclude").write_text("*.xml\n")  # the user's ignore rules must not drop site files
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(project.root, "remote", "add", "origin", str(remote))
    project.remote = remote
    return project


def remote_files(remote: Path, branch: str = "gh-pages") -> set[str]:
    return set(git(remote, "ls-tree", "-r", "--name-only", branch).splitlines())


def commit_count(remote: Path, branch: str = "gh-pages") -> int:
    return int(git(remote, "rev-list", "--count", branch))


def test_publish_creates_an_orphan_gh_pages_branch_with_the_site(repo):
    result = repo.run("publish", check=True)
    assert result.stdout.startswith("Published ")
    files = remote_files(repo.remote)
    assert {"index.html", "events/launch/index.html", "404.html", "sitemap.xml", ".nojekyll",  # *.xml is ignored
            "static/style.css"} <= files
    assert ".site-gen-output" not in files and "CNAME" not in files
    assert commit_count(repo.remote) == 1  # an orphan: none of main's history
    assert git(repo.remote, "log", "-1", "--format=%s", "gh-pages") == (
        f"Publish site ({len(files)} files) for https://example.org/")


def test_unchanged_site_adds_no_commit_and_a_change_adds_exactly_one(repo):
    repo.run("publish", check=True)
    again = repo.run("publish", check=True)
    assert "nothing committed" in again.stdout
    assert commit_count(repo.remote) == 1
    repo.event("reply", date="2026-01-05", category="response", responds_to=["launch"])
    repo.run("publish", "--message", "Add the reply", check=True)
    assert commit_count(repo.remote) == 2
    assert git(repo.remote, "log", "-1", "--format=%s", "gh-pages") == "Add the reply"
    assert "events/reply/index.html" in remote_files(repo.remote)


def test_working_branch_index_and_uncommitted_files_are_untouched(repo):
    (repo.root / "content/events/launch.md").write_text(
        (repo.root / "content/events/launch.md").read_text().replace("Body text.", "Staged edit."))
    git(repo.root, "add", "content/events/launch.md")
    (repo.root / "site.yaml").write_text((repo.root / "site.yaml").read_text() + "# unstaged edit\n")
    (repo.root / "notes.txt").write_text("untracked")
    before = (git(repo.root, "status", "--porcelain"), git(repo.root, "rev-parse", "HEAD"),
              git(repo.root, "symbolic-ref", "HEAD"), git(repo.root, "diff", "--cached"), git(repo.root, "diff"))
    repo.run("publish", check=True)
    after = (git(repo.root, "status", "--porcelain"), git(repo.root, "rev-parse", "HEAD"),
             git(repo.root, "symbolic-ref", "HEAD"), git(repo.root, "diff", "--cached"), git(repo.root, "diff"))
    assert after == before
    assert (repo.root / "notes.txt").read_text() == "untracked"
    # what was published is the working files as they are (the staged edit), like site-gen build
    assert "Staged edit." in git(repo.remote, "show", "gh-pages:events/launch/index.html")


def test_cname_and_base_url_from_the_config(repo):
    config = repo.root / "site.yaml"
    config.write_text(config.read_text().replace("base_url: https://example.org/",
                                                 "base_url: https://timeline.example.org/\ncname: timeline.example.org"))
    repo.run("publish", check=True)
    assert git(repo.remote, "show", "gh-pages:CNAME") == "timeline.example.org"
    assert "https://timeline.example.org/events/launch/" in git(repo.remote, "show", "gh-pages:sitemap.xml")


def test_refuses_to_overwrite_remote_commits_it_does_not_have(repo, tmp_path):
    repo.run("publish", check=True)
    # someone replaces the remote's gh-pages with an unrelated history
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(repo.remote), str(other))
    git(other, "checkout", "-q", "--orphan", "elsewhere")
    (other / "index.html").write_text("someone else's site")
    git(other, "add", "index.html")
    git(other, "commit", "-q", "-m", "Theirs")
    git(other, "push", "-q", "--force", "origin", "elsewhere:gh-pages")
    theirs = git(repo.remote, "rev-parse", "gh-pages")
    local = git(repo.root, "rev-parse", "gh-pages")
    repo.event("reply", date="2026-01-05")
    refused = repo.run("publish")
    assert refused.returncode == 1
    assert "has commits this repository does not have" in refused.stderr and "--force" in refused.stderr
    assert git(repo.remote, "rev-parse", "gh-pages") == theirs
    assert git(repo.root, "rev-parse", "gh-pages") == local
    repo.run("publish", "--force", check=True)
    assert "events/reply/index.html" in remote_files(repo.remote)
    assert git(repo.remote, "rev-parse", "gh-pages") == git(repo.root, "rev-parse", "gh-pages")


def test_builds_on_top_of_what_another_clone_published(repo, tmp_path):
    repo.run("publish", check=True)
    git(repo.root, "push", "-q", "origin", "main")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo.remote), str(clone))  # no local gh-pages branch in the clone
    git(clone, "checkout", "-q", "main")
    (clone / "content/events/launch.md").write_text(
        (clone / "content/events/launch.md").read_text().replace("Body text.", "From the clone."))
    result = subprocess.run([sys.executable, "-m", "site_gen", "publish"], cwd=clone, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert commit_count(repo.remote) == 2
    # the first repository's next publish builds on the clone's commit instead of overwriting it
    repo.event("reply", date="2026-01-05")
    repo.run("publish", check=True)
    assert commit_count(repo.remote) == 3


def test_failures_are_clear_and_change_nothing(repo, tmp_path):
    no_remote = repo.run("publish", "--remote", "upstream")
    assert no_remote.returncode == 1
    assert "no git remote named 'upstream' (remotes: origin)" in no_remote.stderr

    hook = repo.remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'pushes are closed today' >&2\nexit 1\n")
    hook.chmod(0o755)
    rejected = repo.run("publish")
    assert rejected.returncode == 1
    assert "the push to origin was rejected; nothing was changed" in rejected.stderr
    assert "pushes are closed today" in rejected.stderr
    assert subprocess.run(["git", "rev-parse", "--verify", "--quiet", "refs/heads/gh-pages"], cwd=repo.root,
                          capture_output=True).returncode != 0  # the local branch was not created either
    hook.unlink()
    assert repo.run("publish").returncode == 0


def test_outside_a_git_repository(project, tmp_path):
    project.event("launch")
    result = project.run("publish")
    assert result.returncode == 1
    assert "is not in a git repository" in result.stderr
