"""Which push service endpoints we may POST to."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final
from urllib.parse import urlsplit

DEFAULT_ALLOWED_HOSTS: Final[tuple[str, ...]] = (
    "fcm.googleapis.com",
    "updates.push.services.mozilla.com",
    "*.push.apple.com",
    "web.push.apple.com",
    "*.notify.windows.com",
)
"""Push services browsers use: Chrome/Edge-on-Android (FCM), Firefox, Safari, Edge (WNS)."""

_LOCAL_HOSTS: Final = frozenset({"127.0.0.1", "::1", "localhost"})


def _host_matches(host: str, pattern: str) -> bool:
    pattern = pattern.lower().rstrip(".")
    if pattern.startswith("*."):
        return host.endswith(pattern[1:]) and len(host) > len(pattern) - 1
    return host == pattern


def allowed_endpoint(
    url: str,
    allowed_hosts: Iterable[str] = DEFAULT_ALLOWED_HOSTS,
    allow_http_localhost: bool = False,
) -> bool:
    """Whether we may POST to ``url``: https on port 443 to an allowed push service host.

    ``allowed_hosts`` entries are exact hosts or ``*.suffix`` (subdomains only).
    ``allow_http_localhost`` (tests) also admits http(s) to 127.0.0.1, ::1 and localhost
    on any port.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    host = (parts.hostname or "").rstrip(".")
    if not host or parts.username is not None or parts.password is not None:
        return False
    if allow_http_localhost and host in _LOCAL_HOSTS and parts.scheme in ("http", "https"):
        return True
    if parts.scheme != "https" or port not in (None, 443):
        return False
    return any(_host_matches(host, pattern) for pattern in allowed_hosts)
