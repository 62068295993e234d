"""The load log and check-ins as a leader uses them on the phone."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import Flask

from circles.extensions import db
from circles.models import CheckinSignal, LoadEntry, Notification
from circles.models.base import utcnow
from tests.conftest import logged_in
from tests.support.pages import text


def _client_id(page: str) -> str:
    match = re.search(r'name="client_id" value="([^"]+)"', page)
    assert match
    return match.group(1)


def test_two_taps_from_today_log_a_one_to_one(app: Flask, make_user) -> None:
    client = logged_in(app, make_user())
    today = client.get("/")
    assert "Nothing logged this week." in text(today)
    log_page = client.get("/log")  # tap one: "Log a 1:1" on Today
    assert "How heavy was it?" in text(log_page)
    assert "No names, no details. Only you see this." in text(log_page)
    saved = client.post(
        "/log", data={"intensity": "4", "client_id": _client_id(log_page.get_data(as_text=True))}
    )
    assert saved.status_code == 303  # tap two: "4 Heavy"
    logged = client.get(saved.headers["Location"])
    assert "Logged" in text(logged) and "Undo" in text(logged)
    assert "4 this week" in text(client.get("/"))


def test_undo_removes_the_last_entry(app: Flask, make_user) -> None:
    client = logged_in(app, make_user())
    saved = client.post("/log", data={"intensity": "2", "client_id": "undo-test-0001"})
    entry_id = saved.headers["Location"].rsplit("/", 1)[1]
    client.post(f"/log/{entry_id}/delete?undo=1")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(LoadEntry)) == 0


def test_a_double_tap_or_offline_retry_is_stored_once(app: Flask, make_user) -> None:
    client = logged_in(app, make_user())
    data = {"intensity": "3", "client_id": "offline-0001"}
    first = client.post("/log", data=data, headers={"Accept": "application/json"})
    second = client.post("/log", data=data, headers={"Accept": "application/json"})
    assert first.status_code == 201 and second.status_code == 200
    assert first.json["id"] == second.json["id"]


def test_details_tags_minutes_and_another_day(app: Flask, make_user) -> None:
    user = make_user(time_zone="UTC")
    client = logged_in(app, user)
    saved = client.post("/log", data={"intensity": "5", "client_id": "details-0001"})
    location = saved.headers["Location"]
    yesterday = (date.today() - timedelta(days=1)).isoformat()  # noqa: DTZ011
    response = client.post(
        location,
        data={"intensity": "4", "day": yesterday, "minutes": "45", "tags": ["burnout", "tears"]},
    )
    assert response.status_code == 303
    overview = text(client.get("/load"))
    assert "Heavy, 45 min (burnout, tears)" in overview
    bad = client.post(location, data={"intensity": "4", "day": "2999-01-01", "minutes": "45"})
    assert bad.status_code == 400 and "hasn't happened yet" in text(bad)
    bad = client.post(location, data={"intensity": "4", "day": yesterday, "minutes": "0"})
    assert bad.status_code == 400 and "From 1 to 600." in text(bad)


def test_opening_log_from_a_reminder_for_an_earlier_day_logs_that_day(
    app: Flask, make_user
) -> None:
    client = logged_in(app, make_user(time_zone="UTC"))
    day = date.today() - timedelta(days=2)  # noqa: DTZ011
    page = client.get(f"/log?day={day.isoformat()}")
    assert f"Logging for {day.strftime('%A %-d %B')}" in text(page)
    html = page.get_data(as_text=True)
    client.post(
        "/log", data={"intensity": "3", "client_id": _client_id(html), "day": day.isoformat()}
    )
    with app.app_context():
        assert db.session.scalar(db.select(LoadEntry.local_date)) == day
    assert client.get("/log?day=not-a-date").status_code == 400


def test_bad_log_input_gets_a_clear_message(app: Flask, make_user) -> None:
    client = logged_in(app, make_user())
    response = client.post("/log", data={"intensity": "9", "client_id": "bad-input-01"})
    assert response.status_code == 400 and "From 1 to 5." in text(response)
    response = client.post("/log", data={"intensity": "3", "client_id": "<script>"})
    assert response.status_code == 400 and "Reload the page" in text(response)


def test_entries_are_private_to_their_author(app: Flask, make_user, make_circle) -> None:
    author, peer = make_user(), make_user()
    make_circle(author, members=(peer,))
    mine = logged_in(app, author)
    saved = mine.post("/log", data={"intensity": "5", "client_id": "secret-0001"})
    location = saved.headers["Location"]
    theirs = logged_in(app, peer)
    assert theirs.get(location).status_code == 404
    assert theirs.post(location + "/delete").status_code == 404
    assert theirs.post(location, data={"intensity": "1", "day": "2026-01-01"}).status_code == 404
    assert "5 this week" not in text(theirs.get("/"))
    assert "Nothing logged" in text(theirs.get("/load"))


def test_load_page_explains_and_shows_the_arc_with_a_table(app: Flask, make_user) -> None:
    client = logged_in(app, make_user())
    client.post("/log", data={"intensity": "3", "client_id": "arc-000001"})
    page = client.get("/load")
    html = page.get_data(as_text=True)
    assert html.count('class="bar level-') == 1 and html.count('class="gap"') == 25
    assert ">nothing logged</text>" not in html  # the weeks before the first log are not gaps
    assert html.count('<text class="month" ') >= 5  # 26 weeks span at least five month labels
    assert ">This week</text>" in html
    words = text(page)
    assert "Not enough weeks yet to know your usual." in words  # one week: no usual to compare
    assert "How this is worked out" in words and "The same as a table" in words
    assert "Nothing logged" in words  # gaps are gaps, not light weeks
    assert "not care" in words and "crisis line" in words


def test_settings_change_the_baseline(app: Flask, make_user) -> None:
    client = logged_in(app, make_user())
    client.post("/load/settings", data={"typical_week": "4", "load_threshold": ""})
    client.post("/log", data={"intensity": "5", "client_id": "settings-001"})
    client.post("/log", data={"intensity": "5", "client_id": "settings-002"})
    assert "10 this week, usually about 4." in text(client.get("/"))
    bad = client.post("/load/settings", data={"typical_week": "0"})
    assert bad.status_code == 400 and "Between 1 and 200." in text(bad)


def test_a_heavy_week_shows_the_nudge_card_and_queues_one_nudge(
    app: Flask, make_user, make_circle
) -> None:
    user = make_user()
    make_circle(user, name="Harbour")
    client = logged_in(app, user)
    client.post("/load/settings", data={"typical_week": "5"})
    for n in range(3):
        client.post("/log", data={"intensity": "5", "client_id": f"heavy-{n:06d}"})
    today = text(client.get("/"))
    assert "A heavier week than your usual" in today
    assert "Tell my circle I could use a check-in" in today
    with app.app_context():
        nudges = db.session.scalars(db.select(Notification)).all()
        assert [n.kind for n in nudges] == ["load_checkin"]
    client.post("/load/nudge", data={"choice": "not_now"})
    assert "A heavier week than your usual" not in text(client.get("/"))


def test_signal_lifecycle(app: Flask, make_user, make_circle) -> None:
    asker, peer = make_user(display_name="Alex"), make_user(display_name="Sam")
    circle = make_circle(asker, members=(peer,))
    alex, sam = logged_in(app, asker), logged_in(app, peer)
    alex.post(f"/circles/{circle.id}/checkins/signal", data={"kind": "checkin", "action": "raise"})
    assert "Alex could use a check-in." in text(sam.get("/"))
    assert "Alex could use a check-in." in text(sam.get(f"/circles/{circle.id}"))
    with app.app_context():
        signal_id = db.session.scalar(db.select(CheckinSignal.id))
        peer_nudges = db.session.scalars(
            db.select(Notification).where(Notification.kind == "peer_signal")
        ).all()
        assert len(peer_nudges) == 1 and "Alex" not in peer_nudges[0].body
    sam.post(f"/circles/{circle.id}/checkins/{signal_id}/answer")
    assert "Sam will reach out." in text(alex.get(f"/circles/{circle.id}"))
    sam.post(f"/circles/{circle.id}/checkins/checked-in", data={"member": asker.id})
    assert "Sam checked in." in text(alex.get(f"/circles/{circle.id}"))
    alex.post(
        f"/circles/{circle.id}/checkins/signal", data={"kind": "checkin", "action": "withdraw"}
    )
    assert "could use a check-in" not in text(sam.get("/"))


def test_a_signal_expires_after_three_days(app: Flask, make_user, make_circle) -> None:
    asker, peer = make_user(display_name="Alex"), make_user()
    circle = make_circle(asker, members=(peer,))
    logged_in(app, asker).post(
        f"/circles/{circle.id}/checkins/signal", data={"kind": "checkin", "action": "raise"}
    )
    with app.app_context():
        signal = db.session.scalar(db.select(CheckinSignal))
        signal.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert "could use a check-in" not in text(logged_in(app, peer).get("/"))


@pytest.mark.parametrize("bad", [{"member": "999999"}, {}])
def test_checked_in_with_someone_outside_the_circle_is_refused(
    app: Flask, make_user, make_circle, bad
) -> None:
    user = make_user()
    circle = make_circle(user)
    response = logged_in(app, user).post(
        f"/circles/{circle.id}/checkins/checked-in", data=bad, follow_redirects=True
    )
    assert response.status_code in (200, 400)
    if bad:
        assert "aren't in this circle" in text(response)


def test_my_load_reads_where_i_am_on_the_curve_and_takes_a_start_date(
    app: Flask, make_user
) -> None:
    client = logged_in(app, make_user(time_zone="UTC"))
    page = text(client.get("/load"))
    assert "Where you are on the curve" in page and "How this is read" in page
    started = (date.today() - timedelta(days=7 * 8)).isoformat()  # noqa: DTZ011
    assert client.post("/load/arc-start", data={"started_on": started}).status_code == 303
    page = text(client.get("/load"))
    assert "Week 9 since you started this work." in page
    assert "Weeks 6 to 12 are often the heaviest." in page
    future = (date.today() + timedelta(days=3)).isoformat()  # noqa: DTZ011
    client.post("/load/arc-start", data={"started_on": future})
    assert "Week 9 since you started this work." in text(client.get("/load"))  # refused
    assert client.post("/load/arc-start", data={"started_on": "not a date"}).status_code == 400


def test_a_week_with_nothing_logged_since_logging_began_says_so_on_the_chart(
    app: Flask, make_user
) -> None:
    user = make_user(time_zone="UTC")
    client = logged_in(app, user)
    earlier = client.post("/log", data={"intensity": "3", "client_id": "gap-000001"})
    day = (utcnow().date() - timedelta(days=14)).isoformat()
    assert (
        client.post(earlier.headers["Location"], data={"intensity": "3", "day": day}).status_code
        == 303
    )
    client.post("/log", data={"intensity": "2", "client_id": "gap-000002"})
    html = client.get("/load").get_data(as_text=True)
    assert html.count('class="bar level-') == 2
    assert html.count(">nothing logged</text>") == 1  # last week, between the two
