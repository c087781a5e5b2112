"""Save-to-reload latency of `site-gen serve`: file written → the open browser tab has loaded the change.

    python bench/reload_latency.py                 # the bundled timeline
    python bench/reload_latency.py --events 1000   # a synthetic corpus (bench/corpus.py)
    python bench/reload_latency.py --events 1000 --languages --kind translation body
                                                   # in three languages: a Korean translation's edits too

Starts a real preview server on loopback and drives Debian's Chromium with Playwright. Prints
the median, minimum and maximum of several edits, and the server's own rebuild times.
"""
from __future__ import annotations

import argparse
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import REPO, make_corpus  # noqa: E402

sys.path.insert(0, str(REPO))
from site_gen.translations import translation_parts  # noqa: E402


def start_server(folder: Path) -> tuple[subprocess.Popen, list[str], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "site_gen", "serve", "--port", str(port)], cwd=folder,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(line.rstrip() for line in process.stdout), daemon=True).start()
    deadline = time.monotonic() + 300
    while not any("Serving the preview at" in line for line in lines):
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("server did not start:\n" + "\n".join(lines))
        time.sleep(0.05)
    url = re.search(r"(http://\S+)", next(l for l in lines if "Serving" in l)).group(1)
    return process, lines, url


def edited(original: str, kind: str, marker: str, attempt: int) -> str:
    """The entry with `marker` in its body ("body"), in its title ("title": the front matter changes, the
    timeline's shape does not), or in its title with its date moved within its day ("date": the shape
    changes, so the preview loads everything again); "translation": the body of its Korean translation."""
    if kind in ("body", "translation"):
        return original.replace("\n---\n", f"\n---\n{marker}\n\n", 1)
    text = re.sub(r"^title: (.*)$", lambda m: f"title: {marker} {m[1]}", original, count=1, flags=re.M)
    if kind == "date":
        text = re.sub(r"^date: (\d{4}-\d\d-\d\d)\S*", lambda m: f"date: {m[1]}T{attempt % 10:02d}:15+09:00", text,
                      count=1, flags=re.M)
    return text


def measure(folder: Path, edits: int, kinds: tuple[str, ...] = ("body",)) -> dict:
    """For each kind of edit (see edited), `edits` saves of the middle entry while Chromium shows its page:
    {kind: {"latencies": [s], "rebuilds": [s, as the server logged them], "page_loads": [s, from the
    reload's start to the page's load event]}}. Saves are a second apart, as an
    editor's are at the quickest: the server tidies its memory when idle, between them."""
    entries = [path for path in sorted((folder / "content" / "events").glob("*.md"))
               if not translation_parts(path.name)]
    # The middle entry; on a site in several languages, the middle one translated into Korean.
    translated = [path for path in entries if path.with_suffix(".ko.md").exists()] or entries
    target = translated[len(translated) // 2]
    files = {kind: target.with_suffix(".ko.md") if kind == "translation" else target for kind in kinds}
    originals = {path: path.read_text(encoding="utf-8") for path in files.values()}
    process, lines, url = start_server(folder)
    results = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                                 args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page()
            for kind in kinds:
                page.goto(f"{url}{'ko/' if kind == 'translation' else ''}events/{target.stem}/")
                latencies, page_loads = [], []
                logged = len(lines)
                for attempt in range(edits):
                    page.wait_for_function("() => window.LiveReload && window.LiveReload.connector._isSocketConnected()")
                    marker = f"Latency marker {kind} {attempt}."
                    saved = time.time()
                    files[kind].write_text(edited(originals[files[kind]], kind, marker, attempt), encoding="utf-8")
                    shown = page.locator(".body" if kind in ("body", "translation") else "h1", has_text=marker)
                    shown.wait_for(timeout=60000)
                    # Playwright polls less and less often (up to every 500 ms) while it waits, so the
                    # moment it notices is not the moment the page changed: the reloaded page's own clock
                    # says when it had loaded (the same system clock as time.time()).
                    page.wait_for_load_state("load")
                    started, loaded = page.evaluate(
                        "() => [performance.timing.navigationStart, performance.timing.loadEventEnd]")
                    latencies.append(loaded / 1000 - saved)
                    page_loads.append((loaded - started) / 1000)  # the part the browser spends loading
                    time.sleep(1.0)
                rebuilds = [float(m.group(1)) for line in lines[logged:]
                            if line.startswith("Changed") and (m := re.search(r"Built \d+ events in ([\d.]+) s", line))]
                results[kind] = {"latencies": latencies, "rebuilds": rebuilds, "page_loads": page_loads}
                files[kind].write_text(originals[files[kind]], encoding="utf-8")
                time.sleep(1.0)
            browser.close()
    finally:
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")
        memory = server_memory(process.pid)
        process.terminate()
        process.wait(timeout=10)
    return {"entries": len(entries), **results, **memory}


def server_memory(pid: int) -> dict:
    """The server process's own peak and current resident memory in MB (Linux: /proc/PID/status), its
    first build's workers not counted: what the preview holds while it runs."""
    try:
        status = open(f"/proc/{pid}/status", encoding="ascii").read()
    except OSError:
        return {}
    kb = {m[1]: int(m[2]) for m in re.finditer(r"^(VmHWM|VmRSS):\s+(\d+) kB", status, flags=re.M)}
    return {"peak_mb": kb.get("VmHWM", 0) / 1024, "rss_mb": kb.get("VmRSS", 0) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=0, help="synthetic corpus size (0: the bundled timeline)")
    parser.add_argument("--edits", type=int, default=7)
    parser.add_argument("--languages", action="store_true", help="the corpus in English, Korean and Japanese")
    parser.add_argument("--kind", choices=["body", "title", "date", "translation"], nargs="+",
                        default=["body", "title", "date"],
                        help="what the edits change (default: each in turn but translation, which needs --languages)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "site"
        if args.events:
            make_corpus(folder, args.events, languages=args.languages)
        else:
            shutil.copytree(REPO, folder, ignore=shutil.ignore_patterns(".git", ".venv", "output", "__pycache__"))
        result = measure(folder, args.edits, tuple(args.kind))
    print(f"entries: {result['entries']}  edits: {args.edits} of each kind")
    if "peak_mb" in result:
        print(f"server memory MB: peak {result['peak_mb']:.0f}, at the end {result['rss_mb']:.0f}")
    for kind in args.kind:
        ms = [round(x * 1000) for x in result[kind]["latencies"]]
        rebuild_ms = [round(x * 1000) for x in result[kind]["rebuilds"]]
        print(f"{kind} edits, save-to-reload ms: median {statistics.median(ms)}, min {min(ms)}, max {max(ms)}  "
              f"(all: {ms})")
        if rebuild_ms:
            print(f"{kind} edits, server rebuild ms: median {statistics.median(rebuild_ms)}  (all: {rebuild_ms})")
        load_ms = [round(x * 1000) for x in result[kind]["page_loads"]]
        print(f"{kind} edits, browser reload to load event ms: median {statistics.median(load_ms)}  (all: {load_ms})")


if __name__ == "__main__":
    main()
