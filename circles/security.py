"""Response headers: a strict Content Security Policy (no inline scripts) and friends."""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.exceptions import SecurityError

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _policy() -> str:
    if isinstance(request.routing_exception, SecurityError):
        return "default-src 'none'"  # an untrusted Host gets plain text: no URL can be built
    return CSP


# Files a page uses (not documents themselves): the page's own policy governs them, so the
# document headers would only add bytes to each (a first visit fetches about 15 of them).
SUBRESOURCE_TYPES = frozenset(
    {"text/css", "text/javascript", "application/javascript", "image/png", "image/x-icon"}
)


def _subresource(response: Response) -> bool:
    return request.endpoint == "static" and response.mimetype in SUBRESOURCE_TYPES


def init_app(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if _subresource(response):
            return response
        if "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = _policy()
        # Invite and reset links carry tokens: never leak them to another site.
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if app.config["CIRCLES_ENV"] == "production":
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
