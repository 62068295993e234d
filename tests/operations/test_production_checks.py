"""Production refuses to start with unsafe settings, naming each one and its fix."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from circles import ROOT
from circles.production_checks import UnsafeSettings
from tests.conftest import database_url


def test_production_starts_with_safe_settings(
    make_app: Callable[..., Flask], production_settings: dict[str, Any]
) -> None:
    app = make_app(**production_settings)
    response = app.test_client().get("/healthz", base_url="https://circles.test")
    assert response.status_code == 200
    assert "max-age" in response.headers["Strict-Transport-Security"]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is shorter than 32 characters"),
        ({"PUBLIC_URL": ""}, "PUBLIC_URL is not set"),
        ({"PUBLIC_URL": "http://circles.test"}, "not an https address"),
        ({"MAIL_SERVER": ""}, "MAIL_SERVER is not set"),
        ({"MAIL_BACKEND": "pigeon"}, "MAIL_BACKEND is 'pigeon'"),
        ({"MAIL_FROM": "Circles <no-reply@circles.invalid>"}, "MAIL_FROM has no real sender"),
        ({"WEB_CONCURRENCY": 4}, "RATELIMIT_STORAGE_URI is memory:// with WEB_CONCURRENCY=4"),
        ({"VAPID_PRIVATE_KEY": ""}, "VAPID_PRIVATE_KEY is not set"),
        ({"VAPID_SUBJECT": "mailto:admin@circles.invalid"}, "VAPID_SUBJECT is"),
    ],
)
def test_each_unsafe_setting_is_refused_by_name(
    make_app: Callable[..., Flask],
    production_settings: dict[str, Any],
    change: dict[str, Any],
    named: str,
) -> None:
    with pytest.raises(UnsafeSettings) as refused:
        make_app(**(production_settings | change))
    message = str(refused.value)
    assert named in message
    assert len(refused.value.failed) == 1  # only the setting taken away
    assert "check-config" in message


def test_every_refusal_is_reported_at_once(make_app: Callable[..., Flask]) -> None:
    with pytest.raises(UnsafeSettings) as refused:
        make_app(CIRCLES_ENV="production", SECRET_KEY="", MAIL_SERVER="", WEB_CONCURRENCY=2)
    names = [check.setting for check in refused.value.failed]
    assert names == [
        "SECRET_KEY",
        "PUBLIC_URL",
        "MAIL_SERVER",
        "MAIL_FROM",
        "RATELIMIT_STORAGE_URI",
        "VAPID_PRIVATE_KEY",
        "VAPID_SUBJECT",
    ]
    # Each names its fix, not just the problem.
    assert "set it to the https address people open" in str(refused.value)
    assert "flask --app app circles vapid-keys" in str(refused.value)


@pytest.mark.parametrize(
    "change",
    [
        {"MAIL_SERVER": "", "MAIL_BACKEND": "console"},
        {"WEB_CONCURRENCY": 4, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15"},
    ],
)
def test_console_mail_and_shared_rate_limits_are_accepted(
    make_app: Callable[..., Flask], production_settings: dict[str, Any], change: dict[str, Any]
) -> None:
    app = make_app(**(production_settings | change))
    assert app.config["CIRCLES_ENV"] == "production"


def test_check_config_prints_every_check(
    make_app: Callable[..., Flask], production_settings: dict[str, Any]
) -> None:
    app = make_app(PUBLIC_URL="http://circles.test", MAIL_SERVER="")
    result = app.test_cli_runner().invoke(args=["circles", "check-config"])
    assert result.exit_code == 1
    assert "REFUSED PUBLIC_URL: PUBLIC_URL is 'http://circles.test', not an https" in result.output
    assert "REFUSED MAIL_SERVER" in result.output
    assert "setting(s) to fix before production will start" in result.output

    settings = dict(production_settings, CIRCLES_ENV="development")
    good = make_app(**settings).test_cli_runner().invoke(args=["circles", "check-config"])
    assert good.exit_code == 0, good.output
    assert "ok      PUBLIC_URL: emailed links start with https://circles.test" in good.output
    assert "Production would start with these settings." in good.output


def _production_env() -> dict[str, str]:
    """The machine's environment without any setting, as an operator's first try would be."""
    names = ("SECRET_KEY", "PUBLIC_URL", "VAPID_", "MAIL_", "RATELIMIT_", "WEB_CONCURRENCY")
    env = {k: v for k, v in os.environ.items() if not k.startswith(names) and k != "FLASK_APP"}
    return env | {"CIRCLES_ENV": "production", "DATABASE_URL": database_url()}


def _flask(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_but_lets_the_operator_check_and_fix() -> None:
    env = _production_env()
    refused = _flask("routes", env=env)
    assert refused.returncode != 0
    assert "will not start in production" in refused.stderr
    assert "SECRET_KEY is not set" in refused.stderr and "PUBLIC_URL is not set" in refused.stderr

    checked = _flask("circles", "check-config", env=env)
    assert checked.returncode == 1, checked.stderr
    assert "REFUSED SECRET_KEY" in checked.stdout and "REFUSED VAPID_PRIVATE_KEY" in checked.stdout
    # Unset, WEB_CONCURRENCY is gunicorn's two per core plus one: in-memory limits won't do.
    assert "REFUSED RATELIMIT_STORAGE_URI" in checked.stdout

    made = _flask("circles", "vapid-keys", env=env)
    assert made.returncode == 0, made.stderr
    lines = dict(line.split("=", 1) for line in made.stdout.split())
    assert set(lines) == {"VAPID_PRIVATE_KEY", "VAPID_PUBLIC_KEY"}
    again = _flask("circles", "check-config", env=env | lines)
    assert "ok      VAPID_PRIVATE_KEY" in again.stdout
    ready = env | lines
    ready |= {
        "SECRET_KEY": "s" * 48,
        "PUBLIC_URL": "https://circles.example.org",
        "MAIL_BACKEND": "console",
        "MAIL_FROM": "no-reply@circles.example.org",
        "WEB_CONCURRENCY": "1",
        "VAPID_SUBJECT": "mailto:ops@circles.example.org",
    }
    started = _flask("routes", env=ready)
    assert started.returncode == 0, started.stderr
    assert "/readyz" in started.stdout
