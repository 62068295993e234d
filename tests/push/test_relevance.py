"""Reminders are judged again when they go out: quiet hours now, meetups as they are now."""

from __future__ import annotations

import threading
import time as clock
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Flask

from circles.extensions import db
from circles.models import Circle, Notification, Status, User
from circles.models.base import utcnow
from circles.models.meetup import OccurrenceChange
from circles.services.circles import membership
from circles.services.circles import operations as circle_actions
from circles.services.meetups import operations as meetup_actions
from circles.services.meetups import series as meetups
from circles.services.meetups.recurrence import Repeat
from circles.worker import deliver_due, make_sender, plan
from tests.conftest import AuthActions
from tests.support.push_service import LocalPushService


def _meetup_in(app: Flask, circle_id: int, host_id: int, minutes: int) -> None:
    with app.app_context():
        circle = db.session.get(Circle, circle_id)
        start = (utcnow() + timedelta(minutes=minutes)).astimezone(ZoneInfo(circle.time_zone))
        meetup_actions.schedule_series(
            db.session,
            circle,
            db.session.get(User, host_id),
            meetups.Plan(
                start_date=start.date(),
                start_time=start.time().replace(second=0, microsecond=0),
                duration_minutes=60,
                repeat=Repeat.NONE,
            ),
        )
        db.session.commit()
        plan(utcnow())


def _hour_reminders(app: Flask) -> list[Notification]:
    with app.app_context():
        rows = db.session.scalars(
            db.select(Notification).where(Notification.kind == "meetup_hour")
        ).all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


def test_a_reminder_for_a_cancelled_meetup_is_dropped(
    push_app: Flask, push_service: LocalPushService, sender, add_device, make_user, make_circle
) -> None:
    host = make_user()
    circle = make_circle(host)
    add_device(host)
    _meetup_in(push_app, circle.id, host.id, 50)
    with push_app.app_context():
        (occ,) = meetups.upcoming(db.session, [circle.id], utcnow())
        # Cancelled behind the operation's back, so the queued reminders are still there.
        db.session.add(
            OccurrenceChange(series_id=occ.series.id, occurrence_key=occ.key, cancelled=True)
        )
        db.session.commit()
        deliver_due(sender)
    assert push_service.deliveries() == []
    assert {n.status for n in _hour_reminders(push_app)} == {Status.DROPPED.value}


def test_cancelling_a_meetup_takes_its_queued_reminders_with_it(
    push_app: Flask, push_service: LocalPushService, sender, add_device, make_user, make_circle
) -> None:
    host = make_user()
    circle = make_circle(host)
    add_device(host)
    _meetup_in(push_app, circle.id, host.id, 50)
    assert len(_hour_reminders(push_app)) == 1
    with push_app.app_context():
        (occ,) = meetups.upcoming(db.session, [circle.id], utcnow())
        meetup_actions.cancel_occurrence(db.session, occ)
        db.session.commit()
        plan(utcnow())
        deliver_due(sender)
    assert push_service.deliveries() == []
    assert _hour_reminders(push_app) == []


def test_a_moved_meetup_gets_a_reminder_for_its_new_time(
    push_app: Flask, push_service: LocalPushService, sender, add_device, make_user, make_circle
) -> None:
    host = make_user()
    circle = make_circle(host, time_zone="UTC")
    add_device(host)
    _meetup_in(push_app, circle.id, host.id, 50)
    with push_app.app_context():
        (occ,) = meetups.upcoming(db.session, [circle.id], utcnow())
        later = (occ.start + timedelta(minutes=5)).replace(tzinfo=None)
        meetup_actions.move_occurrence(db.session, occ, later, utcnow())
        db.session.commit()
        plan(utcnow())
        deliver_due(sender)
    hour = [
        d for d in push_service.deliveries() if d.json["body"] == "Your circle meets in an hour"
    ]
    assert len(hour) == 1
    # The reminder for the old time went with the move; the one for the new time was sent.
    statuses = sorted(n.status for n in _hour_reminders(push_app))
    assert statuses == [Status.SENT.value]


def test_someone_who_left_the_circle_gets_no_more_of_its_reminders(
    push_app: Flask, push_service: LocalPushService, sender, add_device, make_user, make_circle
) -> None:
    host, leaver = make_user(), make_user()
    circle = make_circle(host, members=(leaver,))
    add_device(leaver)
    _meetup_in(push_app, circle.id, host.id, 50)
    with push_app.app_context():
        circle_actions.leave(db.session, membership.membership(db.session, circle.id, leaver.id))
        db.session.commit()
        deliver_due(sender)
    assert push_service.deliveries() == []


def test_quiet_hours_set_after_queueing_still_hold_the_reminder_back(
    push_app: Flask, push_service: LocalPushService, sender, add_device, make_user
) -> None:
    from circles.services.reminders import outbox
    from circles.services.reminders.kinds import Kind

    user = make_user(time_zone="UTC")
    add_device(user)
    now = datetime(2026, 6, 10, 22, 0, tzinfo=UTC)
    with push_app.app_context():
        outbox.enqueue(
            db.session,
            db.session.get(User, user.id),
            Kind.load_checkin,
            "late",
            now,
            url="/load",
            tag="load-checkin",
        )
        person = db.session.get(User, user.id)
        person.quiet_start, person.quiet_end = time(21, 0), time(7, 0)
        db.session.commit()
        deliver_due(sender, now=lambda: now)
        note = db.session.scalar(db.select(Notification))
        assert note.status == Status.PENDING.value
        assert note.next_attempt_at == datetime(2026, 6, 11, 7, 0, tzinfo=UTC)
    assert push_service.deliveries() == []


def test_a_hanging_push_service_does_not_block_the_web_app(
    make_app, mailbox, push_service: LocalPushService, make_user
) -> None:
    from circles.services.reminders import outbox
    from circles.services.reminders.kinds import Kind
    from tests.push.conftest import SUBJECT

    app = make_app(
        PUSH_ALLOW_HTTP_LOCALHOST=True,
        VAPID_SUBJECT=SUBJECT,
        PUSH_READ_TIMEOUT=4,
        SQLITE_BUSY_TIMEOUT_MS=1000,
    )
    user = make_user()
    subscription = push_service.new_subscription()
    push_service.hang(3, endpoint=subscription["endpoint"])
    client = app.test_client()
    AuthActions(client).login(user.email)
    client.post("/push/subscriptions", json=subscription)
    with app.app_context():
        outbox.enqueue(
            db.session,
            db.session.get(User, user.id),
            Kind.load_checkin,
            "slow",
            utcnow(),
            url="/load",
            tag="load-checkin",
            respect_quiet_hours=False,
        )
        db.session.commit()

    def work() -> None:
        with make_sender(app) as sender, app.app_context():
            deliver_due(sender)

    worker = threading.Thread(target=work)
    worker.start()
    push_service.wait_until_holding()  # the worker is now waiting on the push service
    started = clock.monotonic()
    response = client.post("/log", data={"intensity": "3", "client_id": "during-hang"})
    took = clock.monotonic() - started
    worker.join(timeout=15)
    assert response.status_code == 303
    assert took < 1.0
