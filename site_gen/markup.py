"""Markdown bodies → HTML, sanitized unless the site config trusts its editors' raw HTML."""
from __future__ import annotations

import threading

import markdown
import nh3

_EXTENSIONS = ["extra", "sane_lists"]  # tables, footnotes, fenced code, definition lists
# nh3's defaults drop <script>, event handlers and style; we also limit link schemes to the web and mail.
_URL_SCHEMES = {"http", "https", "mailto"}

_md = markdown.Markdown(extensions=_EXTENSIONS, output_format="html")  # costly to set up: one, shared
_md_lock = threading.Lock()  # a Markdown instance keeps state while it converts


class MarkupError(ValueError):
    """A body the Markdown converter cannot handle; the message says what to change."""


def convert(text: str) -> str:
    """Markdown → HTML, unsanitized. Raises MarkupError instead of crashing on pathological nesting."""
    try:
        with _md_lock:
            return _md.reset().convert(text)
    except RecursionError:
        # Python-Markdown recurses once per nested list or `<div markdown="1">`; a few hundred levels
        # exhaust Python's stack. That is never real content, so it is the editor's to fix.
        raise MarkupError("the Markdown is nested too deeply (lists or HTML blocks inside each other hundreds "
                          "of levels deep) to be converted") from None


class MarkdownRenderer:
    def __init__(self, trusted_html: bool = False):
        self._trusted = trusted_html

    def __call__(self, text: str) -> str:
        html = convert(text)
        if self._trusted:
            return html
        return nh3.clean(html, url_schemes=_URL_SCHEMES, link_rel="noopener noreferrer")
