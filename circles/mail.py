"""Outgoing email: SMTP when configured, the console otherwise; sent off the request thread."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from email.message import EmailMessage
from typing import Any

log = logging.getLogger(__name__)
# Sending off the request thread keeps response times the same whether or not an email goes out.
_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="mail")


def build(config: Mapping[str, Any], to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text message from the configured sender."""
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


def deliver(config: Mapping[str, Any], message: EmailMessage) -> None:
    """Send now, by SMTP or to the console in development."""
    if not config["MAIL_SERVER"]:
        print(
            f"--- email (no MAIL_SERVER set) ---\nTo: {message['To']}\n"
            f"Subject: {message['Subject']}\n\n"
            f"{message.get_content()}--- end of email ---",
            flush=True,
        )
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def _deliver_logged(config: Mapping[str, Any], message: EmailMessage) -> None:
    try:
        deliver(config, message)
    except (OSError, smtplib.SMTPException):
        log.exception("email could not be sent (subject %r)", message["Subject"])


def send(config: Mapping[str, Any], to: str, subject: str, body: str) -> Future[None]:
    """Queue a message for sending in the background."""
    settings = {k: config[k] for k in config if k.startswith("MAIL_")}
    return _executor.submit(_deliver_logged, settings, build(settings, to, subject, body))
