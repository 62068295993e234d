"""Emails carry Date and Message-ID; the console sender never logs an address or a link."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from flask import Flask

from circles import mail
from tests.support.mailbox import Mailbox


def test_emails_carry_date_message_id_and_the_configured_sender_domain(
    make_app: Callable[..., Flask], mailbox: Mailbox, make_user
) -> None:
    app = make_app(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=mailbox.port,
        MAIL_FROM="Circles <no-reply@circles.example.org>",
    )
    user = make_user()
    app.test_client().post("/password/forgot", data={"email": user.email})
    message = mailbox.wait_for(user.email)
    sent = parsedate_to_datetime(message["Date"])
    assert abs(datetime.now(UTC) - sent) < timedelta(minutes=1)
    assert message["Message-ID"].startswith("<")
    assert message["Message-ID"].endswith("@circles.example.org>")
    assert message["From"].addresses[0].domain == "circles.example.org"


def _config(env: str) -> dict[str, str]:
    return {
        "MAIL_BACKEND": "console",
        "MAIL_SERVER": "",
        "MAIL_FROM": "no-reply@circles.example.org",
        "CIRCLES_ENV": env,
    }


LINK = "https://circles.example.org/password/reset/live-token"


def test_the_console_sender_in_production_logs_only_subject_and_domain(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    with caplog.at_level(logging.INFO, logger="circles.mail"):
        mail.send(_config("production"), "alice@example.com", "Reset", f"Open {LINK}").result(5)
    logged = caplog.text
    assert "'Reset'" in logged and "example.com" in logged
    assert "alice" not in logged and "live-token" not in logged
    assert "live-token" not in capsys.readouterr().out


def test_the_console_sender_in_development_prints_the_whole_email(
    capsys: pytest.CaptureFixture[str],
) -> None:
    mail.send(_config("development"), "alice@example.com", "Reset", f"Open {LINK}").result(5)
    printed = capsys.readouterr().out
    assert "To: alice@example.com" in printed and LINK in printed


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"MAIL_SERVER": "smtp.example.org"}, "smtp"),
        ({"MAIL_SERVER": ""}, "console"),
        ({"MAIL_SERVER": "smtp.example.org", "MAIL_BACKEND": "console"}, "console"),
        ({"MAIL_SERVER": "", "MAIL_BACKEND": "SMTP"}, "smtp"),
    ],
)
def test_the_sender_follows_mail_backend_then_mail_server(
    settings: dict[str, str], expected: str
) -> None:
    assert mail.backend(settings) == expected
