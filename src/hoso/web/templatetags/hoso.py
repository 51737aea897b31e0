"""Template helpers: highlighting the words a search matched, Vietnamese number format, audit labels, category names."""

import html
import re
from functools import lru_cache

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from hoso.core.events import label
from hoso.vntext import fold

register = template.Library()
_WORD = re.compile(r"(\w+)", re.UNICODE)


@register.filter
def highlight(text: str, words: frozenset[str]) -> str:
    """Wrap each word of `text` whose folded form is in `words` in <mark>; everything else escaped."""
    if not text:
        return ""
    if not words:
        return escape(text)
    out = []
    for piece in _WORD.split(str(text)):  # html.escape: Django's escape, without its lazy-string wrapper per piece
        if piece and _folded(piece) in words:
            out.append(f"<mark>{html.escape(piece)}</mark>")
        else:
            out.append(html.escape(piece))
    return mark_safe("".join(out))  # noqa: S308  (every piece is escaped above)


@lru_cache(maxsize=16_384)  # a page of hits folds the same name and place words again and again
def _folded(piece: str) -> str:
    return fold(piece)


@register.filter
def vn_number(value) -> str:
    """1234567 → 1.234.567"""
    try:
        return f"{int(value):,}".replace(",", ".")
    except (TypeError, ValueError):
        return ""


@register.filter
def audit_label(code: str) -> str:
    """The Vietnamese label of an audit action (core/events.py)."""
    return label(code)


@register.filter(name="category_label")
def category_name(name: str) -> str:
    """The name of a category (as stored, in Vietnamese) in the user's language, as Category.label gives it
    (records/categories.py marks the names for the catalogue): `{{ h.category_name|category_label }}`."""
    return gettext(name) if name else ""
