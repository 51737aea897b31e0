"""Behind nginx, the client's address comes from X-Real-IP — only when the request comes from a trusted proxy
(hoso.core.proxies; the end-to-end check through gunicorn is in test_gunicorn.py)."""

from hoso.core.proxies import behind_proxies


def _seen(proxies, **environ) -> str:
    seen = {}

    def inner(env, start_response):
        seen["addr"] = env.get("REMOTE_ADDR")
        return []

    behind_proxies(inner, proxies)(environ, None)
    return seen["addr"]


def test_a_trusted_proxy_passes_the_clients_address():
    assert _seen(["127.0.0.1"], REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.7") == "203.0.113.7"
    assert _seen(["127.0.0.1", "::1"], REMOTE_ADDR="::1", HTTP_X_REAL_IP=" 2001:db8::7 ") == "2001:db8::7"


def test_anyone_else_cannot_choose_the_address_recorded():
    assert _seen(["10.0.0.2"], REMOTE_ADDR="198.51.100.9", HTTP_X_REAL_IP="203.0.113.7") == "198.51.100.9"
    assert _seen([], REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.7") == "127.0.0.1"


def test_a_missing_or_malformed_header_keeps_the_proxys_address():
    assert _seen(["127.0.0.1"], REMOTE_ADDR="127.0.0.1") == "127.0.0.1"
    assert _seen(["127.0.0.1"], REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="evil, 1.2.3.4") == "127.0.0.1"
