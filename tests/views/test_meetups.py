"""Meetups as hosts and members use them, and the calendar files calendar apps read."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from flask import Flask
from flask.testing import FlaskClient

from circles.extensions import db
from circles.models import MeetupSeries
from circles.models.base import utcnow
from circles.services.meetups import series as meetups
from tests.conftest import logged_in
from tests.support.pages import text
from tests.support.queries import count_queries

NEXT_MONTH = date.today() + timedelta(days=30)  # noqa: DTZ011


def _schedule(client: FlaskClient, circle_id: int, **changes: str):
    data = {
        "start_date": NEXT_MONTH.isoformat(),
        "start_time": "19:00",
        "duration_minutes": "90",
        "repeat": "biweekly",
        "place": "",
        "video_url": "https://meet.example.org/circle",
    } | changes
    return client.post(f"/circles/{circle_id}/meetups/new", data=data)


@pytest.fixture
def people(app: Flask, make_user, make_circle):
    host = make_user(display_name="Hana", time_zone="Europe/London")
    member = make_user(display_name="Mo", time_zone="America/New_York")
    circle = make_circle(host, members=(member,), time_zone="Europe/London", name="Harbour")
    return {"host": logged_in(app, host), "member": logged_in(app, member), "circle": circle}


def test_a_host_schedules_and_members_see_it_in_their_own_zone(people) -> None:
    response = _schedule(people["host"], people["circle"].id)
    assert response.status_code == 303
    page = text(people["member"].get(response.headers["Location"]))
    # 19:00 London is 14:00 in New York (both on standard or both on summer time, within a month)
    assert re.search(r"1[45]:00 to 1[56]:30 \(America/New_York\)", page)
    assert "19:00 in the circle's time zone (Europe/London)" in page
    assert "Join the video call" in page
    assert "Check-in round" in page and "You can always pass." in page
    circle_page = text(people["member"].get(f"/circles/{people['circle'].id}"))
    assert circle_page.count("Going Maybe Can't make it") == 1  # the next one, answerable here
    assert "More dates" in circle_page  # the next few after it, one line each


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start_date": ""}, "Choose a date."),
        ({"end_time": "18:00"}, "The end is before the start."),
        ({"video_url": "javascript:alert(1)"}, "Use a web link that starts with https://"),
        ({"video_url": "ftp://files.example.org"}, "Use a web link that starts with https://"),
        (
            {"until_date": (NEXT_MONTH - timedelta(days=3)).isoformat()},
            "The end date is before the first meetup",
        ),
        ({"repeat": "daily"}, "Not a valid choice"),
        ({"duration_minutes": "5"}, "Between 15 minutes and 8 hours."),
    ],
)
def test_a_bad_meetup_form_says_why_and_keeps_the_input(people, change, message) -> None:
    response = _schedule(people["host"], people["circle"].id, place="Kept room", **change)
    assert response.status_code == 400
    assert message in text(response)
    assert b'value="Kept room"' in response.data


def test_only_hosts_schedule(people) -> None:
    assert _schedule(people["member"], people["circle"].id).status_code == 403


def test_rsvp_and_change_of_mind_and_the_host_sees_who_has_not_answered(app: Flask, people) -> None:
    location = _schedule(people["host"], people["circle"].id).headers["Location"]
    host_view = text(people["host"].get(location))
    assert "Not answered yet: Hana, Mo" in host_view
    people["member"].post(location + "/rsvp", data={"answer": "no"})
    people["member"].post(location + "/rsvp", data={"answer": "going"})
    host_view = text(people["host"].get(location))
    assert "Going: Mo" in host_view and "Not answered yet: Hana" in host_view
    assert people["member"].post(location + "/rsvp", data={"answer": "perhaps"}).status_code == 400
    member_view = people["member"].get(location).get_data(as_text=True)
    assert 'value="going" class="button small chosen"' in member_view
    assert "Not answered yet" not in text(people["member"].get(location))  # hosts only


def test_cancel_and_move_one_occurrence(people) -> None:
    location = _schedule(people["host"], people["circle"].id, repeat="weekly").headers["Location"]
    people["host"].post(location + "/cancel")
    assert "Cancelled." in text(people["member"].get(location))
    people["host"].post(location + "/restore")
    assert "Cancelled." not in text(people["member"].get(location))
    moved_day = NEXT_MONTH + timedelta(days=1)
    response = people["host"].post(
        location + "/move", data={"start_date": moved_day.isoformat(), "start_time": "18:00"}
    )
    assert response.status_code == 303
    page = text(people["member"].get(location))
    assert "New time" in page and "18:00 in the circle's time zone" in page
    too_far = people["host"].post(
        location + "/move",
        data={"start_date": (NEXT_MONTH + timedelta(days=90)).isoformat(), "start_time": "18:00"},
    )
    assert too_far.status_code == 400 and "a month at most" in text(too_far)
    assert people["member"].post(location + "/cancel").status_code == 403


def test_a_key_that_is_not_an_occurrence_is_404(people) -> None:
    location = _schedule(people["host"], people["circle"].id).headers["Location"]
    wrong = re.sub(r"T\d{6}Z", "T030000Z", location)
    assert people["member"].get(wrong).status_code == 404


def test_rotation_names_a_facilitator(people) -> None:
    location = _schedule(people["host"], people["circle"].id, rotate_facilitator="y").headers[
        "Location"
    ]
    assert "Facilitator: You" in text(people["host"].get(location))
    assert "Facilitator: Hana" in text(people["member"].get(location))


def _feed_url(client: FlaskClient) -> str:
    match = re.search(
        r'value="https?://[^/"]+(/calendar/[^"]+\.ics)"', client.get("/me").get_data(as_text=True)
    )
    assert match
    return match.group(1)


def test_the_feed_gives_calendar_apps_exactly_the_occurrences_the_app_shows(
    app: Flask, people
) -> None:
    circle_id = people["circle"].id
    location = _schedule(people["host"], circle_id, repeat="weekly", start_time="19:00").headers[
        "Location"
    ]
    people["host"].post(location + "/cancel")
    second = _schedule(
        people["host"], circle_id, repeat="monthly_nth", start_time="08:30", video_url=""
    )
    people["host"].get(second.headers["Location"])
    moved_key = None
    with app.app_context():
        series_list = list(db.session.scalars(db.select(MeetupSeries).order_by(MeetupSeries.id)))
        occs = meetups.occurrences_between(
            db.session, series_list, utcnow(), utcnow() + timedelta(days=365)
        )
        target = [o for o in occs if o.series.id == series_list[1].id][1]
        moved_key = target.key
    people["host"].post(
        f"/circles/{circle_id}/meetups/{series_list[1].id}/{moved_key}/move",
        data={
            "start_date": (target.start + timedelta(days=2)).date().isoformat(),
            "start_time": "09:15",
        },
    )

    feed = people["member"].get(_feed_url(people["member"]))
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(feed.data)
    assert calendar.walk("VTIMEZONE"), "a VTIMEZONE block for the circle's zone"
    start, end = datetime.now(UTC), datetime.now(UTC) + timedelta(days=365)
    from_feed = sorted(
        event["DTSTART"].dt.astimezone(UTC)
        for event in recurring_ical_events.of(calendar).between(start, end)
    )
    with app.app_context():
        series_list = list(db.session.scalars(db.select(MeetupSeries)))
        shown = sorted(
            o.start
            for o in meetups.occurrences_between(db.session, series_list, start, end)
            if not o.cancelled
        )
    assert from_feed == shown
    assert len(shown) > 50  # a year of weekly and monthly meetups


def test_a_regenerated_feed_link_kills_the_old_one(people) -> None:
    old = _feed_url(people["member"])
    assert people["member"].get(old).status_code == 200
    people["member"].post("/me/calendar/regenerate")
    new = _feed_url(people["member"])
    assert new != old
    anonymous_calendar_app = people["member"].application.test_client()
    assert anonymous_calendar_app.get(old).status_code == 404
    assert anonymous_calendar_app.get(new).status_code == 200
    assert anonymous_calendar_app.get("/calendar/1-forged.ics").status_code == 404


def test_the_feed_shows_only_my_circles(app: Flask, people, make_user, make_circle) -> None:
    stranger = make_user()
    other = make_circle(stranger, name="Elsewhere")
    _schedule(logged_in(app, stranger), other.id)
    _schedule(people["host"], people["circle"].id)
    body = people["member"].get(_feed_url(people["member"])).get_data(as_text=True)
    assert "Harbour" in body and "Elsewhere" not in body


def test_single_occurrence_and_series_files(people) -> None:
    location = _schedule(people["host"], people["circle"].id).headers["Location"]
    one = people["member"].get(location + "/calendar.ics")
    assert one.mimetype == "text/calendar"
    (event,) = icalendar.Calendar.from_ical(one.data).walk("VEVENT")
    assert "RRULE" not in event
    series_url = location.rsplit("/", 1)[0] + "/calendar.ics"
    (master,) = icalendar.Calendar.from_ical(people["member"].get(series_url).data).walk("VEVENT")
    assert master["RRULE"]["FREQ"] == ["WEEKLY"] and master["RRULE"]["INTERVAL"] == [2]
    assert master["DTSTART"].params["TZID"] == "Europe/London"


def test_a_meetup_in_the_past_is_refused_with_a_message(people) -> None:
    response = _schedule(
        people["host"], people["circle"].id, start_date="2020-01-01", repeat="none"
    )
    assert response.status_code == 400
    assert "That date has passed." in text(response)
    today = utcnow().astimezone(ZoneInfo("Europe/London")).date()  # the circle's day
    earlier = _schedule(
        people["host"], people["circle"].id, start_date=today.isoformat(), start_time="00:00"
    )
    assert earlier.status_code == 400
    assert "That time has passed today. Choose a later time." in text(earlier)


def test_a_series_runs_by_its_format_and_a_host_changes_one_meetup(people) -> None:
    host, member, circle = people["host"], people["member"], people["circle"]
    location = _schedule(host, circle.id, format="forum").headers["Location"]
    page = text(member.get(location))
    assert "How the meetup runs: Forum" in page
    assert "Clarifying questions (15 min)" in page and "Experience, not advice." in page
    assert member.post(location + "/format", data={"format": "case_round"}).status_code == 403
    assert host.post(location + "/format", data={"format": "lecture"}).status_code == 400
    host.post(location + "/format", data={"format": "topic_dinner"})
    assert "How the meetup runs: Topic dinner" in text(member.get(location))
    help_page = text(member.get("/help"))
    assert "Case round" in help_page and "Topic dinner" in help_page


@pytest.mark.parametrize("start_time", ["19:00", "20:00", "17:31"])
def test_a_meetup_cannot_be_moved_onto_another_of_its_series(people, start_time: str) -> None:
    location = _schedule(people["host"], people["circle"].id, repeat="weekly").headers["Location"]
    next_week = (NEXT_MONTH + timedelta(days=7)).isoformat()
    refused = people["host"].post(
        location + "/move", data={"start_date": next_week, "start_time": start_time}
    )
    assert refused.status_code == 400
    assert "Another meetup of this series is on then" in text(refused)
    assert f'value="{next_week}"' in refused.get_data(as_text=True)  # the input is kept
    assert "New time" not in text(people["member"].get(location))  # nothing moved
    beside = people["host"].post(  # 90 minutes long: ending as the next one starts is fine
        location + "/move", data={"start_date": next_week, "start_time": "17:30"}
    )
    assert beside.status_code == 303
    assert "New time" in text(people["member"].get(location))


def _spring_forward() -> date:
    """The next last Sunday of March after this year's: the UK's clocks go 01:00 to 02:00."""
    end_of_march = date(date.today().year + 1, 3, 31)  # noqa: DTZ011
    return end_of_march - timedelta(days=(end_of_march.weekday() + 1) % 7)


def test_a_time_the_clocks_skip_is_moved_on_and_the_host_is_told(people) -> None:
    day = _spring_forward()
    scheduled = _schedule(
        people["host"],
        people["circle"].id,
        repeat="none",
        start_date=day.isoformat(),
        start_time="01:30",
    )
    assert scheduled.status_code == 303
    page = text(people["host"].get(scheduled.headers["Location"]))
    assert "01:30 doesn't exist that day, so it starts at 02:30" in page
    assert "Europe/London" in page
    ordinary = _schedule(people["host"], people["circle"].id, repeat="none")
    assert "doesn't exist" not in text(people["host"].get(ordinary.headers["Location"]))


def test_a_request_for_time_shows_on_the_next_meetup_its_author_can_make(
    app: Flask, people
) -> None:
    soon = (date.today() + timedelta(days=2)).isoformat()  # noqa: DTZ011
    first = _schedule(
        people["host"], people["circle"].id, repeat="weekly", start_date=soon
    ).headers["Location"]
    with app.app_context():
        series = db.session.scalar(db.select(MeetupSeries))
        keys = [
            occ.key
            for occ in meetups.occurrences_between(
                db.session, [series], utcnow(), utcnow() + timedelta(days=45)
            )
        ]
    second = first.rsplit("/", 1)[0] + "/" + keys[1]
    circle_id = people["circle"].id
    asked = people["member"].post(
        f"/circles/{circle_id}/checkins/signal", data={"kind": "meetup_time", "action": "raise"}
    )
    assert asked.status_code in (302, 303)
    notice = "Mo would like some time at this meetup."
    assert notice in text(people["host"].get(first))
    assert notice not in text(people["host"].get(second))
    people["member"].post(first + "/rsvp", data={"answer": "no"})  # Mo can't make the first
    assert notice not in text(people["host"].get(first))
    assert notice in text(people["host"].get(second))
    people["host"].post(second + "/cancel")
    assert notice not in text(people["host"].get(second))  # nor on a cancelled one


def test_the_meetup_page_reads_requests_for_time_in_the_same_statements_however_many(
    app: Flask, people
) -> None:
    soon = (date.today() + timedelta(days=2)).isoformat()  # noqa: DTZ011
    page = _schedule(people["host"], people["circle"].id, repeat="weekly", start_date=soon).headers[
        "Location"
    ]
    ask = {"kind": "meetup_time", "action": "raise"}
    signal_url = f"/circles/{people['circle'].id}/checkins/signal"
    counts = []
    for who in ("member", "host"):
        people[who].post(signal_url, data=ask)
        with app.app_context():
            engine = db.engine
        with count_queries(engine) as statements:
            shown = text(people["host"].get(page))
        counts.append(len(statements))
    assert "Mo would like some time at this meetup." in shown
    assert shown.count("would like some time at this meetup.") == 2  # Mo's and the host's own
    assert counts[0] == counts[1]
