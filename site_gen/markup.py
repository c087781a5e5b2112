"""Markdown bodies → HTML, sanitized unless the site config trusts its editors' raw HTML."""
from __future__ import annotations

import markdown
import nh3

_EXTENSIONS = ["extra", "sane_lists"]  # tables, footnotes, fenced code, definition lists
# nh3's defaults drop <script>, event handlers and style; we also limit link schemes to the web and mail.
_URL_SCHEMES = {"http", "https", "mailto"}


class MarkdownRenderer:
    def __init__(self, trusted_html: bool = False):
        self._md = markdown.Markdown(extensions=_EXTENSIONS, output_format="html")
        self._trusted = trusted_html

    def __call__(self, text: str) -> str:
        html = self._md.reset().convert(text)
        if self._trusted:
            return html
        return nh3.clean(html, url_schemes=_URL_SCHEMES, link_rel="noopener noreferrer")
