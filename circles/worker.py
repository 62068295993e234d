"""The reminder worker: plan what is due into the outbox, then deliver it (never in a request)."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import datetime
from types import FrameType

from flask import Flask, current_app

from circles import reminder_emails
from circles.database import write_intent
from circles.extensions import db
from circles.models.base import utcnow
from circles.push.sender import DEFAULT_ALLOWED_HOSTS, PushSender, Sender, allowed_endpoint
from circles.services.buddies import pairing as buddies
from circles.services.prompts import rotation
from circles.services.reminders import delivery
from circles.services.reminders import planning as reminders

log = logging.getLogger(__name__)


def make_sender(app: Flask) -> PushSender:
    """The real sender, with this deployment's keys, contact, timeouts and endpoint policy."""
    hosts = app.config["PUSH_ALLOWED_HOSTS"] or list(DEFAULT_ALLOWED_HOSTS)
    allow_local = app.config["PUSH_ALLOW_HTTP_LOCALHOST"]
    return PushSender(
        app.extensions["circles_vapid"],
        app.config["VAPID_SUBJECT"],
        connect_timeout=app.config["PUSH_CONNECT_TIMEOUT"],
        read_timeout=app.config["PUSH_READ_TIMEOUT"],
        endpoint_allowed=lambda url: allowed_endpoint(url, hosts, allow_local),
    )


def plan(now: datetime) -> int:
    """Write due reminders into the outbox (each once, thanks to dedupe keys)."""
    with write_intent():
        planned = reminders.schedule_meetups(db.session, now)
        planned += reminders.schedule_load_nudges(db.session, now)
        planned += buddies.plan_all(db.session, now)
        planned += rotation.rotate_all(db.session, now)
        db.session.commit()
    return planned


def deliver_due(
    sender: Sender,
    now: Callable[[], datetime] = utcnow,
    batch: int = 50,
    concurrency: int | None = None,
    origin: str = "",
) -> delivery.Tally:
    """Deliver everything due, batch by batch: claim, prepare, send, record (four commits)."""
    tally = delivery.Tally()
    at_once = concurrency or current_app.config["PUSH_CONCURRENCY"]
    while True:
        with write_intent():
            ids = delivery.claim(db.session, now(), batch)
            db.session.commit()  # the lease is ours; other workers move on to other rows
        if not ids:
            return tally
        with write_intent():
            prepared = delivery.prepare(db.session, ids, now(), tally, origin)
            db.session.commit()
        # No transaction is open while push services answer (or hang).
        try:
            sent = delivery.send(prepared, sender, at_once)
        except delivery.Interrupted as stopped:
            _record(stopped.sent, now, tally)  # what went out is not sent again
            raise stopped.cause from None
        _record(sent, now, tally)


def _record(sent: list[delivery.Sent], now: Callable[[], datetime], tally: delivery.Tally) -> None:
    with write_intent():
        delivery.record(db.session, sent, now(), tally)
        db.session.commit()


def dispatch(app: Flask, sender: Sender | None = None) -> delivery.Tally:
    """One pass: plan, then deliver what is due."""
    own = sender is None
    active = sender or make_sender(app)
    try:
        plan(utcnow())
        tally = deliver_due(active, origin=reminder_emails.public_base(app))
        tally.emailed = reminder_emails.send_due(app)
        return tally
    finally:
        if own and isinstance(active, PushSender):
            active.close()
        db.session.remove()


def run(app: Flask, stop: threading.Event, interval: float | None = None) -> None:
    """Dispatch every `interval` seconds until `stop` is set (SIGTERM sets it)."""
    pause = interval if interval is not None else app.config["WORKER_INTERVAL_SECONDS"]
    with make_sender(app) as sender:
        while not stop.is_set():
            try:
                tally = dispatch(app, sender)
                if tally.delivered or tally.failed or tally.retried:
                    log.info(
                        "delivered %s, retried %s, failed %s, skipped %s",
                        tally.delivered,
                        tally.retried,
                        tally.failed,
                        tally.skipped,
                    )
            except Exception:
                log.exception("dispatch pass failed; trying again next pass")
                db.session.rollback()
            stop.wait(pause)
    log.info("worker stopped")


def stop_on_signals(stop: threading.Event) -> None:
    """SIGTERM and SIGINT finish the notification in flight, then stop the loop."""

    def handler(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: finishing the current pass", signum)
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


__all__ = ["deliver_due", "dispatch", "plan", "run", "stop_on_signals"]
