"""One log line per request: method, route rule, status, duration; nothing a user typed."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest
from flask import Flask

from circles import ROOT, logs


def _request_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "circles.requests"]


def test_a_request_is_logged_by_its_route_rule_without_values_or_query(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    client = app.test_client()
    with caplog.at_level(logging.INFO, logger="circles.requests"):
        client.get("/circles/4242?note=private+words")
        client.post("/login", data={"email": "typed.by.someone@example.com", "password": "pw"})
    first, second = _request_records(caplog)
    assert (first.method, first.route, first.status) == ("GET", "/circles/<int:circle_id>", 302)  # type: ignore[attr-defined]
    assert isinstance(first.duration_ms, float)  # type: ignore[attr-defined]
    assert (second.method, second.route, second.status) == ("POST", "/login", 400)  # type: ignore[attr-defined]
    written = caplog.text
    assert "4242" not in written and "private" not in written and "typed.by" not in written


def test_the_json_format_writes_one_object_per_request(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="circles.requests"):
        app.test_client().get("/help?q=secret")
    (record,) = _request_records(caplog)
    line = logs.json_formatter().format(record)
    assert "\n" not in line
    fields = json.loads(line)
    assert fields["method"] == "GET" and fields["route"] == "/help" and fields["status"] == 200
    assert fields["level"] == "INFO" and fields["logger"] == "circles.requests"
    assert "secret" not in line


def test_log_format_json_makes_every_log_line_json() -> None:
    script = (
        "from circles import logs; import logging; logs.configure('json'); "
        "logging.getLogger('circles.worker').info('pass: due %s', 3, extra={'due': 3})"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    fields = json.loads(done.stderr.strip())
    assert fields["message"] == "pass: due 3" and fields["due"] == 3
