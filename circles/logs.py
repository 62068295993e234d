"""Logging: plain lines or JSON (LOG_FORMAT=json), and one line per request.

A request's line names its method, route rule (`/circles/<int:circle_id>`, never the path with
its values or query string), status and duration: nothing a user typed.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request
from pythonjsonlogger.json import JsonFormatter

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
access_log = logging.getLogger("circles.requests")


def json_formatter() -> logging.Formatter:
    """One JSON object per record: time, level, logger, message and any `extra` fields."""
    return JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
    )


def configure(log_format: str) -> None:
    """Send INFO and up to stderr, as text or JSON (a no-op when logging is set up already)."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        json_formatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    logging.basicConfig(level=logging.INFO, handlers=[handler])


def init_app(app: Flask) -> None:
    @app.before_request
    def _start_clock() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response: Response) -> Response:
        started = g.get("request_started")
        duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
        rule = request.url_rule.rule if request.url_rule is not None else None
        access_log.info(
            "%s %s %s %sms",
            request.method,
            rule or "(no route)",
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "route": rule,
                "status": response.status_code,
                "duration_ms": duration_ms,
            },
        )
        return response
