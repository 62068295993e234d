"""Reminders by email, through a real SMTP server on 127.0.0.1, parsed as a mail app would."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
from flask import Flask

from circles import worker
from circles.extensions import db
from circles.models import Circle, Notification, PushSubscription, User
from circles.models.base import utcnow
from circles.services.meetups import operations as meetup_actions
from circles.services.meetups import series as meetups
from circles.services.meetups.recurrence import Repeat
from circles.services.reminders import outbox
from circles.services.reminders.kinds import Kind
from circles.services.reminders.relevance import meetup_dedupe_key
from tests.support.mailbox import Mailbox

# Beyond the planning horizon at any hour, so the one reminder is the one each test enqueues.
MEETS_IN = timedelta(days=7)


def _meetup_reminder(app: Flask, user: User, circle_id: int) -> None:
    with app.app_context():
        circle = db.session.get(Circle, circle_id)
        host = db.session.get(User, circle.created_by_id)
        plan = meetups.Plan(
            start_date=date.today() + MEETS_IN,  # noqa: DTZ011
            start_time=time(19, 0),
            duration_minutes=90,
            repeat=Repeat.WEEKLY,
        )
        meetup_actions.schedule_series(db.session, circle, host, plan)
        (occurrence,) = meetups.upcoming(db.session, [circle.id], utcnow(), per_circle=1)
        reader = db.session.get(User, user.id)
        outbox.enqueue(
            db.session,
            reader,
            Kind.meetup_soon,
            meetup_dedupe_key(Kind.meetup_soon, reader.id, occurrence),
            utcnow(),
            url=f"/circles/{circle.id}",
            tag="meetup",
            respect_quiet_hours=False,
        )
        db.session.commit()


def _remind(app: Flask, user: User, kind: Kind, key: str) -> None:
    with app.app_context():
        outbox.enqueue(
            db.session,
            db.session.get(User, user.id),
            kind,
            key,
            utcnow(),
            url="/",
            tag=key,
            respect_quiet_hours=False,
        )
        db.session.commit()


def _dispatch(app: Flask) -> int:
    with app.app_context():
        return worker.dispatch(app, sender=object()).emailed  # type: ignore[arg-type]


def test_a_meetup_reminder_is_emailed_to_someone_without_push_and_one_click_stops_it(
    app: Flask, make_user, make_circle, mailbox: Mailbox
) -> None:
    host = make_user(display_name="Hana")
    reader = make_user(display_name="Ari", email="ari@example.com", time_zone="America/New_York")
    circle = make_circle(host, members=(reader,), name="Harbour circle", time_zone="Europe/London")
    _meetup_reminder(app, reader, circle.id)
    assert _dispatch(app) == 1
    email = mailbox.wait_for("ari@example.com")
    start = datetime.combine(
        date.today() + MEETS_IN,  # noqa: DTZ011 - as the meetup was planned
        time(19, 0),
        ZoneInfo("Europe/London"),
    )
    in_new_york = start.astimezone(ZoneInfo("America/New_York"))
    assert email["Subject"] == f"Harbour circle: {in_new_york:%A %-d %B} at {in_new_york:%H:%M}"
    assert "(America/New_York)" in email.get_body(("plain",)).get_content()
    (ics,) = [
        part for part in email.iter_attachments() if part.get_content_type() == "text/calendar"
    ]
    event = icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert "Harbour circle" in str(event["summary"])
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = email["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://circles.test/email/unsubscribe/")
    assert _dispatch(app) == 0  # sent once, never twice

    one_click = app.test_client().post(
        link.removeprefix("http://circles.test"), data="List-Unsubscribe=One-Click"
    )
    assert one_click.status_code == 200 and "no longer come by email" in one_click.get_data(True)
    mailbox.clear()
    _meetup_reminder(app, reader, circle.id)
    assert _dispatch(app) == 0 and mailbox.sent_to("ari@example.com") == []
    assert app.test_client().post("/email/unsubscribe/forged-token").status_code == 404


def test_other_reminders_wait_for_one_digest_a_day(app: Flask, make_user, mailbox: Mailbox) -> None:
    user = make_user(email="lee@example.com")
    client = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(client).login(user.email)
    every_kind_on = {kind.value: "y" for kind in Kind}
    chosen = every_kind_on | {"peer_signal_by": "email", "buddy_pairing_by": "both"}
    assert client.post("/me/reminders", data=chosen).status_code == 303
    _remind(app, user, Kind.peer_signal, "signal-1")
    _remind(app, user, Kind.buddy_pairing, "pair-1")
    _remind(app, user, Kind.load_checkin, "load-1")  # push only (the default): no email
    assert _dispatch(app) == 1
    digest = mailbox.wait_for("lee@example.com")
    body = digest.get_body(("plain",)).get_content()
    assert digest["Subject"] == "What's waiting for you in Circles"
    assert "Someone in your circle could use a check-in" in body
    assert "You have a new buddy in your circle" in body
    assert "Time to check in with a peer" not in body
    _remind(app, user, Kind.peer_signal, "signal-2")
    assert _dispatch(app) == 0  # the next digest waits a day
    with app.app_context():
        stored = db.session.get(User, user.id)
        stored.last_digest_at -= timedelta(hours=25)
        db.session.commit()
    assert _dispatch(app) == 1
    assert len(mailbox.sent_to("lee@example.com")) == 2


def test_someone_with_a_device_gets_meetup_reminders_by_push_not_email(
    app: Flask, make_user, make_circle, mailbox: Mailbox
) -> None:
    host = make_user()
    reader = make_user(email="pia@example.com")
    circle = make_circle(host, members=(reader,))
    with app.app_context():
        db.session.add(
            PushSubscription(
                user_id=reader.id,
                endpoint="https://push.example/pia",
                p256dh="BPx" + "a" * 84,
                auth="a" * 22,
                device="Phone",
            )
        )
        db.session.commit()
    _meetup_reminder(app, reader, circle.id)
    with app.app_context():
        from circles.services.reminders import emails

        note = db.session.scalar(db.select(Notification))
        note.status = "sent"  # as if the push went out
        db.session.commit()
        assert emails.plan(db.session, utcnow(), "http://circles.test") == []
        assert db.session.scalar(db.select(Notification.email_state)) == "none"
