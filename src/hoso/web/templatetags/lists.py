"""Template helpers of the lists: the filters of a list's query string as hidden fields (the pager's «Đến trang»)."""

from django import template
from django.http import QueryDict

register = template.Library()


@register.filter
def query_pairs(query: str) -> list[tuple[str, str]]:
    """(name, value) of each parameter of an urlencoded query string, `page` left out (the form sends its own)."""
    if not query:
        return []
    return [(name, value) for name, values in QueryDict(query).lists() if name != "page" for value in values]
