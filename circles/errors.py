"""Error pages in the app's style, and expired forms that keep what the user typed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from circles.extensions import db

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])

MESSAGES = {
    400: ("Something in that request wasn't right", "Go back, check what you sent and try again."),
    403: ("That isn't open to you", "If you think it should be, ask your circle's host."),
    404: ("We couldn't find that page", "It may have moved, or the link may be incomplete."),
    405: ("That didn't work", "Go back and use the buttons on the page."),
    413: ("That was too much to send at once", "Try sending less."),
    429: (
        "Let's slow down a little",
        "Too many tries in a short time. Wait a minute, then try again.",
    ),
    500: ("Something went wrong on our side", "Nothing you did. Please try again in a moment."),
}


def rerender_on_csrf_error(view: F) -> F:
    """Mark a form view: a missing or expired CSRF token re-renders its form, input kept."""
    view.rerender_on_csrf_error = True  # type: ignore[attr-defined]
    return view


def wants_json() -> bool:
    """Scripts (push, the offline log queue) get JSON errors; people get pages."""
    best = request.accept_mimetypes.best
    return request.path.startswith("/push/") or request.is_json or best == "application/json"


def _page(code: int, said: str | None = None) -> tuple[str, int]:
    title, detail = MESSAGES.get(code, MESSAGES[400] if code < 500 else MESSAGES[500])
    return render_template("error.html", code=code, title=title, detail=said or detail), code


def _said(error: HTTPException) -> str | None:
    """The app's own words given to abort() (fixed text, never user input), else None."""
    description = error.description
    return description if description and description != type(error).description else None


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError) -> Any:
        view = current_app.view_functions.get(request.endpoint or "")
        if view is not None and getattr(view, "rerender_on_csrf_error", False):
            # The view's own form validation fails on the same token and shows the message.
            return view(**(request.view_args or {}))
        if wants_json():
            return {"error": "The page's security token is missing or expired. Reload it."}, 400
        return _page(400)

    @app.errorhandler(SecurityError)
    def _untrusted_host(error: SecurityError) -> Any:
        # A Host outside TRUSTED_HOSTS: no URL can be built for it, so no page either.
        return (
            "400 Bad Request: this server does not answer for that host name.",
            400,
            {"Content-Type": "text/plain; charset=utf-8"},
        )

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Any:
        if wants_json():
            return {"error": error.description}, error.code
        return _page(error.code or 500, _said(error))

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Any:
        log.exception("unhandled error on %s %s", request.method, request.url_rule)
        db.session.rollback()
        return _page(500)
