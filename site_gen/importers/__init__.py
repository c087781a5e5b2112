"""`site-gen import`: other timelines' data → entry files, never overwriting one.

Shared here: what counts as an unknown value, slugs, figures with units, summaries, and the Writer,
which checks each entry as the build would, writes it with mode "x" and reports every row.
"""
from __future__ import annotations

import difflib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from .. import content, validate
from ..build import Project, load_config
from ..model import SiteConfig
from ..problems import UsageError


class InputError(Exception):
    """The input file cannot be read at all; nothing was imported."""


# Spreadsheets say "nothing known" in many ways; none of them is a value worth writing down.
UNKNOWN = frozenset({"", "unknown", "unk", "n/a", "na", "n.a.", "none", "nil", "null", "-", "--", "—", "–",
                     "?", "not applicable", "not available", "tbd", "unconfirmed location"})


def present(value: object) -> object | None:
    """The value, stripped; None when it is empty or says it is unknown."""
    if value is None:
        return None
    if isinstance(value, str):
        text = " ".join(value.split())
        return None if text.lower() in UNKNOWN else text
    return value


def text_of(value: object) -> str | None:
    """A cell as text (a whole number without '.0', as spreadsheets give F1 = 123.0), or None."""
    value = present(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return None if value is None else str(value)


def slugify(text: str, limit: int = 60) -> str:
    """Lowercase ASCII letters, digits and single hyphens, cut at a word boundary within `limit`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word[:limit]
        if len(candidate) > limit:
            break
        slug = candidate
    return slug


_FIGURE = re.compile(r"(?P<about>approx(?:imately|\.)?|about|around|ca?\.|~|est\.)?\s*"
                     r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<unit>[^\d\s].*)?", re.I)
_UNITS = {"kilometers": "km", "kilometres": "km", "kilometer": "km", "kilometre": "km", "kms": "km"}


def parse_figure(value: object, what: str, by: str) -> dict | None:
    """'7,687.5 km' → {what, value: 7687.5, unit: km, by}; None when it is not one number (a range, a word)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number, unit, about = value, "", False
    else:
        match = _FIGURE.fullmatch(str(value).strip())
        if not match:
            return None
        number = float(match["number"].replace(",", ""))
        unit = (match["unit"] or "").strip()
        unit = _UNITS.get(unit.lower(), unit)
        about = bool(match["about"])
        if unit and not re.fullmatch(r"[A-Za-z]+\.?", unit):
            return None  # "500-600 km", "1000 km (est.)": not a single number with a unit
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    figure = {"what": what, "value": number, "unit": unit.rstrip("."), "by": by}
    if about:
        figure["approximate"] = True
    return figure


def host_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def is_http_url(url: object) -> bool:
    if not isinstance(url, str):
        return False
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def first_sentence(text: str, limit: int = 300) -> str:
    """The first sentence of plain text, cut at a word within `limit` characters."""
    text = " ".join(text.split())
    # A sentence ends at . ! or ? followed by a space and anything but a lowercase letter ("U.S. forces"
    # stays whole; Hangul has no case, so it ends there).
    match = re.search(r"[.!?][\"'”’)]?(?=\s+[^\sa-z])", text)
    sentence = text[: match.end()] if match else text
    if len(sentence) > limit:
        sentence = sentence[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return sentence


class _HTMLText(HTMLParser):
    """Plain text and links of an HTML fragment, by the standard library's parser."""

    BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr",
              "td", "th", "table", "section", "article", "hr", "figure", "figcaption", "pre"}
    HIDDEN = {"script", "style", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[str, str]] = []  # (href, link text)
        self._link: tuple[str, list[str]] | None = None
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append(" ")
        elif tag == "a":
            self._link = ((dict(attrs).get("href") or "").strip(), [])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append(" ")
        elif tag == "a" and self._link is not None:
            href, words = self._link
            self.links.append((href, " ".join("".join(words).split())))
            self._link = None

    def handle_data(self, data):
        if self._hidden:
            return
        self.parts.append(data)
        if self._link is not None:
            self._link[1].append(data)


def html_text_and_links(fragment: str) -> tuple[str, list[tuple[str, str]]]:
    parser = _HTMLText()
    parser.feed(fragment or "")
    parser.close()
    return " ".join("".join(parser.parts).split()), parser.links


class _Dumper(yaml.SafeDumper):
    """Readable front matter: dates unquoted (the site's loader keeps them as text), nested lists
    indented as in the README, short lists of words on one line."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


_Dumper.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
}
_Dumper.add_representer(list, lambda dumper, items: dumper.represent_sequence(
    "tag:yaml.org,2002:seq", items, flow_style=all(isinstance(i, str) for i in items)))


def entry_text(front: dict, body: str) -> str:
    yaml_text = yaml.dump(front, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{yaml_text}---\n{body.strip()}\n"


def check_choices(config: SiteConfig, category: str, actors: list[str]) -> None:
    """Options naming a category or actor must name one site.yaml defines (a usage error otherwise)."""
    if category not in config.categories:
        raise UsageError(f"--category: unknown category {category!r} (site.yaml defines: "
                         f"{', '.join(config.categories)})")
    for actor in actors:
        if actor not in config.actors:
            raise UsageError(f"--actor: unknown actor {actor!r} (site.yaml defines: "
                             f"{', '.join(config.actors) or 'none'})")


@dataclass
class Entry:
    where: str  # the row it came from, for the report
    stem: str  # the file name without .md, also the event's id
    front: dict
    body: str
    record_key: str | None = None  # e.g. "cns-123": an entry whose file name carries it is the same record
    notes: list[str] = field(default_factory=list)
    translations: dict[str, dict] = field(default_factory=dict)  # language → its words (and "body")


OUTCOMES = ("created", "updated", "merged", "unchanged", "rejected", "conflict", "skipped")


def _words(title: str) -> str:
    return " ".join(re.findall(r"\w+", title.lower()))


class Writer:
    """Files each row as exactly one outcome and reports it: created, updated (with update=True, only
    when the content changed), unchanged, rejected (why), conflict (an entry with its id holds other
    content) or skipped (the mapping says the row is not an event). Nothing is overwritten without
    update=True; with dry_run=True nothing is written at all."""

    def __init__(self, project: Project, update: bool = False, dry_run: bool = False):
        self.project, self.update, self.dry_run = project, update, dry_run
        self.config = load_config(project)
        raws, _ = content.load_folder(project.events_dir, project.root)
        folder = project.events_dir
        self.existing: dict[str, Path] = {p.stem: p for p in sorted(folder.rglob("*.md"))} if folder.is_dir() else {}
        for raw in raws:
            if isinstance(raw.front.get("id"), str):
                self.existing.setdefault(raw.front["id"], project.root / raw.file)
        self.raws = raws
        self.known = [(raw.file, str(raw.front.get("date", ""))[:10], _words(str(raw.front.get("title", ""))),
                       {s.get("url") for s in raw.front.get("sources") or [] if isinstance(s, dict)})
                      for raw in raws]
        self.claimed: dict[str, str] = {}  # id → the row of this import that has it
        self.planned: set[str] = set()  # the ids every row of this import asks for
        self.created: list[tuple[str, Entry]] = []  # (file shown, entry), for the duplicate warnings
        self.counts = dict.fromkeys(OUTCOMES, 0)
        self.merging = False  # the mapping merges rows into editors' entries (its report counts merges)

    def _outcome(self, outcome: str, where: str, message: str) -> None:
        self.counts[outcome] += 1
        print(f"{'would be ' if self.dry_run and outcome in ('created', 'updated', 'merged') else ''}{outcome} {where}: {message}")

    def reject(self, where: str, reason: str) -> None:
        self._outcome("rejected", where, reason)

    def skip(self, where: str, reason: str) -> None:
        self._outcome("skipped", where, reason)

    def _problems(self, text: str, shown: str) -> list[str]:
        # Checked exactly as the build will read it, so no imported entry can break the build.
        raw, problem = content.parse_entry(text, shown)
        problems = [problem] if problem else []
        if raw is not None:
            problems += validate.validate_events([raw], self.config, self.project.root / "content")[1]
        # Checked alone, an entry cannot see the others: what it responds to may exist, or come in this import.
        targets = raw.front.get("responds_to") if raw is not None else None
        known = set(self.existing) | self.planned
        problems = [p for p in problems if not (
            p.field.startswith("responds_to[") and p.message.startswith("no event has the id")
            and isinstance(targets, list) and targets[int(p.field[12:-1])] in known)]
        return [f"{p.field}: {p.message}" if p.field else p.message for p in problems]

    def _target(self, entry: Entry) -> tuple[Path | None, str]:
        """The existing file this entry is (by id, or by record key), and how it was found."""
        if entry.stem in self.existing:
            return self.existing[entry.stem], ""
        if entry.record_key:
            # A row corrected in the source since the last import gets another title; its key still matches.
            same = re.compile(rf"\d{{4}}(?:-\d{{2}}){{0,2}}-{re.escape(entry.record_key)}(?:-.*)?")
            earlier = sorted(stem for stem in self.existing if same.fullmatch(stem))
            if earlier:
                return self.existing[earlier[0]], f"record {entry.record_key} was imported as {earlier[0]}; "
        return None, ""

    def write(self, entry: Entry) -> str:
        stem, n = entry.stem, 2
        while stem in self.claimed:  # two rows, one id: the later gets a suffix, the same on every import
            stem, n = f"{entry.stem}-{n}", n + 1
        if stem != entry.stem:
            entry.notes.append(f"{entry.stem} is the id of {self.claimed[entry.stem]} too: this row is {stem}")
            entry.stem = stem
        path, found = self._target(entry)
        path = path or self.project.events_dir / f"{entry.stem}.md"
        shown = content.display_path(path, self.project.root)
        text = entry_text(entry.front, entry.body)
        problems = self._problems(text, shown)
        if problems:
            self.reject(entry.where, "; ".join(problems))
            return "rejected"
        self.claimed[entry.stem] = entry.where
        outcome = "created"
        if path.exists():
            if path.read_text(encoding="utf-8", errors="replace") == text:
                self._outcome("unchanged", entry.where, f"{found}{shown} already exists with the same content")
                self.write_translations(entry)
                return "unchanged"
            if not self.update:
                self._outcome("conflict", entry.where, f"{found}{shown} already exists with other content "
                                                       "(give --update to replace it)")
                return "conflict"
            outcome = "updated"
        if not self.dry_run:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.import")
            temporary.write_text(text, encoding="utf-8")
            if outcome == "created":
                try:  # never over a file that appeared meanwhile
                    os.link(temporary, path)
                except FileExistsError:
                    temporary.unlink()
                    self._outcome("conflict", entry.where, f"{shown} appeared while importing")
                    return "conflict"
                temporary.unlink()
            else:
                os.replace(temporary, path)
        self._outcome(outcome, entry.where, f"{shown}")
        self.write_translations(entry)
        for message in entry.notes:
            print(f"  note ({entry.where}): {message}")
        if outcome == "created":
            self.created.append((shown, entry))
        return outcome

    def _save(self, path: Path, text: str) -> None:
        """Replace a file's text at once (a reader never sees half a file)."""
        if self.dry_run:
            return
        temporary = path.with_name(f".{path.name}.import")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)

    def write_translations(self, entry: Entry) -> None:
        """`<id>.<lang>.md` beside the entry: its words in each language, stamped with the version of the
        English words they render (site_gen.translations), machine-made and not reviewed."""
        from .merge import digest  # noqa: PLC0415

        if not entry.translations:
            return
        original = entry_text(entry.front, entry.body)
        for lang, words in entry.translations.items():
            path = self.project.events_dir / f"{entry.stem}.{lang}.md"
            front = {"translated_from": digest(original), "machine_assisted": True, "reviewed": False,
                     **{k: v for k, v in words.items() if k != "body"}}
            text = entry_text(front, str(words.get("body", "")))
            if path.exists() and path.read_text(encoding="utf-8", errors="replace") == text:
                continue
            if path.exists() and not self.update:
                print(f"  note ({entry.where}): {content.display_path(path, self.project.root)} has other content "
                      "(give --update to replace it)")
                continue
            if not self.dry_run:
                path.parent.mkdir(parents=True, exist_ok=True)
            self._save(path, text)
            print(f"  {'would write' if self.dry_run else 'wrote'} {content.display_path(path, self.project.root)}")

    def cover(self, entry: Entry, merge: dict) -> Path | None:
        """An entry the editors wrote (not one this import makes) on the same local day, of the merge's
        category and sharing one of its tags: it already covers the row."""
        day = str(entry.front.get("date", ""))[:10]
        wanted = set(merge.get("tags") or [])
        for raw in self.raws:
            stem = Path(raw.file).stem
            if stem in self.planned or str(raw.front.get("date", ""))[:10] != day:
                continue
            tags = raw.front.get("tags") if isinstance(raw.front.get("tags"), list) else []
            if raw.front.get("category") == merge["category"] and (not wanted or wanted & set(tags)):
                return self.project.root / raw.file
        return None

    def merge(self, path: Path, entries: list[Entry]) -> str:
        """The entries' figures and sources appended to the editors' entry at `path` (see merge.py), and
        to its translations; reported as merged (or unchanged)."""
        from . import merge  # noqa: PLC0415

        shown = content.display_path(path, self.project.root)
        where = " and ".join(entry.where for entry in entries)
        figures = [f for entry in entries for f in entry.front.get("figures", [])]
        if len(entries) > 1:  # launches of one day in one entry: each measure names its launch (the note),
            figures = [_named(f) for f in figures]  # so two launches' figures never read as sources differing
        sources = list({s["url"]: s for entry in entries for s in entry.front.get("sources", [])}.values())
        figure_by, urls = {f["by"] for f in figures}, {s["url"] for s in sources}
        before = path.read_text(encoding="utf-8")
        after = merge.with_items(before, figures, sources, figure_by, urls)
        problems = self._problems(after, shown)
        again = merge.without_items(before, figure_by, urls) != before  # merged before: its items are there
        changed = after != before
        outcome = "rejected" if problems else "unchanged" if not changed else "updated" if again else "merged"
        if outcome == "updated" and not self.update:
            outcome = "conflict"
        self.counts[outcome] += len(entries) - 1  # every row is counted
        if outcome == "rejected":
            self.reject(where, f"merging into {shown}: " + "; ".join(problems))
            return outcome
        if outcome == "conflict":
            self._outcome(outcome, where, f"{shown} holds this import's items with other values "
                                          "(give --update to replace them)")
            return outcome
        if changed:
            self._save(path, after)
        self._outcome(outcome, where, f"{shown} (an editor's entry covers this launch) " + {
            "merged": f"gains {len(figures)} figures and {len(sources)} sources",
            "updated": f"has its {len(figures)} figures and {len(sources)} sources from this import replaced",
            "unchanged": "already has its figures and sources"}[outcome])
        for lang in sorted({lang for entry in entries for lang in entry.translations}):
            file = path.with_name(f"{path.stem}.{lang}.md")
            if not file.is_file():
                continue
            words = [entry.translations[lang] for entry in entries if lang in entry.translations]
            t_figures = [f for w in words for f in w.get("figures", [])]
            if len(entries) > 1:
                t_figures = [_named(f, "、" if lang == "ja" else ", ") for f in t_figures]
            t_sources = list({s["url"]: w.get("sources", [])[i]
                              for entry, w in zip(entries, words)
                              for i, s in enumerate(entry.front.get("sources", []))
                              if i < len(w.get("sources", []))}.values())
            old = file.read_text(encoding="utf-8")
            new = merge.translation(old, before, after, t_figures, t_sources, figure_by, urls)
            if new != old:
                self._save(file, new)
                print(f"  {'would update' if self.dry_run else 'updated'} {content.display_path(file, self.project.root)}"
                      " (figure and source items for the import's; translated_from re-stamped if it was current)")
        return outcome

    def warn_duplicates(self) -> None:
        """Entries just created that may repeat existing ones: the same day and a similar title, or a
        source URL they share (URLs several rows of this import cite, such as a database's, do not count)."""
        cited: dict[str, int] = {}
        for _, entry in self.created:
            for url in {s.get("url") for s in entry.front.get("sources", [])}:
                cited[url] = cited.get(url, 0) + 1
        for shown, entry in self.created:
            day, words = str(entry.front["date"])[:10], _words(entry.front["title"])
            urls = {s.get("url") for s in entry.front.get("sources", [])} - {u for u, n in cited.items() if n > 1}
            for file, known_day, known_words, known_urls in self.known:
                same_url = urls & known_urls
                if same_url or (day == known_day and difflib.SequenceMatcher(None, words, known_words).ratio() >= 0.8):
                    why = f"the same source {sorted(same_url)[0]}" if same_url else f"the same day {day} and a similar title"
                    print(f"warning: {shown} ({entry.where}) may duplicate {file}: {why}")

    def failed(self) -> bool:
        return bool(self.counts["rejected"] or self.counts["conflict"])

    def summary(self) -> str:
        done = self.counts["created"] + self.counts["updated"] + self.counts["merged"]
        counts = ", ".join(f"{n} {name}" for name, n in self.counts.items() if name != "merged" or self.merging)
        verb = "Would import" if self.dry_run else "Imported"
        return f"({counts}{'; dry run, nothing written' if self.dry_run else ''})\n" \
               f"{verb} {done} entries, skipped {sum(self.counts.values()) - done}."


def _named(figure: dict, comma: str = ", ") -> dict:
    """A figure whose measure names what its note names: "missiles launched, KN-25"."""
    return {**figure, "what": f"{figure['what']}{comma}{figure['note']}"} if figure.get("note") else figure


def date_stem(date: str, slug: str) -> str:
    """2017-07-04T00:40Z + slug → 2017-07-04-slug (the day, month or year as precise as the date)."""
    return f"{date[:10]}-{slug}" if slug else date[:10]


def yaml_date(text: str) -> str | int:
    # A bare year as a number: the string '2017' would have to be quoted in YAML. Years before 1000 stay
    # text ("0602"): written as a number they would lose the zeros the date format needs.
    return int(text) if text.isdigit() and not text.startswith("0") else text
