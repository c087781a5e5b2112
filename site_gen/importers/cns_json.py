"""The CNS North Korea Missile Test Database in the machine-readable form of the nk-missile-tests
visualization (`test.en.json` and its dictionaries) → one row per launch, for `site-gen import table`
(a mapping's `reader: cns-json`).

The database has a row per missile. Missiles fired on the same local day in Korea, from the same site,
of the same missile, are one launch: one row here, whose figures list each missile. Its times are UTC;
rows here are in Korean Standard Time (Asia/Seoul, +09:00), so each launch is filed on its local day.

Only the structured fields are used. The database's `description` texts are its authors' sentences:
titles, summaries and bodies are written from the facts by the templates below, in English, Korean
and Japanese (the Japanese names from the visualization's own dictionaries).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from . import InputError
from .read import Row, Table

DATABASE = "CNS North Korea Missile Test Database"
KST = ZoneInfo("Asia/Seoul")
PYONGYANG = ZoneInfo("Asia/Pyongyang")  # UTC+08:30 from 15 August 2015 to 4 May 2018 (tzdata)
LANGUAGES = ("ko", "ja")

# Korean names as the Korean press writes them; a missile or site not listed keeps its English name.
MISSILES_KO = {
    # CNS letters the Hwasong-11 variants A-E as the Korean names do 가-마 (화성-11가형 ...); its NATO-style
    # KN- codes stay beside them, as Korean reports give them. KN-25 is the "super-large" rocket launcher.
    "hwasong-11a": "화성-11가형(KN-23)", "hwasong-11b": "화성-11나형(KN-24)", "hwasong-11c": "화성-11다형(KN-30)",
    "hwasong-11d": "화성-11라형(KN-35)", "hwasong-11e": "화성-11마형", "hwasong-11-da-45": "화성포-11다-4.5",
    "hwasong-11s": "화성-11S(KN-33)", "hwasong-16b": "화성-16나형", "kn-25": "초대형 방사포(KN-25)",
    "rail-mobile-kn-23": "철도기동 KN-23", "silo-based-kn-23": "사일로형 KN-23", "new-irbm-2022": "신형 IRBM 2022",
    "chollima-1": "천리마-1형", "er-scud": "스커드-ER", "hwasong-12": "화성-12형", "hwasong-14": "화성-14형",
    "hwasong-15": "화성-15형", "hwasong-17": "화성-17형", "hwasong-18": "화성-18형", "hwasong-19": "화성-19형",
    "musudan": "무수단", "nodong": "노동", "pukguksong-1": "북극성-1형", "pukguksong-2": "북극성-2형",
    "pukguksong-3": "북극성-3형", "scud-b": "스커드-B", "scud-c": "스커드-C", "scud-b-marv": "스커드-B MaRV",
    "scud-c-marv": "스커드-C MaRV", "taepodong-1": "대포동-1호", "unha": "은하", "unha-3": "은하-3호",
}
FACILITIES_KO = {
    "tonghae": "동해위성발사장", "sohae": "동창리 서해위성발사장", "chihari": "지하리 미사일 기지",
    "chunghwa": "중화", "jangyon": "장연", "kittaeryong": "깃대령 미사일 기지", "wonsan": "원산 갈마국제공항",
    "sunchon": "순천 비행장", "hodo": "호도반도", "hwangju": "황주", "kaesong": "개성", "nampo": "남포",
    "sinpo": "신포 조선소", "panghyon-ab": "방현 비행장", "panghyon": "방현", "kusong": "구성 시험장",
    "north-kusong": "구성 북쪽 시험장", "pukchang": "북창 비행장", "koksan": "곡산", "masikryong": "마식령",
    "munchon": "문천", "pyongyang": "평양 순안국제공항", "pyongsong": "평성", "hungnam": "흥남",
    "tongchon": "통천", "sondok-ab": "선덕 비행장", "sondok": "선덕", "kaechon": "개천 비행장",
    "yonghung-bay": "영흥만", "yonghung": "영흥", "yonpo": "연포 비행장", "samsok": "삼석", "sunan": "평양 순안",
    "west-sunan": "평양 순안 서쪽", "sukchon": "숙천", "sonchon": "선천", "uiju": "의주", "yangdok": "양덕",
    "sariwon": "사리원", "south-wonsan": "원산 남쪽", "east-pyongyang": "평양 동쪽", "kanggye": "강계",
    "taegwan": "대관군", "ryokpo": "력포구역", "mupyong-ni": "무평리 군수공장", "samsok-test": "삼석 미사일 시험장",
    "samsok-test-2": "삼석 미사일 시험장 2", "samsok-test-3": "삼석 미사일 시험장 3", "lake-yonpung": "연풍호",
    "taesong": "태성호", "baegun": "백운", "kwail": "과일 비행장", "sangum-ri": "상음리", "taechon": "태천 저수지",
    "monggumpo": "몽금포",
}

# The Japanese dictionary's slips (ソへ with a hiragana へ; 방현 is パンヒョン), corrected; its half-width
# parentheses become the full-width ones of Japanese text.
JA_SPELLING = (("ソへ", "ソヘ"), ("パンギョン", "パンヒョン"), (" (", "（"), ("(", "（"), (")", "）"))

# Missile types, as the Korean and Japanese press write them (the English keeps the abbreviation).
TYPES = {
    "ko": {"SRBM": "단거리탄도미사일", "MRBM": "준중거리탄도미사일", "IRBM": "중거리탄도미사일",
           "ICBM": "대륙간탄도미사일", "SLBM": "잠수함발사탄도미사일", "SLV": "우주발사체", "HGV": "극초음속 활공체"},
    "ja": {"SRBM": "短距離弾道ミサイル", "MRBM": "準中距離弾道ミサイル", "IRBM": "中距離弾道ミサイル",
           "ICBM": "大陸間弾道ミサイル", "SLBM": "潜水艦発射弾道ミサイル", "SLV": "衛星打ち上げロケット",
           "HGV": "極超音速滑空体"},
}


def _ja(name: str | None) -> str | None:
    for wrong, right in JA_SPELLING:
        name = name.replace(wrong, right) if name else name
    return name


def _batchim(word: str) -> bool:
    """Whether a Korean word ends in a consonant (받침), for 이/가, 은/는, 을/를, 이었다/였다; a final digit or
    Latin letter is read aloud (1 일, 2 이 ...; KN-25 ... 오). A closing parenthesis is read past, as Korean
    does: 초대형 방사포(KN-25)는, after 방사포."""
    last = re.sub(r"\s*[(（][^()（）]*[)）]$", "", word)[-1:]
    if "가" <= last <= "힣":
        return (ord(last) - 0xAC00) % 28 != 0
    if last.isdigit():
        return last in "013678"
    return last.upper() in "LMNR"


def _ko(word: str, consonant: str, vowel: str) -> str:
    """word + the particle its last sound takes: _ko('7시', '이었다', '였다') → '7시였다'."""
    return word + (consonant if _batchim(word) else vowel)


def _ko_clock(moment: datetime) -> str:
    """09:05 → '오전 9시 5분', 12:00 → '낮 12시', 13:30 → '오후 1시 30분' (as Korean reports give times)."""
    h, m = moment.hour, moment.minute
    part = "오전" if h < 12 else "낮" if h == 12 else "오후"
    return f"{part} {h if h <= 12 else h - 12}시" + (f" {m}분" if m else "")


def _ja_clock(moment: datetime) -> str:
    """09:05 → '午前9時5分', 12:00 → '午後0時' (as Japanese reports give times)."""
    h, m = moment.hour, moment.minute
    return f"{'午前' if h < 12 else '午後'}{h % 12}時" + (f"{m}分" if m else "")


# Misspellings in the English dictionary (the Japanese one reads 順安西部, 三石ミサイル実験場): corrected.
SPELLING = (("Wast Sunan", "West Sunan"), ("missle", "missile"))


def _spelled(name: str | None) -> str | None:
    for wrong, right in SPELLING:
        name = name.replace(wrong, right) if name else name
    return name


# Words of the templates. Landing areas follow each language's press: 동해 / 日本海.
WORDS = {
    "en": {"missile": "missile", "rocket": "rocket", "distance": "distance travelled", "apogee": "apogee",
           "count": "missiles launched", "unknown_missile": "unidentified missile", "unknown_site": "an unknown site",
           "outcomes": {"success": "success", "failure": "failure", "unknown": "outcome unknown"},
           "landing": {"sea-of-japan": "the East Sea (Sea of Japan)", "yellow-sea": "the Yellow Sea (West Sea)",
                       "pacific-ocean": "the Pacific Ocean", "north-korea": "land in North Korea",
                       "na": "not applicable", "unknown": "unknown"}},
    "ko": {"distance": "비행거리", "apogee": "정점고도", "count": "발사 수", "database": "CNS 북한 미사일 시험 데이터베이스",
           "outcomes": {"success": "성공", "failure": "실패", "unknown": "결과 미상"},
           "landing": {"sea-of-japan": "동해", "yellow-sea": "서해(황해)", "pacific-ocean": "태평양",
                       "north-korea": "북한 내륙", "na": "해당 없음", "unknown": "미상"}},
    "ja": {"distance": "飛行距離", "apogee": "最高高度", "count": "発射数", "database": "CNS北朝鮮ミサイル実験データベース",
           "outcomes": {"success": "成功", "failure": "失敗", "unknown": "結果不明"},
           "landing": {"sea-of-japan": "日本海", "yellow-sea": "黄海", "pacific-ocean": "太平洋",
                       "north-korea": "北朝鮮の陸地", "na": "該当なし", "unknown": "不明"}},
}
NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
           "twelve")


@dataclass
class Missile:
    """One row of test.en.json: one missile."""

    record: int  # its place in the file, counted from 1 over every time bin
    date: str  # UTC day, or a month
    time: str | None  # "22:22" (UTC), or None
    missile: str
    facility: str
    landing: str
    apogee: float | None
    distance: float | None
    outcome: str

    @property
    def utc(self) -> datetime | None:
        if self.time is None or len(self.date) != 10:
            return None
        return datetime.fromisoformat(f"{self.date}T{self.time}").replace(tzinfo=timezone.utc)

    @property
    def local(self) -> datetime | None:
        return self.utc.astimezone(KST) if self.utc else None

    @property
    def day(self) -> str:
        """The local day in Korea (a month stays a month; a day without a time stays the database's day)."""
        return self.local.date().isoformat() if self.local else self.date


def _km(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    text = str(value).strip()
    return float(text) if re.fullmatch(r"\d+(\.\d+)?", text) else None  # "unknown", "na": no figure


def _whole(number: float) -> float | int:
    return int(number) if float(number).is_integer() else number


def read_missiles(path: Path) -> list[Missile]:
    """Every row of test.en.json, in file order."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        rows = [row for time_bin in data["timeBins"] for row in time_bin["data"]]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InputError(f"not the visualization's test.en.json (timeBins[].data[]): {error}") from None
    missiles, problems = [], []
    for number, row in enumerate(rows, 1):
        try:
            when = str(row["time"]).removesuffix(" (UTC)").strip()
            if when != "unknown" and not re.fullmatch(r"\d{2}:\d{2}", when):
                raise ValueError(f"time {row['time']!r} is not 'HH:MM (UTC)' or 'unknown'")
            if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", str(row["date"])):
                raise ValueError(f"date {row['date']!r} is not YYYY-MM-DD or YYYY-MM")
            missiles.append(Missile(number, row["date"], None if when == "unknown" else when, row["missile"],
                                    row["facility"], row["landing"], _km(row["apogee"]), _km(row["distance"]),
                                    row["outcome"]))
        except (KeyError, ValueError) as error:
            problems.append(f"record {number}: {error}")
    if problems:
        raise InputError("rows that cannot be read:\n  " + "\n  ".join(problems))
    return missiles


def launches(missiles: list[Missile]) -> list[list[Missile]]:
    """Missiles grouped into launches (same local day, site and missile), in the order of their first row."""
    groups: dict[tuple[str, str, str], list[Missile]] = {}
    for missile in missiles:
        groups.setdefault((missile.day, missile.facility, missile.missile), []).append(missile)
    return list(groups.values())


def _dictionaries(folder: Path) -> dict:
    found = {}
    for name in ("missile.en", "missile.ja", "facility.en", "facility.ja"):
        try:
            data = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise InputError(f"{name}.json beside it cannot be read: {error}") from None
        found[name] = data.get("facilities", data)
    return found


def _span(numbers: list[int]) -> str:
    """[3, 4, 5] → '3–5'; [3, 7] → '3, 7'."""
    if numbers == list(range(numbers[0], numbers[-1] + 1)) and len(numbers) > 2:
        return f"{numbers[0]}–{numbers[-1]}"
    return ", ".join(map(str, numbers))


def _count(items: list[str], lang: str) -> str:
    """['success', 'failure', 'failure'] → '1 success, 2 failures' (or the one word, when all agree)."""
    words = WORDS[lang]["outcomes"]
    kinds = list(dict.fromkeys(items))
    if len(kinds) == 1:
        return words[kinds[0]]
    parts = []
    for kind in kinds:
        n = items.count(kind)
        if lang == "en":
            word = {"success": "success", "failure": "failure", "unknown": "unknown"}[kind]
            parts.append(f"{n} {word}{'es' if kind == 'success' and n > 1 else 's' if kind == 'failure' and n > 1 else ''}")
        else:
            word = {"ko": {"unknown": "미상"}, "ja": {"unknown": "不明"}}[lang].get(kind, words[kind])
            parts.append(f"{word} {n}발" if lang == "ko" else f"{word}{n}発")
    return ", ".join(parts) if lang == "en" else ("、" if lang == "ja" else ", ").join(parts)


class Launch:
    """One launch, and its words in each language."""

    def __init__(self, missiles: list[Missile], names: dict):
        self.missiles = missiles
        first = missiles[0]
        self.key, self.site_key = first.missile, first.facility
        missile_en, missile_ja = names["missile.en"].get(first.missile, {}), names["missile.ja"].get(first.missile, {})
        site_en, site_ja = names["facility.en"].get(first.facility, {}), names["facility.ja"].get(first.facility, {})
        self.type = missile_en.get("type") if missile_en.get("type") not in (None, "Unknown") else None
        known = first.missile != "unknown"
        self.name = {"en": missile_en.get("name", first.missile) if known else None,
                     "ko": MISSILES_KO.get(first.missile, missile_en.get("name")) if known else None,
                     "ja": _ja(missile_ja.get("name", missile_en.get("name"))) if known else None}
        has_site = first.facility != "unknown"
        self.site = {"en": _spelled(site_en.get("name")) if has_site else None,
                     "ko": FACILITIES_KO.get(first.facility, _spelled(site_en.get("name"))) if has_site else None,
                     "ja": _ja(site_ja.get("name", site_en.get("name"))) if has_site else None}
        self.lat, self.lon = (site_en.get("lat"), site_en.get("lon")) if has_site else (None, None)
        timed = sorted(m.local for m in missiles if m.local)
        self.start, self.end = (timed[0], timed[-1]) if timed else (None, None)
        self.day = first.day
        self.rocket = self.type == "SLV"

    @property
    def id(self) -> str:
        return f"{self.day}-cns-{self.key}-{self.site_key}"

    @property
    def records(self) -> str:
        numbers = [m.record for m in self.missiles]
        return ("record " if len(numbers) == 1 else "records ") + _span(numbers)

    # ------------------------------------------------------------ facts

    def date(self, moment: datetime | None) -> str:
        return moment.strftime("%Y-%m-%dT%H:%M+09:00") if moment else self.day

    def figures(self, lang: str) -> list[dict]:
        """Each missile's distance and apogee (the database's), then how many missiles: the facts in
        `en`, only the words (what, unit, note) in a translation, item for item. Each missile's figures
        are a measure of their own ("distance travelled, missile 2 of 3"): a site shows figures of one
        measure with different values as sources that differ, which different missiles are not."""
        w, n, items = WORDS[lang], len(self.missiles), []
        label = self.name[lang] or (self.type if lang == "en" else self._type(lang))
        note = {"note": label} if label else {}
        for i, missile in enumerate(self.missiles, 1):
            for what, value in (("distance", missile.distance), ("apogee", missile.apogee)):
                if value is None:
                    continue
                measure = w[what] + (self._which(lang, i, n) if n > 1 else "")
                if lang == "en":
                    items.append({"what": measure, "value": _whole(value), "unit": "km", "by": DATABASE, **note})
                else:
                    items.append({"what": measure, "by": w["database"], **note})
        if lang == "en":
            noun = "rocket" if self.rocket else "missile"
            items.append({"what": f"{noun}s launched", "value": n, "unit": noun + "s" * (n != 1), "by": DATABASE,
                          **note})
        else:
            items.append({"what": w["count"], "unit": "발" if lang == "ko" else "発", "by": w["database"], **note})
        return items

    @staticmethod
    def _which(lang: str, i: int, n: int) -> str:
        return {"en": f", missile {i} of {n}", "ko": f", {n}발 중 {i}번째", "ja": f"、{n}発中{i}発目"}[lang]

    # ------------------------------------------------------------ words

    def _type(self, lang: str, short: bool = False) -> str | None:
        """'SRBM' → '단거리탄도미사일(SRBM)' / '短距離弾道ミサイル（SRBM）' (short: without the abbreviation)."""
        if not self.type or lang == "en":
            return self.type
        word = TYPES[lang].get(self.type)
        if not word:
            return self.type
        return word if short else word + ("(" if lang == "ko" else "（") + self.type + (")" if lang == "ko" else "）")

    def _what(self, lang: str) -> str:
        if self.name[lang]:
            return self.name[lang]
        if self.type:
            return {"en": f"unidentified {self.type}", "ko": f"기종 미상 {self._type('ko', short=True)}",
                    "ja": f"機種不明の{self._type('ja', short=True)}"}[lang]
        return {"en": "unidentified missile", "ko": "기종 미상 미사일", "ja": "機種不明のミサイル"}[lang]

    def title(self, lang: str) -> str:
        what, site, n = self._what(lang), self.site[lang], len(self.missiles)
        if lang == "en":
            title = f"{what} launch" + (f" from {site}" if site else "") + (f": {n} {'rockets' if self.rocket else 'missiles'}" if n > 1 else "")
            return title[0].upper() + title[1:]
        if lang == "ko":
            return (f"{site}에서 " if site else "") + what + (f" {n}발" if n > 1 else "") + " 발사"
        return (f"{site}から" if site else "") + what + "を" + (f"{n}発" if n > 1 else "") + "発射"

    def _clock(self, lang: str) -> str:
        if not self.start:
            return ""
        if lang == "ko":
            return f"한국시간 {_ko_clock(self.start)} "
        if lang == "ja":
            return f"韓国時間{_ja_clock(self.start)}に"
        return f" at {self.start:%H:%M} KST"

    def _landing(self, lang: str) -> str:
        areas = list(dict.fromkeys(m.landing for m in self.missiles))
        words = WORDS[lang]["landing"]
        return ("、" if lang == "ja" else ", ").join(words.get(a, a) for a in areas)

    def summary(self, lang: str) -> str:
        n, what, site = len(self.missiles), self._what(lang), self.site[lang]
        outcome = _count([m.outcome for m in self.missiles], lang)
        landing = self._landing(lang)
        if lang == "en":
            noun = ("rocket" if self.rocket else "missile") + ("s" if n > 1 else "")
            count = NUMBERS[n] if n < len(NUMBERS) else str(n)
            launched = f"{count[0].upper()}{count[1:]} {noun} launched from {site or WORDS['en']['unknown_site']}" \
                       f"{self._clock(lang)}, as the {DATABASE} records it."
            kind = f" Missile: {what}" + (f", type {self.type}." if self.type and self.name["en"] else ".")
            told = f" Outcome: {outcome}." if outcome != "outcome unknown" else " Outcome unknown."
            return launched + kind + told + f" Landing area: {landing}."
        # "Missile: unidentified SRBM" is 기종: 미상, 유형: 단거리탄도미사일(SRBM) (not 기종: 기종 미상 ...).
        kind_of = self._type(lang)
        if lang == "ko":
            noun = "발사체" if self.rocket else "미사일"
            place = f"{site}에서" if site else "발사 장소 미상 지점에서"
            kind = f" 기종: {self.name['ko'] or '미상'}" + (f", 유형: {kind_of}." if kind_of else ".")
            told = " 결과 미상." if outcome == "결과 미상" else f" 결과: {outcome}."
            return (f"CNS 북한 미사일 시험 데이터베이스 기록에 따르면 {self._clock(lang)}{place} {noun} {n}발이 "
                    f"발사됐다.{kind}{told} 낙하 지역: {landing}.")
        noun = "ロケット" if self.rocket else "ミサイル"
        place = f"{site}から" if site else "発射地点不明の場所から"
        kind = f"機種：{self.name['ja'] or '不明'}" + (f"、種別：{kind_of}。" if kind_of else "。")
        told = "結果不明。" if outcome == "結果不明" else f"結果：{outcome}。"
        return (f"CNS北朝鮮ミサイル実験データベースの記録によると、{self._clock(lang)}{place}{noun}{n}発が"
                f"発射された。{kind}{told}落下地点：{landing}。")

    def body(self, lang: str) -> str:
        w = WORDS[lang]
        lines = []
        for i, m in enumerate(self.missiles, 1):
            # 1,000 km in English; 비행거리 1,000km and 飛行距離1,000km, as Korean and Japanese text writes them
            facts = []
            space, km = ("", "km") if lang == "ja" else (" ", " km" if lang == "en" else "km")
            if m.distance is not None:
                facts.append(f"{w['distance']}{space}{_whole(m.distance):,}{km}")
            if m.apogee is not None:
                facts.append(f"{w['apogee']}{space}{_whole(m.apogee):,}{km}")
            facts.append(WORDS[lang]["outcomes"][m.outcome] if m.outcome in w["outcomes"] else m.outcome)
            area = w["landing"].get(m.landing, m.landing)
            at = f"{m.local:%H:%M}" if m.local else None
            if lang == "en":
                label = f"Missile {i}" if not self.rocket else f"Rocket {i}"
                lines.append(f"- {label}{f' ({at} KST)' if at else ''}: {', '.join(facts)}; landing area: {area}.")
            elif lang == "ko":
                label = f"{i}번째 {'발사체' if self.rocket else '미사일'}"
                lines.append(f"- {label}{f'(한국시간 {at})' if at else ''}: {', '.join(facts)}, 낙하 지역: {area}.")
            else:
                lines.append(f"- {i}発目{f'（韓国時間{at}）' if at else ''}：{'、'.join(facts)}、落下地点：{area}。")
        return "\n\n".join(part for part in (self._intro(lang), "\n".join(lines), self._time_note(lang),
                                                self._provenance(lang)) if part)

    def _intro(self, lang: str) -> str:
        n = len(self.missiles)
        if n == 1:
            return {"en": f"The {DATABASE} records this launch in one row:",
                    "ko": "CNS 북한 미사일 시험 데이터베이스는 이 발사를 1건으로 기록하고 있다.",
                    "ja": "CNS北朝鮮ミサイル実験データベースはこの発射を1件として記録している。"}[lang]
        return {"en": f"The {DATABASE} records this launch in {n} rows, one for each "
                      f"{'rocket' if self.rocket else 'missile'}:",
                "ko": f"CNS 북한 미사일 시험 데이터베이스는 이 발사를 {'발사체' if self.rocket else '미사일'} "
                      f"한 발에 한 건씩, 모두 {n}건으로 기록하고 있다.",
                "ja": f"CNS北朝鮮ミサイル実験データベースはこの発射を、{'ロケット' if self.rocket else 'ミサイル'}"
                      f"1発につき1件、計{n}件として記録している。"}[lang]

    def _time_note(self, lang: str) -> str:
        first = self.missiles[0]
        if len(first.date) == 7:
            return {"en": "The database gives only the month of this launch.",
                    "ko": "데이터베이스에는 발사 월만 기록돼 있다.",
                    "ja": "データベースには発射の月のみが記録されている。"}[lang]
        if not self.start:
            return {"en": "The database gives the day of this launch in UTC, not its time: in Korea it may "
                          "already have been the next day.",
                    "ko": "데이터베이스에는 협정세계시 기준 발사 날짜만 있고 시각은 없다. 한국에서는 이미 "
                          "다음 날이었을 수도 있다.",
                    "ja": "データベースには協定世界時での発射の日付のみがあり、時刻はない。韓国では既に翌日"
                          "だった可能性もある。"}[lang]
        utc = min(m.utc for m in self.missiles if m.utc)
        parts = [{"en": f"Times are Korean Standard Time (UTC+09:00); the database gives them in UTC "
                        f"(the first at {utc:%H:%M} UTC on {utc.day} {utc:%B %Y}).",
                  "ko": f"시각은 한국 표준시(UTC+09:00) 기준이다. 데이터베이스는 협정세계시(UTC)로 기록한다"
                        f"(첫 발은 {utc.year}년 {utc.month}월 {utc.day}일 {utc:%H:%M} UTC).",
                  "ja": f"時刻は韓国標準時（UTC+09:00）で記す。データベースは協定世界時で記録している"
                        f"（最初の発射は{utc.year}年{utc.month}月{utc.day}日{utc:%H:%M} UTC）。"}[lang]]
        pyongyang = self.start.astimezone(PYONGYANG)
        if pyongyang.utcoffset() != timedelta(hours=9):  # 15 August 2015 to 4 May 2018
            parts.append({"en": f"Pyongyang's clocks were then set to UTC+08:30, half an hour behind Seoul: "
                                f"the first launch was at {pyongyang:%H:%M} Pyongyang time.",
                          "ko": f"당시 평양시간은 UTC+08:30으로 서울보다 30분 늦었다. 첫 발사는 평양시간 "
                                f"{_ko(_ko_clock(pyongyang), '이었다', '였다')}.",
                          "ja": f"当時の平壌時間はUTC+08:30で、ソウルより30分遅かった。最初の発射は平壌時間"
                                f"{_ja_clock(pyongyang)}だった。"}[lang])
        return ("" if lang == "ja" else " ").join(parts)

    def _provenance(self, lang: str) -> str:
        numbers = _span([m.record for m in self.missiles]).replace(", ", "、" if lang == "ja" else ", ")
        return {"en": f"Imported from test.en.json of the nk-missile-tests copy of the database, "
                      f"{self.records}.",
                "ko": f"nk-missile-tests가 공개한 데이터베이스 사본(test.en.json)의 {numbers}번째 기록에서 가져왔다.",
                "ja": f"nk-missile-testsが公開するデータベースの写し（test.en.json）の{numbers}番目の記録から取り込んだ。"}[lang]

    # ------------------------------------------------------------ the row

    def cells(self) -> dict:
        end = self.end if self.end and self.end != self.start else None
        cells = {"id": self.id, "date": self.date(self.start), "end_date": self.date(end) if end else None,
                 "title": self.title("en"), "summary": self.summary("en"), "body": self.body("en"),
                 "site": self.site["en"] or "Launch site unknown", "lat": self.lat, "lon": self.lon,
                 "tags": self.tags(), "figures": self.figures("en"), "records": self.records}
        for lang in LANGUAGES:
            cells[lang] = {"title": self.title(lang), "summary": self.summary(lang),
                           "location": {"name": self.site[lang] or {"ko": "발사 장소 미상", "ja": "発射地点不明"}[lang]},
                           "figures": self.figures(lang),
                           "sources": [{"note": SOURCE_NOTES[lang][0]}, {"note": SOURCE_NOTES[lang][1]}],
                           "body": self.body(lang)}
        return cells

    def tags(self) -> list[str]:
        tags = [self.type.lower()] if self.type else []
        tags.append("satellite-launch" if self.rocket else "ballistic-missile")
        outcomes = {m.outcome for m in self.missiles}
        if "failure" in outcomes:
            tags.append("failed-launch")
        if outcomes == {"unknown"}:
            tags.append("outcome-unknown")
        seas = {"sea-of-japan": "east-sea", "yellow-sea": "yellow-sea", "pacific-ocean": "pacific-ocean"}
        tags += list(dict.fromkeys(seas[m.landing] for m in self.missiles if m.landing in seas))
        return tags + ["cns-database"]


# The notes of the two sources every imported event cites (the mapping holds the English ones).
SOURCE_NOTES = {
    "ko": ("날짜, 시각, 기종, 발사 장소, 비행거리, 정점고도, 결과, 낙하 지역의 출처.",
           "데이터베이스의 기계 판독용 사본(Apache License 2.0). 2026년 4월 21일 커밋 a0cc658에서 복사했으며, "
           "이 항목은 그 data/test.en.json에서 가져왔다."),
    "ja": ("日時、機種、発射施設、飛行距離、最高高度、結果、落下地点の出典。",
           "データベースの機械可読な写し（Apache License 2.0）。2026年4月21日のコミットa0cc658から複写したもので、"
           "この項目はそのdata/test.en.jsonから取り込んだ。"),
}


def read(path: Path) -> Table:
    """test.en.json (with the dictionaries beside it) → a table of launches, one row each."""
    names = _dictionaries(path.parent)
    missiles = read_missiles(path)
    rows = []
    for group in launches(missiles):
        launch = Launch(group, names)
        rows.append(Row(group[0].record, launch.records, launch.cells()))
    header = list(rows[0].cells) if rows else []
    return Table(header, rows, f"the CNS database as nk-missile-tests publishes it: {len(missiles)} missiles "
                               f"in {len(rows)} launches", owns=r"\d{4}-\d{2}(?:-\d{2})?-cns-[a-z0-9-]+")
