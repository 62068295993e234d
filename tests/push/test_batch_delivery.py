"""Delivering a batch: a few statements whatever its size, POSTs in parallel, one record."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask

from circles.extensions import db
from circles.models import Notification, PushSubscription, Status, User
from circles.models.base import utcnow
from circles.services.reminders import outbox
from circles.services.reminders.kinds import Kind
from circles.worker import deliver_due
from tests.support.push_service import LocalPushService
from tests.support.queries import count_queries


def _queue(app: Flask, users: list[Any], count: int, prefix: str) -> None:
    with app.app_context():
        for n in range(count):
            outbox.enqueue(
                db.session,
                db.session.get(User, users[n % len(users)].id),
                Kind.load_checkin,
                f"{prefix}-{n}",
                utcnow(),
                url="/load",
                tag="load-checkin",
                respect_quiet_hours=False,
            )
        db.session.commit()


def _statuses(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(Notification.status)))


def test_a_batch_costs_the_same_statements_for_3_notifications_as_for_30(
    push_app: Flask, push_service: LocalPushService, sender, add_device, make_user
) -> None:
    users = [make_user() for _ in range(6)]
    for user in users:
        add_device(user)
    counts = []
    for size in (3, 30):
        _queue(push_app, users, size, f"size{size}")
        with push_app.app_context(), count_queries(db.engine) as statements:
            tally = deliver_due(sender)
        assert tally.delivered == size
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert len(push_service.deliveries()) == 33
    assert _statuses(push_app) == [Status.SENT.value] * 33


class _MeetingPoint:
    """A sender whose POSTs wait until `together` of them are in flight at once.

    Sent one after another, the first would wait in vain and the barrier would break.
    """

    def __init__(self, real: Any, together: int) -> None:
        self.real = real
        self.barrier = threading.Barrier(together, timeout=10)

    def send(self, subscription: Any, payload: bytes, **headers: Any) -> Any:
        self.barrier.wait()
        return self.real.send(subscription, payload, **headers)


def test_a_batch_is_posted_several_at_a_time(
    push_app: Flask, push_service: LocalPushService, sender, add_device, make_user
) -> None:
    users = [make_user() for _ in range(4)]
    for user in users:
        add_device(user)
    _queue(push_app, users, 4, "together")
    with push_app.app_context():
        tally = deliver_due(_MeetingPoint(sender, together=4), concurrency=4)
    assert tally.delivered == 4
    assert len(push_service.deliveries()) == 4


def test_a_device_gone_in_one_notification_is_skipped_by_the_next_in_the_batch(
    push_app: Flask, push_service: LocalPushService, sender, add_device, make_user
) -> None:
    user = make_user()
    device = add_device(user)
    push_service.respond_with(410, endpoint=device["endpoint"])
    _queue(push_app, [user], 3, "gone")
    with push_app.app_context():
        tally = deliver_due(sender)
    # Each was answered "gone" for the same device; the device is deleted once, no error.
    assert tally.skipped == 3
    assert _statuses(push_app) == [Status.SKIPPED.value] * 3


def test_a_delivery_clears_the_devices_earlier_failures(
    push_app: Flask, push_service: LocalPushService, sender, add_device, make_user
) -> None:
    user = make_user()
    add_device(user)
    with push_app.app_context():
        device = db.session.scalar(db.select(PushSubscription))
        device.error_count, device.first_error_at = 3, utcnow()
        db.session.commit()
    _queue(push_app, [user], 2, "recovered")
    with push_app.app_context():
        assert deliver_due(sender).delivered == 2
        device = db.session.scalar(db.select(PushSubscription))
        notes = list(db.session.scalars(db.select(Notification)))
        assert (device.error_count, device.first_error_at) == (0, None)
        assert device.last_success_at is not None
        assert {(n.status, n.attempts, n.sent_at is not None) for n in notes} == {
            (Status.SENT.value, 1, True)
        }
