"""After a meetup: who came, the circle's history, a private "how was it", a gentle note."""

from __future__ import annotations

from datetime import time, timedelta

from flask import Flask

from circles.extensions import db
from circles.models import MeetupFeeling, MeetupSeries, Notification
from circles.models.base import utcnow
from circles.services.meetups import series as meetups
from circles.services.meetups.recurrence import Repeat
from circles.timezones import local_date
from tests.conftest import logged_in
from tests.support.pages import text


def _past_weekly(app: Flask, circle_id: int, host_id: int, rotate: bool = False) -> list[str]:
    """A weekly series whose first two meetups are past; the paths of those two."""
    from circles.models import Circle, User
    from circles.services.meetups import operations as meetup_actions

    with app.app_context():
        circle, host = db.session.get(Circle, circle_id), db.session.get(User, host_id)
        plan = meetups.Plan(
            start_date=local_date(utcnow(), "Europe/London") + timedelta(days=1),
            start_time=time(9, 0),
            duration_minutes=60,
            repeat=Repeat.WEEKLY,
            rotate_facilitator=rotate,
        )
        series = meetup_actions.schedule_series(db.session, circle, host, plan)
        db.session.commit()
        stored = db.session.get(MeetupSeries, series.id)
        stored.start_date -= timedelta(days=15)  # two weeks on: its first two meetups are past
        db.session.commit()
        held = meetups.occurrences_between(
            db.session, [stored], utcnow() - timedelta(days=20), utcnow()
        )
        return [f"/circles/{circle_id}/meetups/{stored.id}/{occ.key}" for occ in held[:2]]


def test_the_host_records_who_came_and_the_circle_keeps_its_history(
    app: Flask, make_user, make_circle
) -> None:
    host, ari, bo = (make_user(display_name=n) for n in ("Hana", "Ari", "Bo"))
    circle = make_circle(host, members=(ari, bo))
    first, second = _past_weekly(app, circle.id, host.id)
    hana, ari_client, bo_client = (logged_in(app, u) for u in (host, ari, bo))
    assert (
        ari_client.post(first + "/attendance", data={"present": [str(ari.id)]}).status_code == 403
    )
    page = text(hana.get(first))
    assert "After the meetup" in page and "Who was there" in page
    for path in (first, second):
        saved = hana.post(
            path + "/attendance", data={"present": [str(host.id), str(ari.id)], "format": "forum"}
        )
        assert saved.status_code == 303
    circle_page = text(ari_client.get(f"/circles/{circle.id}"))
    assert "Past meetups" in circle_page and "You came to 2 of the last 2." in circle_page
    assert "Forum" in circle_page and "Ari, Hana" in circle_page
    assert "You came to 0 of the last 2." in text(bo_client.get(f"/circles/{circle.id}"))
    with app.app_context():
        notes = db.session.scalars(
            db.select(Notification).where(Notification.kind == "missed_you")
        ).all()
        assert [n.user_id for n in notes] == [bo.id]  # only Bo missed both, and once
        assert "Bo" not in notes[0].body and "Hana" not in notes[0].body
    stranger = make_user()
    assert logged_in(app, stranger).post(second + "/attendance", data={}).status_code == 404
    bad = hana.post(second + "/attendance", data={"present": [str(stranger.id)]})
    assert bad.status_code == 400


def test_how_it_felt_is_private_and_counts_show_from_three(
    app: Flask, make_user, make_circle
) -> None:
    people = [make_user(display_name=f"P{n}") for n in range(4)]
    host = people[0]
    circle = make_circle(host, members=tuple(people[1:]))
    first, _second = _past_weekly(app, circle.id, host.id)
    hana = logged_in(app, host)
    there = [str(p.id) for p in people[:3]]
    hana.post(first + "/attendance", data={"present": there, "format": "circle_round"})
    absent = logged_in(app, people[3])
    absent.post(first + "/feeling", data={"feeling": "hard"})
    for person, feeling in zip(people[:2], ("helped", "hard"), strict=True):
        logged_in(app, person).post(first + "/feeling", data={"feeling": feeling})
    assert "How it was shows once three people have answered." in text(hana.get(first))
    logged_in(app, people[2]).post(first + "/feeling", data={"feeling": "helped"})
    assert "How it was: 2 helped, 0 neutral, 1 hard." in text(hana.get(first))
    member_view = text(logged_in(app, people[1]).get(first))
    assert "How it was:" not in member_view  # counts are for the host
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(MeetupFeeling)) == 3
    assert hana.post(first + "/feeling", data={"feeling": "meh"}).status_code == 400


def test_a_host_can_turn_the_missed_you_note_off(app: Flask, make_user, make_circle) -> None:
    host, ari = make_user(), make_user()
    circle = make_circle(host, members=(ari,))
    hana = logged_in(app, host)
    hana.post(f"/circles/{circle.id}/host/missed-you", data={})
    assert "Turn the note on" in text(hana.get(f"/circles/{circle.id}/host"))
    for path in _past_weekly(app, circle.id, host.id):
        hana.post(path + "/attendance", data={"present": [str(host.id)], "format": "forum"})
    with app.app_context():
        kinds = db.session.scalars(db.select(Notification.kind)).all()
        assert "missed_you" not in kinds


def test_the_facilitator_rotation_follows_who_really_came(
    app: Flask, make_user, make_circle
) -> None:
    host, ari, bo = (make_user(display_name=n) for n in ("Hana", "Ari", "Bo"))
    circle = make_circle(host, members=(ari, bo))
    first, second = _past_weekly(app, circle.id, host.id, rotate=True)
    hana = logged_in(app, host)
    assert "Facilitator: You" in text(hana.get(first))  # first in the queue
    hana.post(first + "/attendance", data={"present": [str(ari.id), str(bo.id)], "format": "forum"})
    assert "Facilitator: Ari" in text(hana.get(first))  # Hana wasn't there: skipped, not lost
    assert "Facilitator: You" in text(hana.get(second))
