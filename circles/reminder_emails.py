"""The worker's email pass: turn planned reminder emails into messages and send them.

A message goes out before its reminders are marked, so a failed send is tried again on the
next pass rather than lost.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage

from flask import Flask

from circles import links, mail
from circles.database import write_intent
from circles.extensions import db
from circles.models.base import utcnow
from circles.services.reminders import emails

log = logging.getLogger(__name__)


def public_base(app: Flask) -> str:
    """Where links in emails point: PUBLIC_URL, else the configured server name."""
    return links.base_url(app.config)


def message_for(app: Flask, email: emails.Outgoing, base: str) -> EmailMessage:
    """The message, with one-click unsubscribe (RFC 8058) and the meetup's .ics if it has one."""
    message = mail.build(app.config, email.user.email, email.subject, email.text)
    token = emails.unsubscribe_token(app.config["SECRET_KEY"], email.user, email.kinds)
    message["List-Unsubscribe"] = f"<{base}/email/unsubscribe/{token}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if email.ics is not None:
        message.add_attachment(
            email.ics, maintype="text", subtype="calendar", filename="meetup.ics"
        )
    return message


def send_due(app: Flask, now: Callable[[], datetime] = utcnow) -> int:
    """Plan and send the reminder emails due now; the number sent."""
    base = public_base(app)
    with write_intent():
        due = emails.plan(db.session, now(), base)
        messages = [(email, message_for(app, email, base)) for email in due]
        db.session.commit()
    sent = 0
    for email, message in messages:
        try:
            mail.deliver(app.config, message)
        except (OSError, smtplib.SMTPException):
            log.warning("a reminder email could not be sent; trying again next pass")
            continue
        with write_intent():
            emails.mark_sent(db.session, email, now())
            db.session.commit()
        sent += 1
    return sent
