"""Links that leave the request: emailed, shown for sharing, put in calendar feeds.

They are built from PUBLIC_URL (in development, SERVER_NAME or the address `circles serve` listens
on when PUBLIC_URL is unset), never from the request's Host header, which anyone can forge to have
a reset token mailed to their own site.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, url_for

DEVELOPMENT_BASE = "http://127.0.0.1:5000"  # what `flask run` serves when nothing is configured


def base_url(config: Mapping[str, Any]) -> str:
    """Scheme and host every outside link starts with, without a trailing slash."""
    public = str(config.get("PUBLIC_URL") or "").rstrip("/")
    if public:
        return public
    server_name = config.get("SERVER_NAME")
    if server_name:
        return f"{config.get('PREFERRED_URL_SCHEME') or 'http'}://{server_name}"
    return str(config.get("SERVED_URL") or DEVELOPMENT_BASE).rstrip("/")


def served_url(host: str, port: int) -> str:
    """The address to open for a server listening on host:port (any address: this machine)."""
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 (read, not bound)
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of a route, for an email, a calendar feed or a link to share."""
    return base_url(current_app.config) + url_for(endpoint, **values)


def trusted_hosts(config: Mapping[str, Any]) -> list[str] | None:
    """Flask's TRUSTED_HOSTS: PUBLIC_URL's host plus EXTRA_TRUSTED_HOSTS; None trusts any."""
    public = str(config.get("PUBLIC_URL") or "")
    host = urlsplit(public).hostname if public else None
    if not host:
        return None
    return [host, *config.get("EXTRA_TRUSTED_HOSTS", [])]
