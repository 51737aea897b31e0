"""The client's address behind a reverse proxy (nginx in front of gunicorn, deploy/).

Every request then comes from the proxy's address. A request from one of HOSO_TRUSTED_PROXIES takes the client's
address from the X-Real-IP header the proxy sets, so that the lockout after failed sign-ins (per address) and the
audit trail name the clerk's machine — otherwise five wrong passwords from anyone would lock everyone out. From any
other address the header is ignored: a client cannot choose the address it is recorded under."""

import ipaddress
from collections.abc import Callable, Iterable


def behind_proxies(app: Callable, proxies: Iterable[str]) -> Callable:
    """The WSGI `app` seeing the client's address (X-Real-IP) as REMOTE_ADDR when a request comes from `proxies`."""
    trusted = frozenset(proxies)
    if not trusted:
        return app

    def with_client_address(environ, start_response):
        if environ.get("REMOTE_ADDR") in trusted:
            try:
                environ["REMOTE_ADDR"] = str(ipaddress.ip_address(environ.get("HTTP_X_REAL_IP", "").strip()))
            except ValueError:  # no header, or not an address: the proxy's own stays
                pass
        return app(environ, start_response)

    return with_client_address
