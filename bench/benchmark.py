"""Build benchmark: prints medians for cold, no-change and one-entry rebuilds, memory and output size.

    python bench/benchmark.py --events 1000 10000 --runs 3
    python bench/benchmark.py --events 1000 --reload      # also the preview's save-to-reload latency
    python bench/benchmark.py --dir /dev/shm              # the corpus in memory: no disk in the figures
    python bench/benchmark.py --hugo --events 1000 10000  # paired cold builds against Hugo (bench extra)
    python bench/benchmark.py --hugo --languages          # ... and site-gen in three languages in each pair
    python bench/benchmark.py --events 1000 --languages   # each size in one language, then in three
    python bench/benchmark.py --startup --events 1000     # start-up: `--help` and a no-change build
    python bench/benchmark.py --bundled --languages       # also this repository's own site, in its three languages

Each size gets a deterministic corpus (bench/corpus.py). Every build runs `site-gen build` in a
fresh process, as a user would; a cold build has neither output/ nor .cache/ from an earlier one; "peak memory" is the largest resident set of the build and of
any worker it forked (from getrusage). Figures are medians of --runs runs; the machine is shared,
so compare ratios rather than single numbers.
"""
from __future__ import annotations

import argparse
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import REPO, make_corpus  # noqa: E402
from reload_latency import measure as reload_latency  # noqa: E402
import hugo_compare  # noqa: E402


def timed_build(folder: Path, *args: str) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one `site-gen build` in a new process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "site_gen", "build", *args], cwd=folder,
                            capture_output=True, text=True)
    took = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"build failed:\n{result.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KB; max over all children so far
    return took, max(peak, before) / 1024


def entries(folder: Path) -> list[Path]:
    """The entries, not their translations (<id>.<lang>.md)."""
    return sorted(p for p in (folder / "content/events").glob("*.md") if p.name.count(".") == 1)


