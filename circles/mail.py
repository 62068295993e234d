"""Outgoing email: SMTP, or the console; sent off the request thread.

The console sender prints whole messages in development (the links are how you sign up there);
in production it logs only the subject and the recipient's domain, never an address or a link.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

log = logging.getLogger(__name__)
# Sending off the request thread keeps response times the same whether or not an email goes out.
_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="mail")

SMTP = "smtp"
CONSOLE = "console"


def backend(config: Mapping[str, Any]) -> str:
    """The sender in use: MAIL_BACKEND when set, else SMTP when MAIL_SERVER is set."""
    chosen = str(config.get("MAIL_BACKEND") or "").strip().lower()
    return chosen or (SMTP if config.get("MAIL_SERVER") else CONSOLE)


def sender_domain(mail_from: str) -> str:
    """The domain of MAIL_FROM (`Name <user@domain>` or `user@domain`); '' when it has none."""
    message = EmailMessage()
    message["From"] = mail_from
    try:
        addresses: tuple[Address, ...] = message["From"].addresses
    except (AttributeError, ValueError):
        return ""
    return addresses[0].domain.lower() if addresses else ""


def build(config: Mapping[str, Any], to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text message from the configured sender, with Date and Message-ID (RFC 5322)."""
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender_domain(config["MAIL_FROM"]) or None)
    message.set_content(body)
    return message


def _recipient_domain(message: EmailMessage) -> str:
    return str(message["To"]).rpartition("@")[2] or "?"


def deliver(config: Mapping[str, Any], message: EmailMessage) -> None:
    """Send now, by SMTP or to the console."""
    if backend(config) == CONSOLE:
        if config.get("CIRCLES_ENV") == "production":
            log.info(
                "email not sent (MAIL_BACKEND=console): %r to an address at %s",
                message["Subject"],
                _recipient_domain(message),
            )
            return
        print(
            f"--- email (console sender, development) ---\nTo: {message['To']}\n"
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
    settings["CIRCLES_ENV"] = config.get("CIRCLES_ENV", "development")
    return _executor.submit(_deliver_logged, settings, build(settings, to, subject, body))
