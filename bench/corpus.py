"""A deterministic synthetic corpus in site-gen's entry format, for benchmarks.

    python bench/corpus.py DIR --events 1000 [--languages]

writes DIR/site.yaml, DIR/templates (a copy of the repository's) and DIR/content/events/*.md:
bodies of about 300 words with headings, lists and links; figures, claims, sources,
responds_to threads; many tags and actors. With --languages, the site is in English, Korean and
Japanese, and every other event has a Korean and a Japanese translation (synthetic words; its title,
summary, claims and body). The same arguments always give the same bytes.
"""
from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
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


LANGUAGES = """languages:
  ko:
    name: 한국어
    title: 합성 연표
    categories: {provocation: {name: 도발}, response: {name: 대응}}
  ja:
    name: 日本語
    title: 合成年表
    categories: {provocation: {name: 挑発}, response: {name: 対応}}
"""
NATIVE = {"ko": "미사일 발사 사거리 성명 국방부 제재 정상회담 동맹 훈련 보고 분석 탄도 순항 극초음속".split(),
          "ja": "ミサイル 発射 射程 声明 防衛省 制裁 首脳会談 同盟 訓練 報告 分析 弾道 巡航 極超音速".split()}


def translation(rng: random.Random, lang: str, digest: str, claims: bool = True) -> str:
    """A translation of title, summary, body (and, with `claims`, the first claim) in words of `lang`."""
    def words(count: int) -> str:
        return " ".join(rng.choice(NATIVE[lang]) for _ in range(count))
    return "\n".join(["---", f'translated_from: "{digest}"', "machine_assisted: true", "reviewed: false",
                      f"title: {words(6)}", f"summary: {words(20)}",
                      *(["claims:", f"  - {{text: {words(8)}}}"] if claims else []),
                      "---", "", words(60), "", "## " + words(3), "", words(80), ""])


def make_corpus(folder: Path, events: int, seed: int = 2026, languages: bool = False) -> Path:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / "templates").exists():
        shutil.rmtree(folder / "templates")
    shutil.copytree(REPO / "templates", folder / "templates")
    actors = [f"actor-{i:02d}" for i in range(40)]
    config = (REPO / "site.yaml").read_text(encoding="utf-8").split("\nactors:")[0]
    # The bundled site's languages name its own actors: the corpus gives languages of its own, or none.
    config = re.sub(r"\nlanguages:\n(?: .*\n)*", "\n" + (LANGUAGES if languages else ""), config)
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
        if languages and index % 2 == 0:
            digest = original_digest(text)
            for lang in ("ko", "ja"):
                (target / f"{event_id}.{lang}.md").write_text(translation(rng, lang, digest), encoding="utf-8")
    return folder


def original_digest(text: str) -> str:
    sys.path.insert(0, str(REPO))
    import yaml  # noqa: PLC0415

    from site_gen.translations import words_digest  # noqa: PLC0415

    _, front, body = text.split("---\n", 2)
    return words_digest(yaml.safe_load(front), body)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--languages", action="store_true", help="English, Korean and Japanese, half translated")
    args = parser.parse_args()
    make_corpus(args.folder, args.events, languages=args.languages)
    print(f"Wrote {args.events} events to {args.folder}")
