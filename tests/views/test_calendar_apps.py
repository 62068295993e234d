"""Calendar files as calendar apps read them, checked with a second parser: Mozilla's ical.js."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from flask import Flask
from flask.testing import FlaskClient

from circles.extensions import db
from circles.models import MeetupSeries
from circles.models.base import utcnow
from circles.services.meetups import series as meetups
from tests.conftest import logged_in
from tests.support.node import ical_js_expand
from tests.support.pages import text

NEXT_WEEK = date.today() + timedelta(days=7)  # noqa: DTZ011
FIFTEEN_YEARS = timedelta(days=365 * 15 + 4)


def _schedule(client: FlaskClient, circle_id: int, **changes: str):
    data = {
        "start_date": NEXT_WEEK.isoformat(),
        "start_time": "19:00",
        "duration_minutes": "90",
        "repeat": "weekly",
        "place": "",
        "video_url": "",
    } | changes
    return client.post(f"/circles/{circle_id}/meetups/new", data=data)


def _feed_url(client: FlaskClient) -> str:
    page = client.get("/me").get_data(as_text=True)
    match = re.search(r'value="https?://[^/"]+(/calendar/[^"]+\.ics)"', page)
    assert match
    return match.group(1)


def _occurrence_path(circle_id: int, occurrence: meetups.Occurrence) -> str:
    return f"/circles/{circle_id}/meetups/{occurrence.series.id}/{occurrence.key}"


@pytest.fixture(params=["America/New_York", "Europe/London"])
def circle_in(request, app: Flask, make_user, make_circle):
    """A circle in the zone with its host and a member (both logged in), and their clients."""
    host = make_user(display_name="Hana", time_zone=request.param)
    member = make_user(display_name="Mo", time_zone="Asia/Tokyo")
    circle = make_circle(host, members=(member,), time_zone=request.param, name="Harbour")
    return {
        "zone": request.param,
        "circle_id": circle.id,
        "host": logged_in(app, host),
        "member": logged_in(app, member),
    }


def _coming(app: Flask, start: datetime, end: datetime) -> list[meetups.Occurrence]:
    with app.app_context():
        series_list = list(db.session.scalars(db.select(MeetupSeries).order_by(MeetupSeries.id)))
        return meetups.occurrences_between(db.session, series_list, start, end)


def test_ical_js_shows_every_occurrence_the_app_shows_for_fifteen_years(
    app: Flask, circle_in
) -> None:
    circle_id, host = circle_in["circle_id"], circle_in["host"]
    assert _schedule(host, circle_id).status_code == 303
    now = utcnow()
    first, second, third = _coming(app, now, now + timedelta(days=30))[:3]
    assert host.post(_occurrence_path(circle_id, second) + "/cancel").status_code == 303
    moved_day = (third.start + timedelta(days=1)).astimezone(UTC).date()
    moved = host.post(
        _occurrence_path(circle_id, third) + "/move",
        data={"start_date": moved_day.isoformat(), "start_time": "18:00"},
    )
    assert moved.status_code == 303

    feed = circle_in["member"].get(_feed_url(circle_in["member"]))
    seen = ical_js_expand(feed.data, now, now + FIFTEEN_YEARS)["occurrences"]
    shown = [o for o in _coming(app, now, now + FIFTEEN_YEARS) if not o.cancelled]
    assert [(o["start"], o["end"]) for o in seen] == [(o.start, o.end) for o in shown]
    assert len(shown) >= 15 * 52 - 2
    # Every summer and winter: 19:00 in the circle's zone, whatever the year.
    local_times = {o["start"].astimezone(ZoneInfo(circle_in["zone"])).time() for o in seen}
    assert {t.isoformat() for t in local_times} == {"19:00:00", "18:00:00"}
    assert {o["uid"] for o in seen} == {f"circles-series-{first.series.id}@circles"}
    assert second.start not in [o["start"] for o in seen]  # cancelled
    (shifted,) = [o for o in seen if o["recurrence_id"] == third.original_start]
    assert shifted["start"] == _coming(app, third.start, third.start + timedelta(days=2))[0].start
    assert shifted["start"].astimezone(ZoneInfo(circle_in["zone"])).hour == 18


def test_the_single_file_and_the_feed_share_one_uid_so_nothing_is_doubled(
    app: Flask, circle_in
) -> None:
    circle_id, host, member = circle_in["circle_id"], circle_in["host"], circle_in["member"]
    _schedule(host, circle_id)
    now = utcnow()
    _first, second = _coming(app, now, now + timedelta(days=30))[:2]
    single = member.get(_occurrence_path(circle_id, second) + "/calendar.ics")
    feed = member.get(_feed_url(member))
    (event,) = ical_js_expand(single.data, now, now + FIFTEEN_YEARS)["events"]
    (master,) = ical_js_expand(feed.data, now, now + FIFTEEN_YEARS)["events"]
    assert event["uid"] == master["uid"]
    assert event["recurrence_id"] == second.original_start == event["start"]
    series_file = member.get(f"/circles/{circle_id}/meetups/{second.series.id}/calendar.ics")
    (series_master,) = ical_js_expand(series_file.data, now, now + FIFTEEN_YEARS)["events"]
    assert series_master["uid"] == master["uid"]


def _events(response) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(response.data).walk("VEVENT"))


def test_each_edit_raises_sequence_and_dtstamp_is_when_the_file_was_made(
    app: Flask, circle_in
) -> None:
    circle_id, host, member = circle_in["circle_id"], circle_in["host"], circle_in["member"]
    _schedule(host, circle_id)
    now = utcnow()
    first, second = _coming(app, now, now + timedelta(days=30))[:2]
    single_url = _occurrence_path(circle_id, second) + "/calendar.ics"
    feed_url = _feed_url(member)

    calendar = icalendar.Calendar.from_ical(member.get(feed_url).data)
    assert "METHOD" not in calendar  # a published feed, not a scheduling message
    (master,) = calendar.walk("VEVENT")
    assert master["SEQUENCE"] == 0 and "LAST-MODIFIED" in master
    assert abs(master["DTSTAMP"].dt - utcnow()) < timedelta(minutes=1)
    (one,) = _events(member.get(single_url))
    assert one["SEQUENCE"] == 0

    later = second.start + timedelta(hours=1)
    host.post(
        _occurrence_path(circle_id, second) + "/move",
        data={
            "start_date": later.astimezone(ZoneInfo(circle_in["zone"])).date().isoformat(),
            "start_time": "20:00",
        },
    )
    master, override = _events(member.get(feed_url))
    assert master["SEQUENCE"] == 0 and override["SEQUENCE"] == 1
    assert override["RECURRENCE-ID"].dt.astimezone(UTC) == second.original_start
    (one,) = _events(member.get(single_url))
    assert one["SEQUENCE"] == 1 and one["DTSTART"].dt.astimezone(UTC) == later

    host.post(_occurrence_path(circle_id, first) + "/cancel")  # the master's EXDATEs change
    master, override = _events(member.get(feed_url))
    assert master["SEQUENCE"] == 1 and override["SEQUENCE"] == 2
    assert master["LAST-MODIFIED"].dt >= master["DTSTAMP"].dt - timedelta(minutes=1)

    edit = host.post(
        _occurrence_path(circle_id, first) + "/edit",
        data={
            "start_date": first.start.astimezone(ZoneInfo(circle_in["zone"])).date().isoformat(),
            "start_time": "19:30",
            "duration_minutes": "60",
            "repeat": "weekly",
        },
    )
    assert edit.status_code == 303
    (master, *_rest) = _events(member.get(feed_url))
    assert master["SEQUENCE"] == 2
    assert master["DTSTART"].dt.time().isoformat() == "19:30:00"


def test_a_repeating_series_cannot_start_in_the_past(app: Flask, circle_in) -> None:
    circle_id, host = circle_in["circle_id"], circle_in["host"]
    last_month = (NEXT_WEEK - timedelta(days=40)).isoformat()
    refused = _schedule(host, circle_id, start_date=last_month, repeat="weekly")
    assert refused.status_code == 400
    assert "That date has passed. Choose a date from today on." in text(refused)
    assert f'value="{last_month}"' in refused.get_data(as_text=True)  # kept as typed
    assert _coming(app, utcnow() - timedelta(days=60), utcnow() + timedelta(days=60)) == []

    _schedule(host, circle_id)
    now = utcnow()
    third = _coming(app, now, now + timedelta(days=30))[2]
    edit = host.post(
        _occurrence_path(circle_id, third) + "/edit",
        data={
            "start_date": last_month,
            "start_time": "19:00",
            "duration_minutes": "90",
            "repeat": "biweekly",
        },
    )
    assert edit.status_code == 400
    assert "That date has passed. Choose a date from today on." in text(edit)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(MeetupSeries)) == 1


def test_the_feed_and_the_single_file_answer_conditional_requests(app: Flask, circle_in) -> None:
    circle_id, host, member = circle_in["circle_id"], circle_in["host"], circle_in["member"]
    _schedule(host, circle_id)
    now = utcnow()
    second = _coming(app, now, now + timedelta(days=30))[1]
    calendar_app = app.test_client()  # no login: the token is the key
    feed_url = _feed_url(member)
    single_url = _occurrence_path(circle_id, second) + "/calendar.ics"
    tags = {}
    for client, url in ((calendar_app, feed_url), (member, single_url)):
        first = client.get(url)
        tags[url] = first.headers["ETag"]
        assert first.status_code == 200 and tags[url]
        again = client.get(url, headers={"If-None-Match": tags[url]})
        assert again.status_code == 304 and again.data == b""
        assert again.headers["ETag"] == tags[url]

    host.post(_occurrence_path(circle_id, second) + "/cancel")
    for client, url in ((calendar_app, feed_url), (member, single_url)):
        changed = client.get(url, headers={"If-None-Match": tags[url]})
        assert changed.status_code == 200 and changed.headers["ETag"] != tags[url]
        assert b"BEGIN:VCALENDAR" in changed.data


@pytest.mark.parametrize(
    "token",
    ["1-%C3%A9%C3%A9", "%00", "-", "abc", "99999999999999999999999-x", "1-" + "a" * 80, "1"],
)
def test_a_malformed_feed_token_is_404(client: FlaskClient, token: str) -> None:
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_moving_a_meetup_back_to_its_time_raises_the_series_sequence(app: Flask, circle_in) -> None:
    circle_id, host, member = circle_in["circle_id"], circle_in["host"], circle_in["member"]
    _schedule(host, circle_id)
    now = utcnow()
    second = _coming(app, now, now + timedelta(days=30))[1]
    local = second.start.astimezone(ZoneInfo(circle_in["zone"]))
    path = _occurrence_path(circle_id, second) + "/move"
    host.post(path, data={"start_date": local.date().isoformat(), "start_time": "20:00"})
    assert len(_events(member.get(_feed_url(member)))) == 2
    host.post(path, data={"start_date": local.date().isoformat(), "start_time": "19:00"})
    (master,) = _events(member.get(_feed_url(member)))  # the override is gone ...
    assert master["SEQUENCE"] == 1  # ... and the series says it changed
