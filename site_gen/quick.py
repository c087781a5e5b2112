"""Cache point 1 on its own: whether a build would find nothing changed, using only the standard library
and the manifest (no YAML, Markdown, Jinja or pydantic), so `site-gen build` with nothing to do starts
and stops in a fraction of the time importing the pipeline takes. build.build() starts here too.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from .manifest import Stored, code_version, read_inputs, unchanged
from .write import check_output_folder, recover


@dataclass
class Checked:
    """What the first look at a build found: the build goes on from here unless `finished`."""

    output: Path  # resolved
    version: str  # code_version()
    options: tuple
    manifest: Stored | None  # None without the cache
    inputs: dict  # read_inputs(): every input's status and digest ({} without the cache)
    finished: dict | None  # {"events", "pages", "warnings"} of the last build when nothing changed since
    started: float  # time.perf_counter() when the build began


def look(root: Path, output: Path, base_url: str | None, drafts: bool, use_cache: bool) -> Checked:
    started = time.perf_counter()
    output = output.resolve()
    check_output_folder(output, root)
    if output.parent.is_dir():
        recover(output)  # first, so even a build that fails leaves a site killed mid-swap put back
    version = code_version()
    manifest = Stored(root, "manifest", version) if use_cache else None
    options = (version, str(output), base_url, drafts)
    inputs: dict = {}
    finished = None
    if manifest:  # read before the build reads anything: a file saved meanwhile then differs
        last = manifest.read()
        inputs = read_inputs(root, last.get("inputs", {}))
        if nothing_changed(manifest, last, options, inputs, output):
            # the warnings too: a stale translation is still stale when nothing changed
            finished = {"events": last["events"], "pages": last["pages"], "warnings": last.get("warnings", [])}
    return Checked(output, version, options, manifest, inputs, finished, started)


def nothing_changed(manifest: Stored, last: dict, options: tuple, inputs: dict, output: Path) -> bool:
    """Whether the last build had these options and inputs, and left `output` as it is now."""
    if not unchanged(last, options, inputs, output):
        return False
    if inputs != last["inputs"]:
        manifest.write({**last, "inputs": inputs})  # new statuses, the same bytes
    return True
