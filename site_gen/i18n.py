"""The interface's languages: gettext catalogs (site_gen/locale/<lang>/LC_MESSAGES/messages.po), compiled in
memory with Babel when first asked for, and the language being drawn now.

Templates get `_`, `gettext` and `ngettext` from their Jinja environment (render.py makes one per
language); Python code that words something for readers calls `gettext` / `ngettext` here, which
translate into the language set by `using(language)` (render.py sets it around every page it draws).
Strings worded at import time are marked with `N_` and translated where they are shown.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages import mofile, pofile
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SOURCE_LANGUAGE = "en"  # the msgids are English: English needs no catalog
DOMAIN = "messages"

_language: ContextVar[str] = ContextVar("language", default=SOURCE_LANGUAGE)


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / locale_name(language) / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=None)
def locale_name(language: str) -> str:
    """A language tag as written in the config ("ko", "pt-BR") as Babel's locale name ("ko", "pt_BR")."""
    try:
        return str(Locale.parse(language, sep="-"))
    except (ValueError, UnknownLocaleError):  # not a language CLDR knows: translations() says so
        return language.replace("-", "_")


def languages() -> list[str]:
    """The languages with an interface catalog, and English."""
    return [SOURCE_LANGUAGE, *sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))]


@lru_cache(maxsize=None)
def translations(language: str) -> NullTranslations:
    """The interface translated into `language`: its catalog compiled in memory (no .mo file is kept).
    Fuzzy entries are left out, so they fall back to English (tests/test_catalogs.py keeps none)."""
    if language.split("-")[0].lower() == SOURCE_LANGUAGE:
        return NullTranslations()
    path = catalog_path(language)
    if not path.is_file():
        raise ValueError(f"no interface catalog for language {language!r}: expected {path} "
                         f"(README: 'Translating the interface')")
    with path.open("rb") as file:
        catalog = pofile.read_po(file, locale=locale_name(language))
    compiled = BytesIO()
    mofile.write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def current() -> str:
    """The language being drawn."""
    return _language.get()


@contextmanager
def using(language: str) -> Iterator[None]:
    """Word what is drawn inside in `language` (per thread and task: the preview draws in several)."""
    token = _language.set(language)
    try:
        yield
    finally:
        _language.reset(token)


def gettext(message: str) -> str:
    return translations(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, number: int) -> str:
    return translations(_language.get()).ngettext(singular, plural, number)


def N_(message: str) -> str:  # noqa: N802 - the usual name, which `make messages` extracts
    """Marks a string for the catalogs where it is written; it is translated where it is shown."""
    return message
