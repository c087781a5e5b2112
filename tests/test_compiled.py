"""Translations made when a template is compiled (site_gen/compiled.py) read exactly as Jinja's own
newstyle gettext would make them on every page, and are made once: the compiled code calls no gettext."""
from __future__ import annotations

import gettext

import jinja2
import pytest

from site_gen.compiled import TranslatingEnvironment

CATALOG = {"Sources": "출처", "Tom & Jerry": "톰 & 제리", "<b>Bold</b> 100%%": "<b>굵게</b> 100%%",
           "Disputed by %(names)s.": "%(names)s 이의 제기.", "Left %(open)s": "남은 %(open)s", "Bold": "<b>&</b>"}


class Catalog(gettext.NullTranslations):
    def gettext(self, message):
        return CATALOG.get(message, message)


TEMPLATE = """{{ _("Sources") }}|{{ _("Tom & Jerry") }}|<p title="{{ _('Tom & Jerry') }}">\
{% trans %}<b>Bold</b> 100%%{% endtrans %}</p>|{% trans names="A & B" %}Disputed by {{ names }}.{% endtrans %}|\
{{ _("Untranslated") }}|{% set x = _("Tom & Jerry") %}{{ x ~ "<" }}|{{ _("Left %(open)s", open="<1>") }}|\
{{ _("Bold") ~ "<" }}|{{ _("<b>Bold</b> 100%%") ~ "!" }}|\
{% macro shout(s) %}{{ s | upper }}{% endmacro %}{% macro m(_) %}{{ _("Sources") }}{% endmacro %}{{ m(shout) }}"""


def environment(folding: bool, autoescape: bool) -> jinja2.Environment:
    env = (TranslatingEnvironment if folding else jinja2.Environment)(
        extensions=["jinja2.ext.i18n"], autoescape=autoescape)
    env.install_gettext_translations(Catalog(), newstyle=True)
    if folding:
        env.translate = Catalog().gettext
    return env


@pytest.mark.parametrize("autoescape", [True, False])
def test_folded_translations_read_as_jinjas_own(autoescape):
    expected = environment(False, autoescape).from_string(TEMPLATE).render()
    assert "출처|톰 & 제리" in expected and ("<b>&</b>&lt;|" in expected or not autoescape)
    assert expected.endswith("|SOURCES")  # a macro's own `_` is not the catalog's
    assert environment(True, autoescape).from_string(TEMPLATE).render() == expected


def test_a_constant_translation_is_compiled_into_the_template_text():
    code = environment(True, True).compile('{{ _("Sources") }} {% trans %}Tom & Jerry{% endtrans %}', raw=True)
    assert "context.call(" not in code and "'출처 '" in code and "'톰 & 제리'" in code
    # a string with something to fill in is still translated on the page
    assert "context.call(" in environment(True, True).compile('{{ _("Left %(open)s", open=1) }}', raw=True)


def test_a_placeholder_without_its_value_still_fails_on_the_page():
    template = environment(True, True).from_string('{{ _("Left %(open)s") }}')
    with pytest.raises(KeyError):
        template.render()
