"""A deterministic synthetic corpus in site-gen's entry format, for benchmarks.

    python bench/corpus.py DIR --events 1000

writes DIR/site.yaml, DIR/templates (a copy of the repository's) and DIR/content/events/*.md:
bodies of about 300 words with headings, lists and links; figures, claims, sources,
responds_to threads; many tags and actors. The same arguments always give the same bytes.
"""
from __future__ import annotations

import argparse
import random
import shutil
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORDS = ("missile launch range apogee statement ministry defense council sanctions summit talks "
         "alliance drill carrier report analysts trajectory hypersonic cruise ballistic coast peninsula "
         "envoy dialogue treaty resolution deterrence nuclear test site satellite vessel border").split()
CATEGORIES = ["provocation", "statement", "response", "sanctions", "summit", "diplomacy"]


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def body(rng: random.Random, index: int) -> str:
    parts = [sentence(rng, 40), "", "## What was reported", "", sentence(rng, 45) + " See the "
             f"[report](https://example.com/reports/{index}) for details.", ""]
    parts += [f"- {sentence(rng, 12)}" for _ in range(4)]
    parts += ["", "## Reactions", "", sentence(rng, 50), "", sentence(rng, 50), ""]
    parts += [f"1. {sentence(rng, 10)}" for _ in range(3)]
    return "\n".join(parts) + "\n"


def entry(rng: random.Random, index: int, day: date, earlier: list[str], actors: list[str]) -> tuple[str, str]:
    event_id = f"{day.isoformat()}-event-{index:05d}"
    category = CATEGORIES[index % len(CATEGORIES)]
    tags = sorted({f"tag-{rng.randrange(200):03d}" for _ in range(3)})
    chosen = sorted({rng.choice(actors) for _ in range(2)})
    responds = sorted({rng.choice(earlier[-30:]) for _ in range(rng.randrange(1, 3))}) if earlier and index % 3 else []
    hour = rng.randrange(24)
    when = f"{day.isoformat()}T{hour:02d}:{rng.randrange(60):02d}+09:00" if index % 2 else day.isoformat()
    lines = [
        "---",
        f"title: Synthetic event {index} about {rng.choice(WORDS)} and {rng.choice(WORDS)}",
        f"date: {when}",
        f"category: {category}",
        f"actors: [{', '.join(chosen)}]",
        f"location: {{name: Place {index % 50}, lat: {37 + rng.random() * 5:.4f}, lon: {124 + rng.random() * 6:.4f}}}",
        f"summary: {sentence(rng, 20)}",
        f"tags: [{', '.join(tags)}]",
        "figures:",
        f"  - {{what: range, value: {rng.randrange(100, 2000)}, unit: km, by: Agency A, approximate: true}}",
        f"  - {{what: range, value: {rng.randrange(100, 2000)}, unit: km, by: Agency B}}",
        "claims:",
        f"  - {{text: {sentence(rng, 8)}, by: Agency B, status: {rng.choice(['disputed', 'unverified'])}}}",
        f"responds_to: [{', '.join(responds)}]",
        "sources:",
        f"  - {{publisher: Wire {index % 7}, title: Report {index}, url: 'https://example.com/r/{index}', "
        f"date: {day.isoformat()}}}",
        f"  - {{publisher: Paper {index % 5}, title: Analysis {index}, url: 'https://example.org/a/{index}'}}",
        "---",
        body(rng, index),
    ]
    return event_id, "\n".join(lines)


def make_corpus(folder: Path, events: int, seed: int = 2026) -> Path:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / "templates").exists():
        shutil.rmtree(folder / "templates")
    shutil.copytree(REPO / "templates", folder / "templates")
    actors = [f"actor-{i:02d}" for i in range(40)]
    config = (REPO / "site.yaml").read_text(encoding="utf-8").split("\nactors:")[0]
    config += "\nactors:\n" + "".join(f"  {a}: {{name: Actor {a[-2:]}}}\n" for a in actors)
    (folder / "site.yaml").write_text(config, encoding="utf-8")
    target = folder / "content" / "events"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    start = date(2000, 1, 1)
    span = max(events // 3, 1)  # about three events a day, so days, months and years all fill up
    earlier: list[str] = []
    for index in range(events):
        day = start + timedelta(days=index * 365 * 25 // (span * 3) if events > 1 else 0)
        event_id, text = entry(rng, index, day, earlier, actors)
        (target / f"{event_id}.md").write_text(text, encoding="utf-8")
        earlier.append(event_id)
    return folder


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--events", type=int, default=1000)
    args = parser.parse_args()
    make_corpus(args.folder, args.events)
    print(f"Wrote {args.events} events to {args.folder}")
