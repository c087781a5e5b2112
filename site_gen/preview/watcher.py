"""The preview's file watcher, and the policy for Python's cycle collector that goes with it.

watchfiles (inotify) notices saves within milliseconds and groups a burst of saves into one rebuild
(livereload's own watcher polls every 800 ms and drops reloads within 3 s of the last). The collector
stays off from a rebuild until the watcher's next idle moment, so the browser is told to reload first.
"""
from __future__ import annotations

import gc
import threading
from pathlib import Path

import watchfiles

from ..manifest import read_inputs

CATCH_UP_ONE_BY_ONE = 100  # see saved_since_start


class Watcher:
    """Runs in a thread of its own: each batch of saves gives one `preview.rebuild`, then one reload of
    every tab; when idle, it collects what the rebuilds left behind (see collect)."""

    def __init__(self, preview):
        self.preview = preview
        self.stop = threading.Event()
        # What the next idle moment collects: "all" after a full or failed rebuild, "new" after an edit
        # taken in place, "" when nothing is owed.
        self.owed = ""
        self.inputs: dict | None = None  # every input file's status and digest, as the first build found them

    def rebuilt(self, in_place: bool) -> None:
        """Note a rebuild, and whether it took the edits in place, for the next idle moment."""
        self.owed = "new" if in_place and self.owed != "all" else "all"

    def paths(self) -> list[Path]:
        project = self.preview.project
        paths = [project.content_dir, project.templates_dir, project.config_file]
        return [p for p in paths if p.exists()]

    def watch(self) -> None:
        try:
            self._watch()
        finally:
            gc.enable()  # the collector is never left off (see below), whatever ended the watch

    def _watch(self) -> None:
        caught_up = False
        rebuilds_uncollected = 0
        for changes in watchfiles.watch(*self.paths(), debounce=400, step=30, stop_event=self.stop,
                                        rust_timeout=500, yield_on_timeout=True):
            if not changes:
                if self.owed:
                    self.collect()
                rebuilds_uncollected = 0
                if not caught_up:
                    caught_up = True
                    self.catch_up()
                continue
            names = sorted({Path(path).name for _, path in changes})
            # The collector stays off until the next idle moment (collect): turned on again right after a
            # rebuild, it would first walk the ~100,000 objects the rebuild made (~30 ms at 10,000 entries)
            # before the browser is told to reload. Saves that never pause get it every so often.
            if rebuilds_uncollected >= 5:
                self.collect()
                rebuilds_uncollected = 0
            rebuilds_uncollected += 1
            gc.disable()
            self.preview.rebuild(f"Changed {', '.join(names[:3])}{' …' if len(names) > 3 else ''}: ",
                                 changed={path for _, path in changes})
            self.preview.reload_tabs()

    def catch_up(self) -> None:
        """The watcher is live only now: build again what was saved while it was starting, unseen."""
        saved = self.saved_since_start()
        if saved is None or saved or self.preview.state.problems:  # a first build that failed is tried again
            gc.disable()  # as for any rebuild the watcher runs (see _watch)
            if self.preview.rebuild("Caught up: ", quiet_if_unchanged=True, changed=saved):
                self.preview.reload_tabs()

    def saved_since_start(self) -> set[str] | None:
        """The files that may have been saved since just before the first build, which the watcher, not
        yet started, did not see; None when files came or went, or many count (or there was no first
        look). A file counts unless its status was old enough to trust then (see manifest.read_inputs)
        and is the same now: a save changes it, even one put back as it was while the build read it.
        Looking costs ~70 ms at 10,000 entries, where building again, to be sure, took ~1 s and then a
        full collection."""
        if self.inputs is None:
            return None
        root = self.preview.project.root
        now = read_inputs(root, self.inputs)
        if now.keys() != self.inputs.keys():
            return None
        saved = {str(root / shown) for shown, found in now.items()
                 if self.inputs[shown][0] is None or found != self.inputs[shown]}
        # Many (a folder copied in just before starting): loading afresh reads only those whose bytes
        # changed, where taking them in one by one parses and checks each again.
        return saved if len(saved) <= CATCH_UP_ONE_BY_ONE else None

    def collect(self) -> None:
        """Free what rebuilds left behind, when the watcher is idle, not during a rebuild.

        After a full rebuild the previous timeline (a web of cycles, frozen with the rest) is garbage: all
        is unfrozen and collected, then what is left frozen again, so the collector's automatic passes
        skip the site and stay short. At 10,000 entries that pass takes ~0.4 s, and a save made while it
        runs waits for it. An edit taken from memory leaves cycles (the drawing helpers, with the cards
        they drew) that are not frozen, except those alive at the last full pass: collecting what is
        not frozen frees the others in a fifth of the time, and the frozen ones wait for the next full
        pass (at most one drawing's worth). The collector, off since the rebuild (see watch), is then
        turned on again."""
        if self.owed == "all":
            gc.unfreeze()
            gc.collect()
            gc.freeze()
        else:
            gc.collect()  # the frozen objects are skipped
        self.owed = ""
        gc.enable()
