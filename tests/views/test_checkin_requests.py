"""A check-in reaches a real person: propose times, accept one, or offer others, or not now."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
from flask import Flask

from circles.extensions import db
from circles.models import CheckinRequest, Notification
from circles.models.base import utcnow
from tests.conftest import logged_in
from tests.support.pages import text


def _times(*days: int, hour: str = "18:00") -> dict[str, str]:
    today = utcnow().astimezone(ZoneInfo("Europe/London")).date()
    data: dict[str, str] = {"way": "call"}
    for n, ahead in enumerate(days, start=1):
        data[f"date{n}"] = (today + timedelta(days=ahead)).isoformat()
        data[f"time{n}"] = hour
    return data


def _kinds_for(app: Flask, user) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                db.select(Notification.kind)
                .where(Notification.user_id == user.id)
                .order_by(Notification.id)
            )
        )


def test_a_peer_reaches_out_proposes_times_and_the_leader_accepts_one(
    app: Flask, make_user, make_circle
) -> None:
    leader, peer = make_user(display_name="Lee"), make_user(display_name="Pia")
    circle = make_circle(leader, members=(peer,))
    lee, pia = logged_in(app, leader), logged_in(app, peer)
    lee.post(f"/circles/{circle.id}/checkins/signal", data={"kind": "checkin", "action": "raise"})
    signal_card = pia.get("/").get_data(as_text=True)
    assert f"/circles/{circle.id}/checkins/propose/{leader.id}" in signal_card
    with app.app_context():
        from circles.models import CheckinSignal

        signal_id = db.session.scalar(db.select(CheckinSignal.id))
    pia.post(f"/circles/{circle.id}/checkins/{signal_id}/answer")
    assert "Pia will reach out." in text(lee.get("/"))
    assert "signal_answered" in _kinds_for(app, leader)

    form = pia.get(f"/circles/{circle.id}/checkins/propose/{leader.id}")
    assert form.status_code == 200 and "With Lee." in text(form)
    sent = pia.post(f"/circles/{circle.id}/checkins/propose/{leader.id}", data=_times(2, 3))
    assert sent.status_code == 303
    assert "Waiting for Lee to answer" in text(pia.get("/"))
    today = text(lee.get("/"))
    assert "Pia proposes a call. Which time suits you?" in today
    assert "checkin_request" in _kinds_for(app, leader)

    with app.app_context():
        request_id = db.session.scalar(db.select(CheckinRequest.id))
    assert (
        lee.post(f"/checkins/requests/{request_id}/accept", data={"time": "1"}).status_code == 303
    )
    agreed_for_pia = text(pia.get("/"))
    assert "A call with Lee" in agreed_for_pia and "18:00" in agreed_for_pia
    assert "A call with Pia" in text(lee.get("/"))
    assert _kinds_for(app, peer).count("checkin_soon") == 1
    assert _kinds_for(app, leader).count("checkin_soon") == 1
    with app.app_context():
        soon = db.session.scalar(
            db.select(Notification).where(Notification.kind == "checkin_soon").limit(1)
        )
        accepted = db.session.get(CheckinRequest, request_id)
        assert soon.due_at == accepted.accepted_time - timedelta(hours=1)
        assert "Pia" not in soon.body and "Lee" not in soon.body  # generic words only
    feed_link = re.search(
        r'id="calendar-link"[^>]*value="https?://[^/]+([^"]+)"',
        lee.get("/me").get_data(as_text=True),
    )
    assert feed_link, "Me shows the private calendar link"
    feed = icalendar.Calendar.from_ical(lee.get(feed_link.group(1)).get_data())
    (event,) = [e for e in feed.walk("VEVENT") if str(e["summary"]).startswith("A call")]
    assert str(event["summary"]) == "A call with Pia"
    with app.app_context():
        assert event.decoded("dtstart") == db.session.get(CheckinRequest, request_id).accepted_time
    again = lee.post(f"/checkins/requests/{request_id}/accept", data={"time": "0"})
    assert "already been answered" in text(lee.get("/"))
    assert again.status_code == 303


def test_other_times_make_a_new_request_the_other_way_and_not_now_closes_it(
    app: Flask, make_user, make_circle
) -> None:
    leader, peer = make_user(display_name="Lee"), make_user(display_name="Pia")
    circle = make_circle(leader, members=(peer,))
    lee, pia = logged_in(app, leader), logged_in(app, peer)
    pia.post(f"/circles/{circle.id}/checkins/propose/{leader.id}", data=_times(1))
    with app.app_context():
        first = db.session.scalar(db.select(CheckinRequest.id))
    assert lee.get(f"/checkins/requests/{first}/counter").status_code == 200
    lee.post(f"/checkins/requests/{first}/counter", data=_times(4, 5, 6, hour="08:30"))
    offered = text(pia.get("/"))
    assert "Lee proposes a call" in offered and offered.count("08:30") == 3
    with app.app_context():
        second = db.session.scalar(db.select(CheckinRequest.id).where(CheckinRequest.id != first))
    pia.post(f"/checkins/requests/{second}/not-now")
    assert "Lee proposes" not in text(pia.get("/"))
    assert "Waiting for Pia" not in text(lee.get("/"))


def test_bad_times_and_strangers_are_refused(app: Flask, make_user, make_circle) -> None:
    leader, peer, outsider = make_user(), make_user(), make_user()
    circle = make_circle(leader, members=(peer,))
    pia = logged_in(app, peer)
    url = f"/circles/{circle.id}/checkins/propose/{leader.id}"
    past = pia.post(url, data=_times(-1))
    assert past.status_code == 400 and "still to come" in text(past)
    half = pia.post(url, data=_times(1) | {"date2": _times(2)["date1"]})
    assert half.status_code == 400 and "both a day and a time" in text(half)
    twice = pia.post(url, data=_times(2, 2, 3))
    assert twice.status_code == 400 and "a different time for each choice" in text(twice)
    third = text(pia.post(url, data=_times(1, 2) | {"date3": _times(3)["date1"]}))
    assert third.index("Third choice") < third.index("both a day and a time")  # under its row
    far = pia.post(url, data=_times(90))
    assert far.status_code == 400 and "two months" in text(far)
    stranger = logged_in(app, outsider)
    assert stranger.get(url).status_code == 404
    assert pia.get(f"/circles/{circle.id}/checkins/propose/{outsider.id}").status_code == 404
    assert pia.get(f"/circles/{circle.id}/checkins/propose/{peer.id}").status_code == 404
    pia.post(url, data=_times(1))
    with app.app_context():
        request_id = db.session.scalar(db.select(CheckinRequest.id))
    assert (
        stranger.post(f"/checkins/requests/{request_id}/accept", data={"time": "0"}).status_code
        == 404
    )
    assert (
        pia.post(f"/checkins/requests/{request_id}/accept", data={"time": "0"}).status_code == 404
    )
    assert (
        logged_in(app, leader)
        .post(f"/checkins/requests/{request_id}/accept", data={"time": "2"})
        .status_code
        == 400
    )


def test_a_reminder_for_a_check_in_taken_back_is_not_sent(
    app: Flask, make_user, make_circle
) -> None:
    from circles.services.reminders.relevance import still_relevant

    leader, peer = make_user(), make_user()
    circle = make_circle(leader, members=(peer,))
    pia = logged_in(app, peer)
    pia.post(f"/circles/{circle.id}/checkins/propose/{leader.id}", data=_times(2))
    with app.app_context():
        request_id = db.session.scalar(db.select(CheckinRequest.id))
    logged_in(app, leader).post(f"/checkins/requests/{request_id}/accept", data={"time": "0"})
    with app.app_context():
        reminder = db.session.scalar(
            db.select(Notification).where(Notification.kind == "checkin_soon")
        )
        assert still_relevant(db.session, reminder, utcnow())
    pia.post(f"/checkins/requests/{request_id}/withdraw")
    with app.app_context():
        reminder = db.session.scalar(
            db.select(Notification).where(Notification.kind == "checkin_soon")
        )
        assert not still_relevant(db.session, reminder, utcnow())