def edit_body(folder: Path, n: int) -> None:
    path = entries(folder)[len(entries(folder)) // 2]
    text = path.read_text()
    path.write_text(text.replace("\n---\n", f"\n---\nEdited {n}.\n\n", 1))


def edit_date(folder: Path, n: int) -> None:
    """Move one entry to another time on its day: it changes places with its neighbours, and no
    response ever comes to precede what it answers."""
    path = entries(folder)[10]
    text = path.read_text()
    path.write_text(re.sub(r"^date: (\d{4}-\d\d-\d\d)\S*", lambda m: f"date: {m[1]}T{n % 24:02d}:30+09:00",
                           text, count=1, flags=re.M))


def median(values: list[float]) -> float:
    return statistics.median(values)


def bench(events: int, runs: int, reload: bool, where: str | None, languages: bool = False,
          bundled: bool = False) -> dict:
    """One row of the table: a corpus of `events`, or (`bundled`) a copy of this repository's own site."""
    with tempfile.TemporaryDirectory(dir=where) as tmp:
        if bundled:  # the checkout's site.yaml, content and templates; never its output/ or .cache/
            folder = Path(tmp) / "site"
            shutil.copytree(REPO, folder, ignore=shutil.ignore_patterns(".git", ".venv", "output", ".cache", "bench",
                                                                          "tests", "*.egg-info", "__pycache__"))
            events = len(entries(folder))
        else:
            folder = make_corpus(Path(tmp) / "site", events, languages=languages)
        cold, no_change, body, date, peaks = [], [], [], [], []
        for run in range(runs):
            shutil.rmtree(folder / "output", ignore_errors=True)
            shutil.rmtree(folder / ".cache", ignore_errors=True)  # cold: nothing parsed or drawn before
            took, peak = timed_build(folder)
            cold.append(took)
            peaks.append(peak)
            no_change.append(timed_build(folder)[0])
            edit_body(folder, run)
            body.append(timed_build(folder)[0])
            edit_date(folder, run)
            date.append(timed_build(folder)[0])
        size = sum(p.stat().st_size for p in (folder / "output").rglob("*") if p.is_file())
        files = sum(1 for p in (folder / "output").rglob("*") if p.is_file())
        index_kb = (folder / "output/index.html").stat().st_size / 1024
        result = {"events": events, "cold": median(cold), "no_change": median(no_change), "edit_body": median(body),
                  "edit_date": median(date), "peak_mb": max(peaks), "output_mb": size / 2**20, "files": files,
                  "index_kb": index_kb}
        if reload:
            measured = reload_latency(folder, 7, KINDS)
            for kind in KINDS:
                result[f"reload_{kind}_ms"] = median(measured[kind]["latencies"]) * 1000
                result[f"rebuild_{kind}_ms"] = median(measured[kind]["rebuilds"]) * 1000
        return result


KINDS = ("body", "title", "date")  # see reload_latency.edited


def import_rows(folder: Path, *command: str) -> list[list[str]]:
    result = subprocess.run([sys.executable, "-X", "importtime", *command], cwd=folder, capture_output=True, text=True)
    return [line.split("|") for line in result.stderr.splitlines() if line.startswith("import time:")][1:]


def imported(folder: Path, *args: str) -> tuple[float, list[str], int]:
    """`site-gen ARGS` under `python -X importtime`: its import seconds, the packages from outside the
    standard library it loaded, and the number of modules; what Python itself loads to run nothing
    (`python -c pass`: site, sitecustomize) left out."""
    python_itself = {row[2] for row in import_rows(folder, "-c", "pass")}
    rows = [row for row in import_rows(folder, "-m", "site_gen", *args) if row[2] not in python_itself]
    names = [row[2].strip() for row in rows]
    top = [int(row[1]) for row in rows if not row[2].startswith("  ")]  # cumulative µs of top-level imports
    outside = sorted({n.split(".")[0] for n in names if n.split(".")[0] not in sys.stdlib_module_names
                      and not n.startswith(("_", "site_gen", "encodings", "org"))})  # org: copy's Jython probe
    return sum(top) / 1e6, outside, len(names)


def startup(sizes: list[int], runs: int, where: str | None) -> None:
    """Wall time (median of `runs` fresh processes) of `site-gen --help` and of a build that finds nothing
    changed, on the bundled site and on corpora of each size, and what each imports."""
    runs = max(runs, 5)
    print("| command | site | wall s (median) | imports s | modules | packages from outside the standard library |")
    print("|---|---|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory(dir=where) as tmp:
        sites = [("bundled", Path(tmp) / "bundled")]
        sites[0][1].mkdir()
        for part in ("site.yaml", "content", "templates"):
            (shutil.copytree if (REPO / part).is_dir() else shutil.copy2)(REPO / part, sites[0][1] / part)
        sites += [(f"{n:,} events", make_corpus(Path(tmp) / f"c{n}", n)) for n in sizes]
        help_times = [timed_run(sites[0][1], "--help") for _ in range(runs)]
        seconds, outside, count = imported(sites[0][1], "--help")
        print(f"| `site-gen --help` | – | {median(help_times):.3f} | {seconds:.3f} | {count} | "
              f"{', '.join(outside) or 'none'} |", flush=True)
        for name, folder in sites:
            timed_build(folder)
            times = [timed_build(folder)[0] for _ in range(runs)]
            seconds, outside, count = imported(folder, "build")
            print(f"| `site-gen build`, nothing changed | {name} | {median(times):.3f} | {seconds:.3f} | {count} | "
                  f"{', '.join(outside) or 'none'} |", flush=True)


def timed_run(folder: Path, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "site_gen", *args], cwd=folder, capture_output=True, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[1000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reload", action="store_true", help="also measure the preview's save-to-reload latency")
    parser.add_argument("--dir", help="where to make the corpus (default: the system's temporary folder)")
    parser.add_argument("--hugo", action="store_true",
                        help="instead, compare cold builds with Hugo's on the same work (bench/hugo_compare.py)")
    parser.add_argument("--languages", action="store_true",
                        help="each size twice: in one language, then in three (half the events translated); "
                             "with --hugo, site-gen in three languages too in each pair")
    parser.add_argument("--bundled", action="store_true",
                        help="also this repository's own site (its events in every language of site.yaml)")
    parser.add_argument("--startup", action="store_true",
                        help="instead, time `site-gen --help` and a no-change build, and list what they import")
    args = parser.parse_args()
    if args.startup:
        return startup(args.events, args.runs, args.dir)
    if args.hugo:
        return hugo_compare.report(args.events, args.runs, args.dir, args.languages)
    print("| events |" + (" languages |" if args.languages else "") + " cold build s | no-change rebuild s | one body edited s | one date changed s | "
          "peak memory MB | output MB (files) | index KB |" + "".join(
              f" preview, {kind} edit: save-to-reload ms (rebuild ms) |" for kind in KINDS if args.reload))
    print("|---:|---:|---:|---:|---:|---:|---:|---:|" + ("---:|" if args.languages else "")
          + ("---:|" * len(KINDS) if args.reload else ""))
    rows = [(n, three, False) for n in args.events for three in ((False, True) if args.languages else (False,))]
    for events, languages, bundled in rows + ([(0, True, True)] if args.bundled else []):
        r = bench(events, args.runs, args.reload, args.dir, languages, bundled)
        line = (f"| {'bundled site, ' if bundled else ''}{r['events']:,} |"
                + ((" 3 |" if languages else " 1 |") if args.languages else "")
                + f" {r['cold']:.2f} | {r['no_change']:.2f} | {r['edit_body']:.2f} | "
                f"{r['edit_date']:.2f} | {r['peak_mb']:.0f} | {r['output_mb']:.0f} ({r['files']:,}) | "
                f"{r['index_kb']:.0f} |")
        if args.reload:
            line += "".join(f" {r[f'reload_{kind}_ms']:.0f} ({r[f'rebuild_{kind}_ms']:.0f}) |" for kind in KINDS)
        print(line, flush=True)


if __name__ == "__main__":
    main()
