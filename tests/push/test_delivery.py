"""Reminders end to end: outbox -> worker -> the local push service, which decrypts them."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from flask import Flask

from circles.extensions import db
from circles.models import Notification, PushSubscription, Status, User
from circles.models.base import utcnow
from circles.services.meetups import operations as meetup_actions
from circles.services.meetups import series as meetups
from circles.services.meetups.recurrence import Repeat
from circles.services.reminders import delivery, outbox
from circles.services.reminders.kinds import Kind
from circles.worker import deliver_due, plan
from tests.push.conftest import SUBJECT
from tests.support.push_service import LocalPushService


def _queue(
    app: Flask, user: Any, key: str, kind: Kind = Kind.load_checkin, due: datetime | None = None
) -> None:
    with app.app_context():
        outbox.enqueue(
            db.session,
            db.session.get(User, user.id),
            kind,
            key,
            due or utcnow(),
            url="/load",
            tag="load-checkin",
        )
        db.session.commit()


class _WorkerDied(BaseException):
    """The worker process ends here (a kill, not an error the worker could handle)."""


class _DiesAfter:
    """A sender that lets `sends` POSTs through, then kills the worker at the next one.

    With `posts_last`, that last POST reaches the push service before the worker dies, so the
    delivery is never recorded.
    """

    def __init__(self, real: Any, sends: int, posts_last: bool) -> None:
        self.real, self.left, self.posts_last = real, sends, posts_last

    def send(self, subscription: Any, payload: bytes, **headers: Any) -> Any:
        if self.left == 0:
            if self.posts_last:
                self.real.send(subscription, payload, **headers)
            raise _WorkerDied
        self.left -= 1
        return self.real.send(subscription, payload, **headers)


def _deliver(app: Flask, sender: Any, at: datetime | None = None) -> delivery.Tally:
    with app.app_context():
        return deliver_due(sender, now=lambda: at or utcnow())


def _status(app: Flask, key: str) -> Notification:
    with app.app_context():
        note = db.session.scalar(db.select(Notification).where(Notification.dedupe_key == key))
        db.session.expunge(note)
        return note


def _devices(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(PushSubscription)) or 0


def test_a_due_meetup_reminder_arrives_decrypted_with_generic_words_and_headers(
    push_app: Flask, push_service: LocalPushService, sender, add_device, make_user, make_circle
) -> None:
    host = make_user(time_zone="Europe/London")
    circle = make_circle(host, name="Secret Circle Name", time_zone="Europe/London")
    add_device(host)
    start = (utcnow() + timedelta(minutes=50)).astimezone(
        __import__("zoneinfo").ZoneInfo("Europe/London")
    )
    with push_app.app_context():
        series = meetup_actions.schedule_series(
            db.session,
            db.session.get(type(circle), circle.id),
            db.session.get(User, host.id),
            meetups.Plan(
                start_date=start.date(),
                start_time=start.time().replace(second=0, microsecond=0),
                duration_minutes=90,
                repeat=Repeat.NONE,
            ),
        )
        db.session.commit()
        series_id = series.id
        plan(utcnow())
    _deliver(push_app, sender)
    (arrived,) = [
        d for d in push_service.deliveries() if d.json["body"] == "Your circle meets in an hour"
    ]
    assert arrived.json["title"] == "Circles"
    assert arrived.json["url"].startswith(f"/circles/{circle.id}/meetups/{series_id}/")
    assert "Secret" not in arrived.payload.decode()
    assert len(arrived.payload) < 1024
    assert arrived.headers["Content-Encoding"] == "aes128gcm"
    assert arrived.headers["Content-Type"] == "application/octet-stream"
    assert arrived.ttl == 3600 and arrived.urgency == "high"
    assert arrived.topic and len(arrived.topic) <= 32
    assert push_service.rejections() == []


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_subscription_is_deleted_and_never_posted_to_again(
    push_app: Flask, push_service: LocalPushService, sender, add_device, make_user, status: int
) -> None:
    user = make_user()
    device = add_device(user)
    push_service.respond_with(status, endpoint=device["endpoint"])
    _queue(push_app, user, "gone-1")
    _deliver(push_app, sender)
    assert _devices(push_app) == 0
    assert _status(push_app, "gone-1").status == Status.SKIPPED.value
    _queue(push_app, user, "gone-2")
    _deliver(push_app, sender)
    assert len(push_service.rejections()) == 1  # one POST only


def test_413_is_recorded_and_not_retried(
    push_app, push_service, sender, add_device, make_user
) -> None:
    user = make_user()
    add_device(user)
    push_service.respond_with(413)
    _queue(push_app, user, "big")
    _deliver(push_app, sender)
    note = _status(push_app, "big")
    assert note.status == Status.FAILED.value and note.attempts == 1
    assert _devices(push_app) == 1


@pytest.mark.parametrize("status", [429, 503])
def test_busy_answers_retry_after_the_time_the_service_asks(
    push_app, push_service, sender, add_device, make_user, status: int
) -> None:
    user = make_user()
    add_device(user)
    push_service.respond_with(status, retry_after=120)
    now = utcnow()
    _queue(push_app, user, "busy", due=now)
    _deliver(push_app, sender, at=now)
    note = _status(push_app, "busy")
    assert note.status == Status.PENDING.value
    assert abs((note.next_attempt_at - now).total_seconds() - 120) < 2
    push_service.reset_behaviour()
    _deliver(push_app, sender, at=now + timedelta(seconds=121))
    assert _status(push_app, "busy").status == Status.SENT.value
    assert len(push_service.deliveries()) == 1


def test_a_server_error_backs_off_with_jitter_and_is_capped(
    push_app, push_service, sender, add_device, make_user
) -> None:
    user = make_user()
    add_device(user)
    push_service.respond_with(500)
    now = utcnow()
    _queue(push_app, user, "flaky", due=now)
    _deliver(push_app, sender, at=now)
    note = _status(push_app, "flaky")
    assert note.status == Status.PENDING.value and note.attempts == 1
    assert 0 <= (note.next_attempt_at - now).total_seconds() <= 30


@pytest.mark.parametrize("status", [400, 401, 403])
def test_vapid_problems_keep_the_subscription_and_log_loudly(
    push_app,
    push_service,
    sender,
    add_device,
    make_user,
    status: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    user = make_user()
    add_device(user)
    push_service.respond_with(status)
    _queue(push_app, user, "config")
    with caplog.at_level(logging.ERROR, logger="circles.services.reminders.delivery"):
        _deliver(push_app, sender)
    assert _devices(push_app) == 1
    assert _status(push_app, "config").status == Status.FAILED.value
    assert any("VAPID" in record.getMessage() for record in caplog.records)


def test_a_hanging_service_times_out_while_others_still_get_theirs(
    push_app, push_service, sender, add_device, make_user
) -> None:
    slow_user, fine_user = make_user(), make_user()
    slow = add_device(slow_user)
    fine = add_device(fine_user)
    push_service.hang(3, endpoint=slow["endpoint"])
    _queue(push_app, slow_user, "slow")
    _queue(push_app, fine_user, "fine")
    started = datetime.now(UTC)
    _deliver(push_app, sender)
    assert (datetime.now(UTC) - started).total_seconds() < 2.5  # the read timeout, not the hang
    assert len(push_service.deliveries(endpoint=fine["endpoint"])) == 1
    assert _status(push_app, "slow").status == Status.PENDING.value  # retried later


def test_several_workers_deliver_each_notification_once(
    push_app: Flask, push_service: LocalPushService, add_device, make_user
) -> None:
    users = [make_user() for _ in range(8)]
    for user in users:
        add_device(user)
    for n in range(40):
        _queue(push_app, users[n % 8], f"many-{n}")
    from circles.worker import make_sender

    errors: list[BaseException] = []

    def work() -> None:
        try:
            with make_sender(push_app) as own_sender:
                _deliver(push_app, own_sender)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(push_service.deliveries()) == 40
    with push_app.app_context():
        statuses = db.session.scalars(db.select(Notification.status)).all()
    assert statuses == [Status.SENT.value] * 40


def test_a_worker_killed_mid_batch_loses_nothing(
    push_app: Flask, push_service: LocalPushService, sender, add_device, make_user
) -> None:
    user = make_user()
    add_device(user)
    for n in range(3):
        _queue(push_app, user, f"batch-{n}")
    now = utcnow()
    dying = _DiesAfter(sender, sends=1, posts_last=False)  # sends one, dies before the second
    with pytest.raises(_WorkerDied):
        _deliver(push_app, dying, at=now)
    assert len(push_service.deliveries()) == 1
    assert _deliver(push_app, sender, at=now + timedelta(minutes=1)).delivered == 0  # still leased
    restarted = _deliver(push_app, sender, at=now + delivery.LEASE + timedelta(seconds=1))
    assert restarted.delivered == 2  # the two in flight, nothing lost and nothing sent twice
    topics = [d.topic for d in push_service.deliveries()]
    assert len(topics) == 3 and len(set(topics)) == 3


def test_quiet_hours_defer_a_reminder(push_app: Flask, make_user) -> None:
    now = datetime(2026, 6, 10, 21, 30, tzinfo=UTC)
    user = make_user(time_zone="UTC", quiet_start=time(21, 0), quiet_end=time(7, 0))
    _queue(push_app, user, "quiet", due=now)
    note = _status(push_app, "quiet")
    assert note.due_at == datetime(2026, 6, 11, 7, 0, tzinfo=UTC)


def test_scheduling_the_same_reminder_twice_stores_it_once(push_app: Flask, make_user) -> None:
    user = make_user()
    _queue(push_app, user, "same")
    _queue(push_app, user, "same")
    with push_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 1


def test_without_a_device_the_reminder_stays_in_the_app_list(
    push_app: Flask, sender, make_user
) -> None:
    from tests.conftest import AuthActions

    user = make_user()
    _queue(push_app, user, "in-app")
    _deliver(push_app, sender)
    client = push_app.test_client()
    AuthActions(client).login(user.email)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Time to check in with a peer" in page and "New" in page
    assert "1 new" in client.get("/").get_data(as_text=True)
    with push_app.app_context():
        note_id = db.session.scalar(db.select(Notification.id))
    opened = client.post(f"/notifications/{note_id}/open")
    assert opened.headers["Location"] == "/load"
    assert "1 new" not in client.get("/").get_data(as_text=True)


def test_the_subject_is_exactly_the_configured_contact(
    push_app, push_service, sender, add_device, make_user
) -> None:
    user = make_user()
    add_device(user)
    _queue(push_app, user, "subject")
    _deliver(push_app, sender)
    (arrived,) = push_service.deliveries()
    import jwt

    token = arrived.headers["Authorization"].split("t=", 1)[1].split(",", 1)[0]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["sub"] == SUBJECT
    assert claims["aud"] == push_service.origin


def test_a_crash_between_the_post_and_the_commit_resends_with_the_same_topic_and_tag(
    push_app: Flask, push_service: LocalPushService, sender, add_device, make_user
) -> None:
    user = make_user()
    add_device(user)
    _queue(push_app, user, "in-flight")
    now = utcnow()
    dying = _DiesAfter(sender, sends=0, posts_last=True)  # POSTs, then dies before recording
    with pytest.raises(_WorkerDied):
        _deliver(push_app, dying, at=now)
    _deliver(push_app, sender, at=now + delivery.LEASE + timedelta(seconds=1))
    first, second = push_service.deliveries()
    assert first.topic == second.topic  # the push service replaces the pending copy
    assert first.json["tag"] == second.json["tag"]  # the device shows one notification
    assert _status(push_app, "in-flight").status == Status.SENT.value


def test_the_app_refuses_to_start_with_keys_that_do_not_belong_together(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from circles import create_app
    from circles.push import vapid
    from tests.conftest import app_config

    one, other = vapid.generate(), vapid.generate()
    monkeypatch.setenv("VAPID_PRIVATE_KEY", one.private_pem.decode())
    monkeypatch.setenv("VAPID_PUBLIC_KEY", other.public_pem.decode())
    with pytest.raises(ValueError, match=r"(?i)belong|match|pair"):
        create_app(app_config())
