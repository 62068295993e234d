"""The season rules, without a database."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from circles.services.seasons import rules
from circles.services.seasons.rules import Choice, Trend, Unit

START = date(2027, 1, 4)  # a Monday


def test_a_season_of_months_ends_that_many_calendar_months_later() -> None:
    assert rules.end_date(START, Unit.MONTHS, 6) == date(2027, 7, 4)
    assert rules.end_date(date(2027, 8, 31), Unit.MONTHS, 6) == date(2028, 2, 29)  # leap, clamped


def test_a_season_of_meetups_ends_on_the_day_of_its_last_meetup() -> None:
    fortnightly = [START + timedelta(weeks=2 * n) for n in range(20)]
    assert rules.end_date(START, Unit.MEETUPS, 12, fortnightly) == START + timedelta(weeks=22)


def test_meetups_before_the_start_and_repeated_days_do_not_count() -> None:
    days = [START - timedelta(days=7), START, START, START + timedelta(days=7)]
    assert rules.end_date(START, Unit.MEETUPS, 2, days) == START + timedelta(days=7)


def test_without_enough_planned_meetups_the_rest_are_assumed_every_two_weeks() -> None:
    assert rules.end_date(START, Unit.MEETUPS, 12) == START + timedelta(weeks=24)
    two_known = [START + timedelta(days=3), START + timedelta(days=10)]
    assert rules.end_date(START, Unit.MEETUPS, 4, two_known) == two_known[-1] + timedelta(weeks=4)


def test_a_season_always_ends_after_it_starts() -> None:
    assert rules.end_date(START, Unit.MEETUPS, 2, [START, START]) > START


@pytest.mark.parametrize(
    ("unit", "length", "ok"),
    [
        (Unit.MONTHS, 0, False),
        (Unit.MONTHS, 1, True),
        (Unit.MONTHS, 12, True),
        (Unit.MONTHS, 13, False),
        (Unit.MEETUPS, 1, False),
        (Unit.MEETUPS, 2, True),
        (Unit.MEETUPS, 26, True),
        (Unit.MEETUPS, 27, False),
    ],
)
def test_season_lengths(unit: Unit, length: int, ok: bool) -> None:
    assert (rules.length_problem(unit, length) is None) is ok


def test_week_numbers_start_at_one_and_turn_every_seven_days() -> None:
    end = rules.end_date(START, Unit.MONTHS, 6)
    assert rules.week_of(START, end, START).week == 1
    assert rules.week_of(START, end, START + timedelta(days=6)).week == 1
    assert rules.week_of(START, end, START + timedelta(days=7)).week == 2
    assert rules.week_of(START, end, START + timedelta(weeks=5, days=3)).words == "Week 6 of 26"


def test_before_the_start_and_after_the_end() -> None:
    end = START + timedelta(weeks=4)
    before = rules.week_of(START, end, START - timedelta(days=1))
    assert not before.started and before.week == 0
    after = rules.week_of(START, end, end + timedelta(days=30))
    assert after.over and after.week == after.of_weeks == 4


@given(st.integers(0, 400), st.integers(1, 400))
def test_the_week_never_passes_the_number_of_weeks(offset: int, length: int) -> None:
    end = START + timedelta(days=length)
    week = rules.week_of(START, end, START + timedelta(days=offset))
    assert 1 <= week.week <= week.of_weeks


def test_the_recommit_window_opens_two_weeks_before_the_end() -> None:
    end = rules.end_date(START, Unit.MONTHS, 6)
    opens = end - timedelta(weeks=2)
    assert rules.recommit_opens_on(START, end) == opens
    assert not rules.recommit_open(START, end, opens - timedelta(days=1))
    assert rules.recommit_open(START, end, opens)
    assert rules.recommit_open(START, end, end + timedelta(days=20))  # a season that ran over
    assert not rules.can_start_next(START, end, opens - timedelta(days=1))
    assert rules.can_start_next(START, end, opens)


def test_a_short_season_opens_its_window_at_the_start_at_the_earliest() -> None:
    end = START + timedelta(days=10)
    assert rules.recommit_opens_on(START, end) == START


def test_burnout_checks_come_at_the_start_middle_and_near_the_end() -> None:
    end = START + timedelta(weeks=26)
    days = rules.check_days(START, end)
    assert days == {
        "start": START,
        "middle": START + timedelta(weeks=13),
        "end": end - timedelta(days=3),
    }
    short = rules.check_days(START, START + timedelta(days=2))
    assert short["start"] < short["middle"] < short["end"]


def test_the_next_season_starts_with_those_who_continue_and_no_answer_is_continue() -> None:
    split = rules.next_season(
        {1: Choice.CONTINUE, 2: Choice.PAUSE, 3: None, 4: Choice.LEAVE, 5: Choice.CONTINUE}
    )
    assert split.continuing == [1, 3, 5]
    assert split.pausing == [2]
    assert split.leaving == [4]


def test_the_host_sees_counts_and_only_the_names_of_those_who_continue() -> None:
    view = rules.host_view({1: Choice.CONTINUE, 2: Choice.PAUSE, 3: None, 4: Choice.LEAVE})
    assert view.continuing == [1]
    assert (view.pausing, view.leaving, view.not_yet) == (1, 1, 1)
    assert 2 not in view.continuing and 4 not in view.continuing


def test_free_seats_go_to_the_waitlist_first_come_first() -> None:
    assert rules.seats_to_offer(8, 5, [31, 12, 40, 7]) == [31, 12, 40]
    assert rules.seats_to_offer(8, 8, [31]) == []
    assert rules.seats_to_offer(8, 9, [31]) == []  # never a negative number of seats
    assert rules.seats_to_offer(8, 2, []) == []


@given(st.integers(3, 10), st.integers(0, 10), st.lists(st.integers(1, 99), unique=True))
def test_offers_never_pass_the_cap(cap: int, seated: int, waiting: list[int]) -> None:
    offered = rules.seats_to_offer(cap, seated, waiting)
    assert seated + len(offered) <= max(cap, seated)
    assert offered == waiting[: len(offered)]


def test_the_load_trend_compares_the_last_weeks_with_the_first() -> None:
    assert rules.load_trend([20, 18, 19, None, 12, 10, 9], 12) is Trend.LIGHTER
    assert rules.load_trend([8, 9, 8, 12, 16, 18], 10) is Trend.HEAVIER
    assert rules.load_trend([10, 11, 10, 10, 11, 10], 10) is Trend.SIMILAR
    assert rules.load_trend([10, None, None, 11], 10) is None  # too few weeks logged


def test_the_calm_line_says_what_changed_without_alarm() -> None:
    lighter = rules.what_changed(4, 2, Trend.LIGHTER, 10)
    assert "lighter" in lighter
    heavier = rules.what_changed(2, 4, Trend.HEAVIER, 3)
    assert "someone you trust" in heavier
    assert rules.what_changed(None, None, None, 5).startswith("You were there")
    assert rules.what_changed(None, None, None, 0)
    for line in (lighter, heavier):
        assert not re.search(r"missed|overdue|warning|!|score|rank", line, re.IGNORECASE)
