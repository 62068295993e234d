"""Who may keep a copy of a response: nobody, for anything a logged-in person sees."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_login import current_user

# Responses that hold nothing about the person asking (rendered without the session), so a
# browser or the service worker may keep them.
PUBLIC_ENDPOINTS = frozenset(
    {
        "static",
        "pwa.manifest",
        "pwa.service_worker",
        "pwa.zones",
        "pwa.offline",
        "pwa.offline_log",
    }
)


def is_public_request() -> bool:
    """True for the endpoints above, which never read the session."""
    return request.endpoint in PUBLIC_ENDPOINTS


def remember_logged_in() -> None:
    """Note at the start of a request that someone is logged in (logout ends that midway)."""
    g.logged_in = bool(current_user.is_authenticated)


def mark_private(response: Response) -> Response:
    """`no-store` on every response for a logged-in person, the logout answer included."""
    if is_public_request():
        return response
    if g.get("logged_in") or current_user.is_authenticated:
        # Validators (ETag) stay: a calendar app keeps its own copy and asks if it changed.
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
    return response


class SessionInterface(SecureCookieSessionInterface):
    """The signed-cookie session, left out of public responses (no cookie, no `Vary: Cookie`),
    so a browser keeps one copy of a static file whoever is logged in."""

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> Any:
        if is_public_request():
            return None
        return super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.after_request(mark_private)
