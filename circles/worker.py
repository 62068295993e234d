"""The reminder worker: plan what is due into the outbox, then deliver it (never in a request)."""

from __future__ import annotations

import logging
import os
import signal
import socket
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
from circles.services.monitoring import health
from circles.services.monitoring import operations as monitoring
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


def worker_name() -> str:
    """This process, as its heartbeat row names it."""
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def record_pass(backlog: health.Backlog, tally: delivery.Tally) -> None:
    """Write this worker's heartbeat and log the pass's numbers (the worker's metrics)."""
    counts = monitoring.PassCounts(
        due=backlog.due, sent=tally.delivered, failed=tally.failed, lag_seconds=backlog.lag_seconds
    )
    with write_intent():
        monitoring.record_pass(db.session, worker_name(), utcnow(), counts)
        db.session.commit()
    log.info(
        "pass: due %s, sent %s, failed %s, retried %s, in-app only %s, emailed %s, "
        "oldest due %ss late",
        counts.due,
        counts.sent,
        counts.failed,
        tally.retried,
        tally.skipped,
        tally.emailed,
        counts.lag_seconds if counts.lag_seconds is not None else 0,
        extra={
            "due": counts.due,
            "sent": counts.sent,
            "failed": counts.failed,
            "retried": tally.retried,
            "skipped": tally.skipped,
            "emailed": tally.emailed,
            "lag_seconds": counts.lag_seconds,
        },
    )


def dispatch(app: Flask, sender: Sender | None = None) -> delivery.Tally:
    """One pass: plan, deliver what is due, then record the pass as this worker's heartbeat."""
    own = sender is None
    active = sender or make_sender(app)
    try:
        plan(utcnow())
        backlog = health.backlog(db.session, utcnow())
        db.session.commit()  # end the read: delivery opens its own transactions
        tally = deliver_due(active, origin=reminder_emails.public_base(app))
        tally.emailed = reminder_emails.send_due(app)
        record_pass(backlog, tally)
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
                dispatch(app, sender)
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


__all__ = ["deliver_due", "dispatch", "plan", "record_pass", "run", "stop_on_signals"]
