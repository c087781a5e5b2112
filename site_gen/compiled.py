"""What the template compiler can do once, rather than every page: speed machinery beside render.py.

Each language draws with an environment of its own (render.make_environment), so a string to translate
that has nothing to fill in (`{{ _("Sources") }}`, a `{% trans %}` block without variables) has one
translation there for good. `TranslatingEnvironment` puts it into the compiled template as text: on a
page it is one more piece of the template's own text, where a call would go through Jinja's context, the
catalog and Markup's formatting (about 30 such calls a page). The output is the same, byte for byte:
the text is what Jinja's newstyle gettext would return (tests/test_output_digest.py).
"""
from __future__ import annotations

from typing import Callable

import jinja2
from jinja2 import nodes
from jinja2.visitor import NodeTransformer
from markupsafe import Markup

_GETTEXT_NAMES = ("_", "gettext")  # `_()` in expressions; `gettext()` is what {% trans %} compiles to


class TranslatingEnvironment(jinja2.Environment):
    """A Jinja environment whose constant translations are made when a template is compiled.
    `translate`: the language's gettext (install it before the first template is compiled)."""

    translate: Callable[[str], str] | None = None

    def _parse(self, source, name, filename):
        tree = super()._parse(source, name, filename)
        if self.translate is None or _rebinds_gettext(tree):
            return tree
        return _Fold(self.translate).visit(tree)


def _rebinds_gettext(tree: nodes.Template) -> bool:
    """Whether the template names something else `_` or `gettext` (a set, a loop, a macro's parameter)."""
    return any(name.name in _GETTEXT_NAMES and name.ctx in ("store", "param") for name in tree.find_all(nodes.Name))


class _Fold(NodeTransformer):
    """Folds only a translation written out on its own (`{{ _("x") }}`, `{% trans %}`): inside a longer
    expression (`_("x") ~ ":"`) Jinja's own constant folding would join it as plain text, and escape it."""

    def __init__(self, translate: Callable[[str], str]):
        self.translate = translate

    def visit_Output(self, node: nodes.Output) -> nodes.Node:
        node = self.generic_visit(node)
        node.nodes = [self._folded(child) if isinstance(child, nodes.Call) else child for child in node.nodes]
        return node

    def _folded(self, node: nodes.Call) -> nodes.Node:
        if not (isinstance(node.node, nodes.Name) and node.node.name in _GETTEXT_NAMES and len(node.args) == 1
                and isinstance(node.args[0], nodes.Const) and isinstance(node.args[0].value, str)
                and not node.kwargs and node.dyn_args is None and node.dyn_kwargs is None):
            return node
        try:
            # As jinja2.ext's newstyle gettext does it: the translation is markup, formatted with no values.
            text = str(Markup(self.translate(node.args[0].value)) % {})
        except (KeyError, TypeError, ValueError):  # a placeholder with no value: fails on the page, as before
            return node
        return nodes.MarkSafeIfAutoescape(nodes.Const(text, lineno=node.lineno), lineno=node.lineno)
