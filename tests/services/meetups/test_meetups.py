"""Meetup rules without HTTP: occurrences, changes, RSVPs, editing from an occurrence on."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from circles.extensions import db
from circles.models import Answer, Circle, User
from circles.services.circles import membership
from circles.services.meetups import operations as meetup_actions
from circles.services.meetups import series as meetups
from circles.services.meetups.board import board
from circles.services.meetups.recurrence import Repeat


@pytest.fixture
def circle(make_user, make_circle, ctx) -> Circle:
    host = make_user(display_name="Hana", time_zone="Europe/London")
    members = tuple(make_user(display_name=name) for name in ("Ari", "Bo", "Cy"))
    made = make_circle(host, members=members, time_zone="Europe/London")
    return db.session.get(Circle, made.id)


def _host(circle: Circle) -> User:
    return db.session.get(User, circle.created_by_id)


def _weekly(circle: Circle, **changes) -> meetups.MeetupSeries:
    plan = meetups.Plan(
        start_date=date(2026, 3, 5),
        start_time=time(19, 0),
        duration_minutes=90,
        repeat=Repeat.WEEKLY,
        **changes,
    )
    series = meetup_actions.schedule_series(db.session, circle, _host(circle), plan)
    db.session.commit()
    return series


def _between(circle: Circle, start: datetime, end: datetime) -> list[meetups.Occurrence]:
    return meetups.occurrences_between(
        db.session, meetups.series_of(db.session, [circle.id]), start, end
    )


MARCH = datetime(2026, 3, 1, tzinfo=UTC)
APRIL_END = datetime(2026, 4, 30, tzinfo=UTC)


def test_a_weekly_meetup_stays_at_19_local_across_the_clock_change(circle: Circle) -> None:
    _weekly(circle)
    starts = [occ.start for occ in _between(circle, MARCH, APRIL_END)]
    assert starts[0] == datetime(2026, 3, 5, 19, 0, tzinfo=UTC)  # GMT
    assert datetime(2026, 4, 2, 18, 0, tzinfo=UTC) in starts  # BST: still 19:00 local


def test_cancelling_one_occurrence_keeps_the_rest(circle: Circle) -> None:
    _weekly(circle)
    _first, second, *_ = _between(circle, MARCH, APRIL_END)
    meetup_actions.cancel_occurrence(db.session, second)
    db.session.commit()
    again = _between(circle, MARCH, APRIL_END)
    assert [occ.cancelled for occ in again[:3]] == [False, True, False]
    meetup_actions.restore_occurrence(db.session, again[1])
    assert not _between(circle, MARCH, APRIL_END)[1].cancelled


def test_moving_one_occurrence_changes_its_time_but_not_its_key(circle: Circle) -> None:
    _weekly(circle)
    occ = _between(circle, MARCH, APRIL_END)[1]
    meetup_actions.move_occurrence(
        db.session, occ, datetime.combine(date(2026, 3, 13), time(18, 30)), MARCH
    )  # later day, earlier hour
    db.session.commit()
    moved = meetups.find_occurrence(db.session, occ.series, occ.key)
    assert moved is not None and moved.moved
    assert moved.start == datetime(2026, 3, 13, 18, 30, tzinfo=UTC)
    with pytest.raises(meetups.MeetupError, match="a month at most"):
        meetup_actions.move_occurrence(
            db.session, occ, datetime.combine(date(2026, 6, 1), time(19, 0)), MARCH
        )


def test_a_key_that_is_not_an_occurrence_is_not_found(circle: Circle) -> None:
    series = _weekly(circle)
    assert meetups.find_occurrence(db.session, series, "20260306T190000Z") is None
    assert meetups.find_occurrence(db.session, series, "nonsense") is None
    assert meetups.find_occurrence(db.session, series, "20260305T190000Z") is not None


def test_editing_from_an_occurrence_keeps_the_past(circle: Circle) -> None:
    series = _weekly(circle)
    occurrences = _between(circle, MARCH, APRIL_END)
    third = occurrences[2]
    meetup_actions.set_rsvp(db.session, third, _host(circle), Answer.GOING, MARCH)
    plan = meetups.plan_of(series)
    new_plan = meetups.Plan(
        start_date=date(2026, 3, 19),
        start_time=time(19, 0),
        duration_minutes=60,
        repeat=Repeat.BIWEEKLY,
        place="Room 4",
    )
    assert plan.repeat is Repeat.WEEKLY
    new = meetup_actions.edit_series_from(db.session, third, new_plan)
    db.session.commit()
    after = _between(circle, MARCH, APRIL_END)
    assert [o.start.date() for o in after] == [
        date(2026, 3, 5),
        date(2026, 3, 12),
        date(2026, 3, 19),
        date(2026, 4, 2),
        date(2026, 4, 16),
        date(2026, 4, 30),
    ][: len(after)]
    assert [o.series.id for o in after[:2]] == [series.id, series.id]
    assert all(o.series.id == new.id and o.series.place == "Room 4" for o in after[2:])
    (view,) = board(db.session, [after[2]], _host(circle))
    assert view.my_answer is Answer.GOING  # the RSVP followed the occurrence


def test_no_answers_for_a_cancelled_or_past_meetup(circle: Circle) -> None:
    _weekly(circle)
    first, second, *_ = _between(circle, MARCH, APRIL_END)
    meetup_actions.cancel_occurrence(db.session, second)
    second = meetups.find_occurrence(db.session, second.series, second.key)
    with pytest.raises(meetups.MeetupError, match="cancelled"):
        meetup_actions.set_rsvp(db.session, second, _host(circle), Answer.GOING, MARCH)
    with pytest.raises(meetups.MeetupError, match="over"):
        meetup_actions.set_rsvp(db.session, first, _host(circle), Answer.GOING, APRIL_END)
    with pytest.raises(meetups.MeetupError, match="has passed"):
        meetup_actions.move_occurrence(
            db.session, first, datetime.combine(date(2026, 3, 6), time(19)), APRIL_END
        )


def test_rsvps_change_and_the_host_sees_who_has_not_answered(circle: Circle) -> None:
    _weekly(circle)
    occ = _between(circle, MARCH, APRIL_END)[0]
    people = {user.display_name: user for _m, user in membership.members_of(db.session, circle.id)}
    ari, bo = people["Ari"], people["Bo"]
    meetup_actions.set_rsvp(db.session, occ, ari, Answer.GOING, MARCH)
    meetup_actions.set_rsvp(db.session, occ, bo, Answer.NO, MARCH)
    meetup_actions.set_rsvp(db.session, occ, bo, Answer.MAYBE, MARCH)
    db.session.commit()
    (view,) = board(db.session, [occ], _host(circle))
    assert [u.display_name for u in view.going] == ["Ari"]
    assert [u.display_name for u in view.maybe] == ["Bo"]
    assert {u.display_name for u in view.unanswered} == {"Hana", "Cy"}


def test_the_facilitator_rotates_and_skips_someone_who_cannot_come(circle: Circle) -> None:
    _weekly(circle, rotate_facilitator=True)
    occs = [o for o in _between(circle, MARCH, APRIL_END)][:5]
    order = [v.facilitator.display_name for v in board(db.session, occs, _host(circle))]
    assert order == ["Hana", "Ari", "Bo", "Cy", "Hana"]  # in the order they joined
    people = {user.display_name: user for _m, user in membership.members_of(db.session, circle.id)}
    ari = people["Ari"]
    meetup_actions.set_rsvp(db.session, occs[1], ari, Answer.NO, MARCH)
    db.session.commit()
    order = [v.facilitator.display_name for v in board(db.session, occs, _host(circle))]
    assert order == ["Hana", "Bo", "Ari", "Cy", "Hana"]


def test_upcoming_costs_the_same_queries_for_one_or_many_series(
    circle: Circle, make_user, make_circle
) -> None:
    from tests.support.queries import count_queries

    now = datetime(2026, 3, 1, tzinfo=UTC)
    _weekly(circle)
    host = _host(circle)
    with count_queries(db.engine) as few:
        views = board(db.session, meetups.upcoming(db.session, [circle.id], now), host)
    circle_ids = [circle.id]
    for _ in range(4):
        other = make_circle(make_user(), members=tuple(make_user() for _ in range(5)))
        other = db.session.get(Circle, other.id)
        _weekly(other, rotate_facilitator=True)
        _weekly(other)
        circle_ids.append(other.id)
    host = _host(circle)
    with count_queries(db.engine) as first:
        more = board(db.session, meetups.upcoming(db.session, circle_ids, now), host)
        assert {view.occurrence.series.circle.name for view in more}  # circles come along
    with count_queries(db.engine) as many:
        board(db.session, meetups.upcoming(db.session, circle_ids, now), host)
    assert len(more) > len(views)
    # Rotating series add one query whatever their number: the window the page replays (the
    # kept queue is found by the series' history revision, read with the series); the first
    # time (or after the history changed) two more replay the history before the window, once.
    assert len(many) <= len(few) + 1, "\n---\n".join(many)
    assert len(many) <= 6  # series, changes, members, answers, window, prompts
    assert len(first) <= len(many) + 2, "\n---\n".join(first)


def test_a_moved_meetup_keeps_its_place_in_the_rotation(circle: Circle) -> None:
    _weekly(circle, rotate_facilitator=True)
    occs = _between(circle, MARCH, APRIL_END)[:3]
    host = _host(circle)
    before = [v.facilitator.display_name for v in board(db.session, occs, host)]
    meetup_actions.move_occurrence(
        db.session,
        occs[1],
        datetime(2026, 3, 13, 19, 0),  # noqa: DTZ001 - local wall time, Thursday to Friday
        MARCH,
    )
    db.session.commit()
    moved = _between(circle, MARCH, APRIL_END)[:3]
    assert moved[1].moved
    # Shown alone (as on its own page) or with the others, it keeps its facilitator.
    (alone,) = board(db.session, [moved[1]], host)
    assert alone.facilitator is not None and alone.facilitator.display_name == before[1]
    after = [v.facilitator.display_name for v in board(db.session, moved, host)]
    assert after == before


def test_an_answer_turns_the_series_history_revision_and_leaves_the_series_as_edited(
    circle: Circle,
) -> None:
    series = _weekly(circle, rotate_facilitator=True)
    db.session.commit()
    edited, revision = series.updated_at, series.history_revision
    first = _between(circle, MARCH, APRIL_END)[0]
    meetup_actions.set_rsvp(db.session, first, _host(circle), Answer.NO, MARCH)
    db.session.commit()
    db.session.refresh(series)
    assert series.history_revision == revision + 1  # the kept rotation is replayed again
    assert series.updated_at == edited  # calendar apps see no change to the series
