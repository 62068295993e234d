"""Response headers: a strict Content Security Policy (no inline scripts) and friends."""

from __future__ import annotations

from flask import Flask, Response

from circles import assets

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' {import_map}",
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


def init_app(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        # The one inline script allowed is the import map, by its hash (circles.assets).
        response.headers.setdefault(
            "Content-Security-Policy", CSP.format(import_map=assets.import_map_source())
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # Invite and reset links carry tokens: never leak them to another site.
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if app.config["CIRCLES_ENV"] == "production":
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
