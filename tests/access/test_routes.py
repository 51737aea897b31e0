"""Every URL the product serves declares an access rule; a new page without one fails here."""

from django.urls import URLPattern, URLResolver, get_resolver

from hoso.access.decorators import PUBLIC
from hoso.access.permissions import ALL_PERMISSIONS, SIGNED_IN


def _patterns(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _rule(callback):
    rule = getattr(callback, "access_rule", None)
    if rule is None and hasattr(callback, "cls"):  # Django REST framework views
        rule = getattr(callback.cls, "access_rule", None)
    if rule is None and hasattr(callback, "view_class"):
        rule = getattr(callback.view_class, "access_rule", None)
    return rule


def test_every_route_declares_an_access_rule():
    routes = list(_patterns(get_resolver()))
    assert len(routes) > 15
    missing = [route for route, callback in routes if _rule(callback) is None]
    assert missing == []
    known = {*ALL_PERMISSIONS, SIGNED_IN, PUBLIC}
    assert {_rule(callback) for _, callback in routes} <= known


def test_only_the_login_page_and_the_tracking_page_are_public():
    """The public tracking page (issue #14) says a case's procedure, state and appointment date to whoever holds the
    receipt's code; it shows no personal data and slows down guessing (tests/procedures/test_tracking.py)."""
    public = [route for route, callback in _patterns(get_resolver()) if _rule(callback) == PUBLIC]
    assert sorted(public) == ["dang-nhap/", "tra-cuu/"]
