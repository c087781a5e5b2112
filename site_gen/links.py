"""`site-gen check --links`: ask every source's address (and archived copy) whether it still answers.

Only this module touches the network, and only when asked to. A few hosts are asked at a time, each
host at most once every `interval` seconds (its addresses one after another), each request with a
timeout. HEAD first, GET when a server refuses HEAD (405, 501). Redirects are not followed: a
permanent one (301, 308) is reported with where it points, a temporary one counts as an answer.
Answers are kept in .cache/site-gen/links.json for a day, so a second run asks nothing again.
"""
from __future__ import annotations

import json
import os
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from . import __version__
from .problems import Problem
from .timeline import Timeline

CACHE_FILE = Path(".cache") / "site-gen" / "links.json"
CACHE_SECONDS = 24 * 60 * 60
TIMEOUT = 10.0  # seconds for each request
INTERVAL = 1.0  # seconds between two requests to the same host
HOSTS_AT_ONCE = 4
USER_AGENT = f"site-gen/{__version__} link check"
PERMANENT = (301, 308)


@dataclass(frozen=True)
class Answer:
    status: int | None  # the HTTP status; None when there was no answer (see error)
    at: float  # when it was asked (seconds since the epoch)
    location: str = ""  # where a redirect points
    error: str = ""  # why there was no answer, or the status's reason

    @property
    def dead(self) -> bool:
        return self.status is None or self.status >= 400

    @property
    def moved(self) -> bool:
        return self.status in PERMANENT

    def words(self) -> str:
        if self.status is None:
            return self.error
        return f"HTTP {self.status}" + (f" {self.error}" if self.error else "")


@dataclass(frozen=True)
class Place:
    """Where an address is written: the file, and the field's place in its front matter."""

    file: str
    loc: tuple[str | int, ...]

    @property
    def field(self) -> str:
        return f"{self.loc[0]}[{self.loc[1]}].{self.loc[2]}"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 3xx comes back as an HTTPError, with its Location


_OPENER = urllib.request.build_opener(_NoRedirects)


def _no_answer(error: BaseException, timeout: float) -> str:
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, socket.gaierror):
        return "DNS lookup failed (no such host)"
    if isinstance(reason, TimeoutError):
        return f"no answer within {timeout:g} s (timed out)"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error: {reason.reason or reason}"
    return f"no answer: {reason}"


def ask(url: str, timeout: float = TIMEOUT, before_each: Callable[[], None] = lambda: None) -> Answer:
    """One address's answer: HEAD, then GET if HEAD is not allowed. `before_each` runs before every
    request (the per-host pacing)."""
    for method in ("HEAD", "GET"):
        before_each()
        at = time.time()
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                return Answer(response.status, at)
        except urllib.error.HTTPError as error:
            if method == "HEAD" and error.code in (405, 501):
                continue
            return Answer(error.code, at, error.headers.get("Location", ""), str(error.reason or ""))
        except (OSError, ValueError) as error:  # URLError, timeouts, refused connections; a malformed address
            return Answer(None, at, error=_no_answer(error, timeout))
    raise AssertionError("unreachable")  # the GET always returns


def _host(url: str) -> str:
    parts = urlsplit(url)
    return (parts.netloc or url).lower()


def _ask_host(urls: list[str], timeout: float, interval: float) -> dict[str, Answer]:
    """A host's addresses, one after another, each request at least `interval` after the one before."""
    last = [float("-inf")]

    def pace() -> None:
        wait = last[0] + interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        last[0] = time.monotonic()

    return {url: ask(url, timeout, pace) for url in urls}


def read_cache(path: Path, now: float) -> dict[str, Answer]:
    """The answers younger than a day; an unreadable cache is no cache."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        answers = {url: Answer(**fields) for url, fields in data["links"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}
    return {url: answer for url, answer in answers.items() if 0 <= now - answer.at < CACHE_SECONDS}


def write_cache(path: Path, answers: dict[str, Answer]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    data = {"links": {url: asdict(answers[url]) for url in sorted(answers)}}
    partial.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    os.replace(partial, path)


@dataclass
class LinkReport:
    answers: dict[str, Answer]
    asked: int  # addresses asked over the network this run
    cached: int  # addresses answered from the cache


def check_addresses(urls: list[str], cache: Path | None, use_cache: bool = True, timeout: float = TIMEOUT,
                    interval: float = INTERVAL, hosts_at_once: int = HOSTS_AT_ONCE) -> LinkReport:
    """Every address's answer, from the cache where it is fresh (unless not `use_cache`), else asked.
    The cache, when given, is written back with what was asked (so --no-cache refreshes it)."""
    now = time.time()
    known = read_cache(cache, now) if cache is not None else {}
    fresh = {url: known[url] for url in urls if use_cache and url in known}
    by_host: dict[str, list[str]] = {}
    for url in dict.fromkeys(urls):
        if url not in fresh:
            by_host.setdefault(_host(url), []).append(url)
    asked: dict[str, Answer] = {}
    if by_host:
        with ThreadPoolExecutor(max_workers=hosts_at_once) as pool:
            for answers in pool.map(lambda group: _ask_host(group, timeout, interval), by_host.values()):
                asked.update(answers)
        if cache is not None:
            write_cache(cache, {**known, **asked})
    return LinkReport({**fresh, **asked}, len(asked), len(fresh))


def link_places(timeline: Timeline) -> dict[str, list[Place]]:
    """Every source address and archived copy in the timeline, with where each is written."""
    places: dict[str, list[Place]] = {}
    for event in timeline.events:
        for index, source in enumerate(event.entry.sources):
            for name in ("url", "archived_url"):
                url = getattr(source, name)
                if url:
                    places.setdefault(url, []).append(Place(event.file, ("sources", index, name)))
    return places


def link_warnings(places: dict[str, list[Place]], answers: dict[str, Answer],
                  line: Callable[..., int]) -> list[Problem]:
    """A warning at each place of a dead or permanently moved address; `line(file, *loc)` finds lines."""
    found = []
    for url, where in places.items():
        answer = answers[url]
        if answer.dead:
            message = f"dead link {url}: {answer.words()}"
        elif answer.moved:
            message = f"permanent redirect ({answer.status}) from {url} to {answer.location or '(no Location)'}: " \
                      "cite the new address"
        else:
            continue
        found += [Problem(place.file, line(place.file, *place.loc), place.field, message) for place in where]
    return sorted(found)
