"""A series 120 weeks old costs a page what one 12 weeks old does, and rotates as a full replay."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from circles.extensions import db
from circles.models import Answer, MeetupSeries, User
from circles.models.base import utcnow
from circles.models.meetup import Rsvp
from circles.services.circles import membership
from circles.services.meetups import attendance
from circles.services.meetups import operations as meetup_actions
from circles.services.meetups import series as meetups
from circles.services.meetups.board import board, members_by_circle
from circles.services.meetups.facilitation import rotate
from circles.services.meetups.recurrence import to_utc
from tests.conftest import PASSWORD, logged_in
from tests.support.queries import count_queries, count_rows
from tests.support.volume import Volume, populate


def _history(
    series: MeetupSeries, until_key: str
) -> tuple[list[int], list[str], dict[str, set[int]]]:
    """The rotation's inputs as the definition says: every held meetup from the first."""
    start = to_utc(series.start_local, series.time_zone) - timedelta(days=1)
    history = meetups.occurrences_between(db.session, [series], start, utcnow() + timedelta(60))
    keys = [occ.key for occ in history if not occ.cancelled and occ.key <= until_key]
    order = [
        user.id for user in members_by_circle(db.session, {series.circle_id})[series.circle_id]
    ]
    came = {}
    for key in keys:
        occ = meetups.find_occurrence(db.session, series, key)
        assert occ is not None
        run = attendance.run_of(db.session, occ)
        if run is not None:
            came[key] = attendance.present_ids(db.session, run)
    refusals = {
        (r.occurrence_key, r.user_id)
        for r in db.session.scalars(db.select(Rsvp).where(Rsvp.answer == "no"))
    }
    absent = {
        key: set(order) - came[key] if key in came else {u for k, u in refusals if k == key}
        for key in keys
    }
    return order, keys, absent


def _full_replay(series: MeetupSeries, until_key: str) -> dict[str, int | None]:
    """The rotation as the definition says: every held meetup from the first, replayed."""
    return rotate(*_history(series, until_key))


def _absence_that_moves(series: MeetupSeries, key: str, shown: dict[str, int | None]) -> int:
    """Someone whose absence from the meetup at ``key`` changes who facilitates those shown.

    Which one depends on the history the data was built with, which depends on today's date.
    """
    order, keys, absent = _history(series, max(shown))
    for member in order:
        chosen = rotate(order, keys, {**absent, key: {member}})
        if {k: chosen[k] for k in shown} != shown:
            return member
    raise AssertionError("no single absence changes the rotation on screen")


def _facilitators(series: MeetupSeries, viewer: User) -> dict[str, int | None]:
    coming = [o for o in meetups.upcoming(db.session, [series.circle_id], utcnow(), 8)]
    return {
        view.occurrence.key: view.facilitator.id if view.facilitator else None
        for view in board(db.session, coming, viewer)
    }


def test_the_rotation_on_screen_is_the_full_replay_before_and_after_the_history_changes(
    app: Flask, ctx
) -> None:
    built = populate(db.session, "rot", Volume(circles=1, series_weeks=30), "x")
    db.session.commit()
    series = db.session.get(MeetupSeries, built.series_ids[0])
    me = db.session.get(User, built.user_id)
    shown = _facilitators(series, me)
    assert shown == {k: v for k, v in _full_replay(series, max(shown)).items() if k in shown}
    assert _facilitators(series, me) == shown  # the kept queue answers the same

    # Someone's attendance is corrected 20 weeks back (the series itself is not edited).
    now = utcnow()
    past = meetups.occurrences_between(db.session, [series], now - timedelta(weeks=21), now)
    people = [user.id for _m, user in membership.members_of(db.session, series.circle_id)]
    away = _absence_that_moves(series, past[0].key, shown)
    attendance.record(db.session, past[0], me, [p for p in people if p != away], now)
    db.session.commit()
    corrected = _facilitators(series, me)
    assert corrected == {
        k: v for k, v in _full_replay(series, max(corrected)).items() if k in corrected
    }
    assert corrected != shown

    # Then a past meetup is cancelled.
    meetup_actions.cancel_occurrence(db.session, past[2])
    db.session.commit()
    changed = _facilitators(series, me)
    assert changed == {k: v for k, v in _full_replay(series, max(changed)).items() if k in changed}
    assert changed != corrected

    # A "can't make it" for the next meetup moves the queue on screen only.
    coming = meetups.next_occurrence(db.session, series, now)
    assert coming is not None
    nxt = changed[coming.key]
    meetup_actions.set_rsvp(db.session, coming, db.session.get(User, nxt), Answer.NO, now)
    db.session.commit()
    after = _facilitators(series, me)
    assert after[coming.key] != nxt
    assert after == {k: v for k, v in _full_replay(series, max(after)).items() if k in after}


def test_a_120_week_old_series_costs_its_pages_the_statements_and_rows_a_12_week_one_does(
    app: Flask,
) -> None:
    hashed = app.extensions["circles_passwords"].hash(PASSWORD)
    costs = []
    for tag, weeks in (("young", 12), ("old", 120)):
        with app.app_context():
            built = populate(db.session, tag, Volume(circles=1, series_weeks=weeks), hashed)
            db.session.commit()
            engine = db.engine
        client = logged_in(app, built)
        circle, series = built.circle_ids[0], built.series_ids[0]
        paths = (f"/circles/{circle}", f"/circles/{circle}/meetups/{series}/{built.next_key}")
        for path in paths:
            assert client.get(path).status_code == 200  # the history replayed once, kept
            with count_queries(engine) as statements, count_rows() as rows:
                assert client.get(path).status_code == 200
            costs.append((tag, path.count("/"), len(statements), sum(rows)))
    young = [cost[1:] for cost in costs if cost[0] == "young"]
    old = [cost[1:] for cost in costs if cost[0] == "old"]
    assert old == young
