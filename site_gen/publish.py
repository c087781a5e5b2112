"""`site-gen publish`: build, commit the site to the gh-pages branch, push it.

The commit is made with git's plumbing and a throw-away index, from a folder outside the work
tree, so the current branch, the index and uncommitted work are never touched. Nothing changes
on failure: the local gh-pages branch moves only after the push succeeds.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .build import Builder, Project
from .write import MARKER


class PublishError(Exception):
    """Publishing cannot go on; the message says why and what to do. Nothing was changed."""


@dataclass(frozen=True)
class PublishResult:
    commit: str | None  # None when the site had not changed
    files: int
    pushed: bool


def git(repo: Path, *args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                            env={**os.environ, **(env or {})})
    if check and result.returncode != 0:
        raise PublishError(f"git {' '.join(args)} failed: {(result.stderr or result.stdout).strip()}")
    return result


def rev(repo: Path, ref: str) -> str | None:
    result = git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
    return result.stdout.strip() or None


def site_files(project: Project, base_url: str | None) -> tuple[dict[str, bytes], str]:
    timeline, files = Builder(project, base_url=base_url).render()
    config = timeline.config
    files[".nojekyll"] = b""  # GitHub Pages would otherwise run Jekyll, which skips some files
    if config.cname:
        files["CNAME"] = config.cname.strip().encode() + b"\n"
    files.pop(MARKER, None)
    return files, config.base_url


def tree_of(repo: Path, files: dict[str, bytes]) -> str:
    """Write the files as a git tree object, through a temporary index and folder, and return its id."""
    with tempfile.TemporaryDirectory(prefix="site-gen-publish-") as tmp:
        site = Path(tmp) / "site"
        for rel, data in files.items():
            target = site / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index"), "GIT_WORK_TREE": str(site)}
        git(repo, "add", "--all", "--force", ".", env=env)  # --force: the user's ignore rules are not the site's
        return git(repo, "write-tree", env=env).stdout.strip()


TRACKING = "refs/site-gen/publish-remote-head"


def is_ancestor(repo: Path, older: str, newer: str) -> bool:
    return git(repo, "merge-base", "--is-ancestor", older, newer, check=False).returncode == 0


def choose_parent(repo: Path, local: str | None, remote: str | None, force: bool, name: str) -> str | None:
    """What the new commit builds on: never a history that would drop the remote's commits, unless forced."""
    if force or remote is None:
        return local
    if local is None or is_ancestor(repo, local, remote):
        return remote  # a fresh clone, or someone published since: build on top of what is there
    if is_ancestor(repo, remote, local):
        return local
    raise PublishError(f"{name} has commits this repository does not have, and publishing would overwrite "
                       f"them. Look at them (git log {remote[:12]}), or replace them with --force")


def publish(project: Project, remote: str = "origin", branch: str = "gh-pages", message: str | None = None,
            force: bool = False, base_url: str | None = None) -> PublishResult:
    inside = git(project.root, "rev-parse", "--show-toplevel", check=False)
    if inside.returncode != 0:
        raise PublishError(f"{project.root} is not in a git repository: run `git init` and add a remote first")
    repo = Path(inside.stdout.strip())
    if git(repo, "remote", "get-url", remote, check=False).returncode != 0:
        known = git(repo, "remote").stdout.split()
        raise PublishError(f"no git remote named {remote!r}" + (f" (remotes: {', '.join(known)})" if known else "")
                           + f": add one with `git remote add {remote} URL` or choose one with --remote")

    files, published_url = site_files(project, base_url)
    ref = f"refs/heads/{branch}"
    fetched = git(repo, "fetch", "--quiet", "--no-write-fetch-head", remote, f"+{ref}:{TRACKING}", check=False)
    if fetched.returncode != 0 and "couldn't find remote ref" not in fetched.stderr:
        raise PublishError(f"could not fetch {branch} from {remote}: {fetched.stderr.strip()}")
    remote_head = rev(repo, TRACKING) if fetched.returncode == 0 else None
    git(repo, "update-ref", "-d", TRACKING, check=False)  # the objects stay; no ref is left behind
    local_head = rev(repo, ref)
    parent = choose_parent(repo, local_head, remote_head, force, f"{remote}/{branch}")

    tree = tree_of(repo, files)
    commit = None
    if parent is None or git(repo, "rev-parse", f"{parent}^{{tree}}").stdout.strip() != tree:
        text = message or f"Publish site ({len(files)} files) for {published_url}"
        args = ["commit-tree", tree, "-m", text] + (["-p", parent] if parent else [])
        commit = git(repo, *args).stdout.strip()
    new_head = commit or parent

    pushed = False
    if new_head and new_head != remote_head:
        push = git(repo, "push", "--porcelain", *(["--force"] if force else []), remote, f"{new_head}:{ref}",
                   check=False)
        if push.returncode != 0:
            raise PublishError(f"the push to {remote} was rejected; nothing was changed: "
                               f"{(push.stderr or push.stdout).strip()}")
        pushed = True
    if new_head and new_head != local_head:
        git(repo, "update-ref", "-m", "site-gen publish", ref, new_head, *([local_head] if local_head else []))
    return PublishResult(commit, len(files), pushed)
