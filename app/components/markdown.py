"""Markdown from content/, with `{{fact:NAME}}` placeholders filled in by app.core.facts."""

from __future__ import annotations

import logging
import re
from functools import cache

from dash import dcc

from app.content import FACT_REF

log = logging.getLogger(__name__)


@cache
def fact_value(name: str) -> str:
    """The formatted value of one fact, computed once per process."""
    from app.core.facts import FACTS

    return FACTS[name]()


def fill_facts(text: str) -> str:
    """Replace every `{{fact:NAME}}` in `text` with its computed value."""

    def value(match) -> str:
        name = match.group(1)
        try:
            return fact_value(name)
        except Exception:  # a broken fact must not take the page down; tests catch it
            log.exception("fact %r could not be computed", name)
            return "(unavailable)"

    return FACT_REF.sub(value, text)


_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~])")


def md_escape(text: str) -> str:
    """Plain text that Markdown shows exactly as written (every syntax character escaped)."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def md(text: str, className: str = "prose", **kwargs) -> dcc.Markdown:
    """Content Markdown as a component: facts filled, links open in a new tab, no raw HTML."""
    return dcc.Markdown(fill_facts(text), className=className, link_target="_blank", **kwargs)
