"""Season actions with the database: start, recommit, the next season, waitlist and summaries."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from circles.extensions import db
from circles.models import (
    Attendance,
    BurnoutCheck,
    CheckinRecord,
    Circle,
    LoadEntry,
    MeetupRun,
    MeetupSeries,
    Membership,
    Notification,
    Season,
    SeasonMember,
    SeasonWaitlist,
    User,
)
from circles.services.circles import operations as circle_actions
from circles.services.circles.invites import JoinRefused
from circles.services.circles.membership import LastHost, MembershipError
from circles.services.reminders.relevance import relevant
from circles.services.seasons import operations as seasons
from circles.services.seasons import queries
from circles.services.seasons.queries import SeasonError
from circles.services.seasons.summary import summary

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
TODAY = date(2027, 3, 1)


@pytest.fixture
def people(make_user, make_circle, ctx) -> dict[str, Any]:
    host, ana, bo, cy = (make_user(display_name=n) for n in ("Hana", "Ana", "Bo", "Cy"))
    circle = make_circle(host, members=(ana, bo, cy), member_cap=5)
    return {
        "host": db.session.get(User, host.id),
        "ana": db.session.get(User, ana.id),
        "bo": db.session.get(User, bo.id),
        "cy": db.session.get(User, cy.id),
        "circle": db.session.get(Circle, circle.id),
    }


def _start(people: dict[str, Any], **kw: Any) -> Season:
    values: dict[str, Any] = {"starts_on": TODAY, "unit": "months", "length": 6, "now": NOW}
    values.update(kw)
    season = seasons.start_season(db.session, people["circle"], people["host"], **values)
    db.session.commit()
    return season


def _kinds(user: User) -> list[str]:
    return sorted(
        db.session.scalars(db.select(Notification.kind).where(Notification.user_id == user.id))
    )


def test_starting_a_season_seats_everyone_in_it_and_plans_its_reminders(people) -> None:
    season = _start(people)
    assert (season.number, season.starts_on, season.ends_on) == (1, TODAY, date(2027, 9, 1))
    roster = db.session.scalars(
        db.select(SeasonMember.user_id).where(SeasonMember.season_id == season.id)
    )
    assert len(list(roster)) == 4
    # Three burnout checks (start, middle, end) and the recommit question, each once.
    assert _kinds(people["ana"]) == ["season_checkin"] * 3 + ["season_recommit"]
    recommit = db.session.scalar(
        db.select(Notification).where(Notification.kind == "season_recommit").limit(1)
    )
    assert recommit.due_at.date() == date(2027, 8, 18)
    assert recommit.url == f"/circles/{people['circle'].id}/season"


def test_a_season_of_meetups_counts_the_circles_planned_meetups(people) -> None:
    series = MeetupSeries(
        circle_id=people["circle"].id,
        start_date=TODAY + timedelta(days=2),
        start_time=time(18, 0),
        time_zone="Europe/London",
        repeat="biweekly",
        rrule="FREQ=WEEKLY;INTERVAL=2",
    )
    db.session.add(series)
    db.session.commit()
    season = _start(people, unit="meetups", length=12)
    assert season.ends_on == TODAY + timedelta(days=2) + timedelta(weeks=22)


def test_one_season_at_a_time_and_lengths_are_checked(people) -> None:
    with pytest.raises(SeasonError, match="1 to 12 months"):
        _start(people, length=13)
    db.session.rollback()
    with pytest.raises(SeasonError, match="months or meetups"):
        _start(people, unit="years")
    db.session.rollback()
    with pytest.raises(SeasonError, match="within two months"):
        _start(people, starts_on=TODAY + timedelta(days=200))
    db.session.rollback()
    _start(people)
    with pytest.raises(SeasonError, match="already running"):
        _start(people)


def test_the_recommit_answer_waits_for_its_window_and_can_be_changed(people) -> None:
    season = _start(people)
    with pytest.raises(SeasonError, match="two weeks before the end"):
        seasons.recommit(db.session, season, people["ana"], "pause", NOW)
    later = NOW + timedelta(days=170)
    with pytest.raises(SeasonError):
        seasons.recommit(db.session, season, people["ana"], "maybe", later)
    seasons.recommit(db.session, season, people["ana"], "pause", later)
    seasons.recommit(db.session, season, people["ana"], "continue", later)
    db.session.commit()
    assert queries.choices(db.session, season)[people["ana"].id].value == "continue"


def test_an_answered_recommit_reminder_is_no_longer_sent(people) -> None:
    season = _start(people)
    later = NOW + timedelta(days=170)
    seasons.recommit(db.session, season, people["ana"], "continue", later)
    db.session.commit()
    notes = list(db.session.scalars(db.select(Notification)))
    kept = relevant(db.session, notes, later)
    for note in notes:
        answered = note.kind == "season_recommit" and note.user_id == people["ana"].id
        assert (note.id in kept) is not answered


def _answer(people, season: Season, **answers: str) -> datetime:
    later = NOW + timedelta(days=172)
    for name, choice in answers.items():
        seasons.recommit(db.session, season, people[name], choice, later)
    db.session.commit()
    return later


def test_the_host_sees_counts_and_who_continues_only(people) -> None:
    season = _start(people)
    _answer(people, season, ana="continue", bo="pause", cy="leave")
    seen = queries.host_recommit(db.session, season)
    assert seen.continuing_names == ["Ana"]
    assert (seen.view.pausing, seen.view.leaving, seen.view.not_yet) == (1, 1, 1)


def test_the_next_season_starts_with_those_who_continue(people) -> None:
    season = _start(people)
    with pytest.raises(SeasonError, match="can start from"):
        seasons.start_next_season(db.session, people["circle"], people["host"], now=NOW)
    db.session.rollback()
    later = _answer(people, season, ana="continue", bo="pause", cy="leave")
    following = seasons.start_next_season(
        db.session, people["circle"], people["host"], unit="meetups", length=12, now=later
    )
    db.session.commit()
    assert following.number == 2 and following.length_unit == "meetups"
    assert db.session.get(Season, season.id).ended_at is not None
    members = set(
        db.session.scalars(
            db.select(Membership.user_id).where(Membership.circle_id == people["circle"].id)
        )
    )
    assert members == {people["host"].id, people["ana"].id}
    assert db.session.get(Circle, people["circle"].id).member_count == 2
    # The paused stay in the first season's history; everyone who was there gets a summary.
    assert [c.id for c in queries.paused_circles(db.session, people["bo"])] == [people["circle"].id]
    assert queries.paused_circles(db.session, people["cy"]) == []
    for name in ("host", "ana", "bo", "cy"):
        assert "season_summary" in _kinds(people[name])
        assert queries.my_summary_season(db.session, people[name], season.id) is not None


def test_a_bad_next_season_length_leaves_everyone_in_place(people) -> None:
    season = _start(people)
    later = _answer(people, season, bo="leave")
    with pytest.raises(SeasonError):
        seasons.start_next_season(
            db.session, people["circle"], people["host"], length=40, now=later
        )
    db.session.rollback()
    assert db.session.get(Circle, people["circle"].id).member_count == 4
    assert db.session.get(Season, season.id).ended_at is None


def test_the_last_host_cannot_leave_by_recommitting(people) -> None:
    season = _start(people)
    later = _answer(people, season, host="leave")
    with pytest.raises(LastHost):
        seasons.start_next_season(db.session, people["circle"], people["host"], now=later)
    db.session.rollback()
    assert db.session.get(Season, season.id).ended_at is None


def test_fixed_membership_sends_invites_to_the_waitlist_and_free_seats_are_offered(
    people, make_user
) -> None:
    season = _start(people, fixed=True)
    made = circle_actions.create_invite(db.session, people["circle"], people["host"], NOW)
    db.session.commit()
    waiting = [db.session.get(User, make_user(display_name=f"W{n}").id) for n in range(3)]
    with pytest.raises(MembershipError, match="waitlist"):
        circle_actions.join_circle(db.session, made.invite, waiting[0], agreed=True, now=NOW)
    db.session.rollback()
    for n, person in enumerate(waiting):
        seasons.join_waitlist(db.session, made.invite, person, NOW + timedelta(minutes=n))
    seasons.join_waitlist(db.session, made.invite, waiting[0], NOW)  # twice is once
    db.session.commit()
    assert queries.waitlist_count(db.session, people["circle"].id) == 3

    later = _answer(people, season, bo="pause")  # 4 of 5 seats, one freed: 2 to offer
    seasons.start_next_season(db.session, people["circle"], people["host"], now=later)
    db.session.commit()
    offered = [len(queries.my_offers(db.session, person)) for person in waiting]
    assert offered == [1, 1, 0]
    assert "season_seat" in _kinds(waiting[0]) and "season_seat" not in _kinds(waiting[2])

    # The offered seats are kept for those offered them: no one else joins into them.
    db.session.refresh(made.invite)
    made.invite.expires_at = later + timedelta(days=30)
    seasons.set_fixed_membership(
        db.session, queries.current(db.session, people["circle"].id), False
    )
    db.session.commit()
    with pytest.raises(JoinRefused):
        circle_actions.join_circle(db.session, made.invite, waiting[2], agreed=True, now=later)
    db.session.rollback()
    entry = queries.my_offers(db.session, waiting[0])[0]
    with pytest.raises(SeasonError, match="agreement"):
        seasons.take_seat(db.session, entry, waiting[0], agreed=False, now=later)
    with pytest.raises(LookupError):
        seasons.take_seat(db.session, entry, waiting[1], agreed=True, now=later)
    seasons.take_seat(db.session, entry, waiting[0], agreed=True, now=later)
    db.session.commit()
    current = queries.current(db.session, people["circle"].id)
    assert queries.season_member(db.session, current.id, waiting[0].id) is not None
    assert db.session.get(SeasonWaitlist, entry.id) is None
    # W1 let the offer lapse: after the hold, the seat is anyone's.
    with pytest.raises(JoinRefused):
        circle_actions.join_circle(db.session, made.invite, waiting[2], agreed=True, now=later)
    db.session.rollback()
    after_hold = later + queries.SEAT_HOLD + timedelta(hours=1)
    circle_actions.join_circle(db.session, made.invite, waiting[2], agreed=True, now=after_hold)
    db.session.commit()


def test_joining_mid_season_puts_the_newcomer_in_the_season(people, make_user) -> None:
    season = _start(people)
    made = circle_actions.create_invite(db.session, people["circle"], people["host"], NOW)
    newcomer = db.session.get(User, make_user().id)
    joined_at = NOW + timedelta(weeks=5)
    made.invite.expires_at = joined_at + timedelta(days=1)
    db.session.add(SeasonWaitlist(circle_id=people["circle"].id, user_id=newcomer.id))
    circle_actions.join_circle(db.session, made.invite, newcomer, agreed=True, now=joined_at)
    db.session.commit()
    mine = queries.season_member(db.session, season.id, newcomer.id)
    assert mine is not None and mine.joined_on == TODAY + timedelta(weeks=5)
    assert queries.on_waitlist(db.session, people["circle"].id, newcomer.id) is None
    assert queries.week_of(season, joined_at).week == 6
    # The start check is past: the middle and end checks and the recommit question are planned.
    assert _kinds(newcomer).count("season_checkin") == 2


def test_someone_who_paused_comes_back(people) -> None:
    season = _start(people)
    later = _answer(people, season, bo="pause")
    seasons.start_next_season(db.session, people["circle"], people["host"], now=later)
    db.session.commit()
    back = seasons.come_back(db.session, people["circle"], people["bo"], later)
    db.session.commit()
    assert back is not None and back.user_id == people["bo"].id
    assert queries.paused_circles(db.session, people["bo"]) == []
    with pytest.raises(LookupError):
        seasons.come_back(db.session, people["circle"], people["cy"], later)


def test_the_summary_counts_the_persons_own_season(people) -> None:
    season = _start(people, starts_on=TODAY - timedelta(days=56), length=2)
    ana, bo = people["ana"], people["bo"]
    series = MeetupSeries(
        circle_id=people["circle"].id,
        start_date=TODAY - timedelta(days=56),
        start_time=time(18, 0),
        time_zone="Europe/London",
        repeat="weekly",
        rrule="FREQ=WEEKLY",
    )
    db.session.add(series)
    db.session.flush()
    for week in range(3):
        run = MeetupRun(
            series_id=series.id,
            occurrence_key=f"k{week}",
            started_at=NOW - timedelta(weeks=week + 1),
            format="circle_round",
        )
        db.session.add(run)
        db.session.flush()
        if week:
            db.session.add(Attendance(run_id=run.id, user_id=ana.id))
    db.session.add_all(
        [
            BurnoutCheck(user_id=ana.id, answer=4, checked_at=NOW - timedelta(days=58)),
            BurnoutCheck(user_id=ana.id, answer=2, checked_at=NOW - timedelta(days=2)),
            BurnoutCheck(user_id=bo.id, answer=5, checked_at=NOW - timedelta(days=2)),
            CheckinRecord(circle_id=people["circle"].id, by_user_id=ana.id, with_user_id=bo.id),
            CheckinRecord(circle_id=people["circle"].id, by_user_id=bo.id, with_user_id=ana.id),
            CheckinRecord(circle_id=people["circle"].id, by_user_id=ana.id, with_user_id=bo.id),
        ]
    )
    for day in range(56):
        heavy = 5 if day < 21 else 1
        db.session.add(
            LoadEntry(
                user_id=ana.id,
                client_id=f"c{day}",
                local_date=TODAY - timedelta(days=56 - day),
                intensity=heavy,
            )
        )
    for record in db.session.scalars(db.select(CheckinRecord)):
        record.recorded_at = NOW - timedelta(days=3)
    db.session.commit()
    me = queries.my_summary_season(db.session, ana, season.id)
    assert me is not None
    seen = summary(db.session, me.season, me.me, ana, NOW)
    assert (seen.meetups_held, seen.attended) == (3, 2)
    assert (seen.given, seen.received) == (2, 1)
    assert (seen.first_check.answer, seen.last_check.answer) == (4, 2)
    assert len(seen.weeks) == 9 and seen.logged_weeks == 8
    assert "lighter" in seen.line
    assert seen.so_far  # the season still runs


def test_deleting_an_account_deletes_its_season_answers_and_waitlist_places(people) -> None:
    from circles.services.accounts.data import erase_account, export

    season = _start(people)
    _answer(people, season, bo="pause")
    db.session.add(SeasonWaitlist(circle_id=people["circle"].id, user_id=people["bo"].id))
    db.session.commit()
    data = export(db.session, people["bo"])
    assert data["seasons"][0]["choice"] == "pause"
    assert len(data["season_waitlists"]) == 1
    erase_account(db.session, people["bo"])
    db.session.commit()
    left = db.select(db.func.count()).select_from(SeasonMember)
    assert db.session.scalar(left.where(SeasonMember.user_id == people["bo"].id)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(SeasonWaitlist)) == 0


def test_reminders_of_an_ended_season_and_withdrawn_offers_are_not_sent(people, make_user) -> None:
    season = _start(people, fixed=True)
    made = circle_actions.create_invite(db.session, people["circle"], people["host"], NOW)
    waiting = db.session.get(User, make_user().id)
    seasons.join_waitlist(db.session, made.invite, waiting, NOW)
    later = _answer(people, season, bo="leave")
    seasons.start_next_season(db.session, people["circle"], people["host"], now=later)
    db.session.commit()
    notes = list(db.session.scalars(db.select(Notification)))
    kept = relevant(db.session, notes, later)
    old = [n for n in notes if n.dedupe_key.startswith(f"season_checkin:{season.id}:")]
    assert old and not any(n.id in kept for n in old)
    new = [
        n
        for n in notes
        if n.kind == "season_checkin"
        and not n.dedupe_key.startswith(f"season_checkin:{season.id}:")
    ]
    assert new and all(n.id in kept for n in new)
    offer = next(n for n in notes if n.kind == "season_seat")
    assert offer.id in kept and offer.url == "/me/seasons"
    seasons.leave_waitlist(db.session, queries.my_offers(db.session, waiting)[0])
    db.session.commit()
    assert offer.id not in relevant(db.session, [offer], later)
