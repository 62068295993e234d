"""The 1:1 load index on constructed histories: load, baseline, levels, arc, nudges, zones."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from circles.services.load.index import (
    DEFAULT_TYPICAL_WEEK,
    Baseline,
    BaselineSource,
    Level,
    arc,
    baseline,
    level,
    levels_for,
    nudge_due,
    snapshot,
    weekly_load,
    weekly_loads,
)
from circles.timezones import local_date

TODAY = date(2025, 6, 30)


def weeks_back(*loads: int, today: date = TODAY) -> dict[date, int]:
    """A history whose k-th load (k = 1, 2, ..) is logged on the last day of the window ending
    today - 7k; a 0 leaves that week empty."""
    return {today - timedelta(weeks=k): load for k, load in enumerate(loads, start=1) if load > 0}


def test_weekly_load_sums_the_seven_local_days_ending_on_the_day() -> None:
    daily = {TODAY: 3, TODAY - timedelta(days=6): 4, TODAY - timedelta(days=7): 5}

    assert weekly_load(daily, TODAY) == 7
    assert weekly_load(daily, TODAY - timedelta(days=1)) == 9
    assert weekly_load({}, TODAY) == 0


def test_baseline_with_nothing_logged_and_no_setting_is_the_default() -> None:
    result = baseline({}, TODAY, None)

    assert result == Baseline(float(DEFAULT_TYPICAL_WEEK), BaselineSource.DEFAULT)
    assert DEFAULT_TYPICAL_WEEK == 10


def test_baseline_uses_the_typical_week_setting_until_three_weeks_are_logged() -> None:
    assert baseline(weeks_back(20), TODAY, 6) == Baseline(6.0, BaselineSource.TYPICAL_WEEK)
    assert baseline(weeks_back(20, 18), TODAY, 6) == Baseline(6.0, BaselineSource.TYPICAL_WEEK)
    assert baseline(weeks_back(20, 18), TODAY, None).source is BaselineSource.DEFAULT


def test_baseline_becomes_the_median_once_three_weeks_are_logged() -> None:
    result = baseline(weeks_back(20, 18, 9), TODAY, 6)

    assert result == Baseline(18.0, BaselineSource.HISTORY, weeks=3)
    assert result.explanation == "from your last 3 logged weeks"


def test_baseline_ignores_the_current_week() -> None:
    daily = weeks_back(8, 8, 8)
    daily[TODAY] = 40

    assert baseline(daily, TODAY, None).value == 8.0


def test_baseline_leaves_weeks_with_nothing_logged_out_of_the_median() -> None:
    result = baseline(weeks_back(12, 0, 0, 8, 0, 20, 0, 0), TODAY, None)

    # With the gaps counted as 0 the median would be 0; a gap is not a light week.
    assert result == Baseline(12.0, BaselineSource.HISTORY, weeks=3)


def test_baseline_median_of_an_even_number_of_weeks_is_the_mean_of_the_middle_two() -> None:
    assert baseline(weeks_back(10, 12, 14, 20), TODAY, None).value == 13.0


def test_baseline_looks_back_eight_weeks_only() -> None:
    old = weeks_back(0, 0, 0, 0, 0, 0, 0, 0, 30, 30, 30)

    assert baseline(old, TODAY, 7) == Baseline(7.0, BaselineSource.TYPICAL_WEEK)
    assert baseline(weeks_back(1, 2, 3, 4, 5, 6, 7, 8, 100), TODAY, None).value == 4.5


def test_baseline_explains_where_it_comes_from() -> None:
    assert Baseline(6.0, BaselineSource.TYPICAL_WEEK).explanation == (
        "from your typical-week setting"
    )
    assert "3 weeks" in Baseline(10.0, BaselineSource.DEFAULT).explanation


def test_the_first_weeks_move_from_the_typical_week_to_the_median() -> None:
    start = date(2025, 1, 6)
    daily = {start + timedelta(weeks=week): load for week, load in enumerate([9, 11, 16, 14])}
    sources = [baseline(daily, start + timedelta(weeks=week), 8).source for week in range(5)]

    assert sources == [
        BaselineSource.TYPICAL_WEEK,  # week 1: no history yet
        BaselineSource.TYPICAL_WEEK,  # week 2: one logged week
        BaselineSource.TYPICAL_WEEK,  # week 3: two logged weeks
        BaselineSource.HISTORY,  # week 4: three logged weeks
        BaselineSource.HISTORY,
    ]
    assert baseline(daily, start + timedelta(weeks=3), 8).value == 11.0
    assert baseline(daily, start + timedelta(weeks=4), 8).value == 12.5


@pytest.mark.parametrize(
    ("load", "expected"),
    [
        (1, Level.LIGHT),
        (8, Level.LIGHT),
        (9, Level.STEADY),  # exactly 0.75 x 12
        (12, Level.STEADY),
        (15, Level.STEADY),  # exactly 1.25 x 12
        (16, Level.HEAVY),
        (21, Level.HEAVY),  # exactly 1.75 x 12
        (22, Level.VERY_HEAVY),
    ],
)
def test_each_level_boundary_belongs_to_the_milder_level(load: int, expected: Level) -> None:
    assert level(load, 12.0, None) is expected


def test_level_boundaries_are_exact_for_a_half_point_baseline() -> None:
    # 1.25 x 10.5 = 13.125 and 1.75 x 10.5 = 18.375, 0.75 x 10.5 = 7.875
    assert level(13, 10.5, None) is Level.STEADY
    assert level(14, 10.5, None) is Level.HEAVY
    assert level(18, 10.5, None) is Level.HEAVY
    assert level(19, 10.5, None) is Level.VERY_HEAVY
    assert level(7, 10.5, None) is Level.LIGHT
    assert level(8, 10.5, None) is Level.STEADY


def test_reaching_the_personal_threshold_is_heavy() -> None:
    assert level(12, 12.0, 12) is Level.HEAVY
    assert level(11, 12.0, 12) is Level.STEADY
    assert level(12, 12.0, None) is Level.STEADY


def test_the_threshold_makes_a_light_week_heavy_but_never_very_heavy() -> None:
    assert level(5, 20.0, 5) is Level.HEAVY
    assert level(20, 12.0, 20) is Level.HEAVY
    assert level(22, 12.0, 20) is Level.VERY_HEAVY


def test_a_week_with_nothing_logged_is_never_heavy() -> None:
    assert level(0, 10.0, 0) is Level.LIGHT
    assert level(0, 0.0, 0) is Level.STEADY
    assert level(0, 0.0, None) is Level.STEADY


def test_a_zero_baseline_leaves_only_the_threshold_to_decide() -> None:
    assert level(5, 0.0, None) is Level.STEADY
    assert level(5, 0.0, 5) is Level.HEAVY
    assert level(4, 0.0, 5) is Level.STEADY


def test_levels_have_calm_words_and_css_tokens() -> None:
    assert [(lv.word, lv.css) for lv in Level] == [
        ("Lighter than usual", "light"),
        ("About usual", "steady"),
        ("Heavier than usual", "heavy"),
        ("Much heavier than usual", "very-heavy"),
    ]
    assert [lv.is_heavy for lv in Level] == [False, False, True, True]


def test_snapshot_reports_this_weeks_load_against_the_baseline() -> None:
    daily = weeks_back(10, 12, 14)
    daily[TODAY - timedelta(days=2)] = 10
    daily[TODAY] = 12

    result = snapshot(daily, TODAY, None, None)

    assert result.day == TODAY
    assert result.load == 22
    assert result.baseline == Baseline(12.0, BaselineSource.HISTORY, weeks=3)
    assert result.level is Level.VERY_HEAVY
    assert result.logged


def test_snapshot_of_an_empty_week_says_nothing_was_logged() -> None:
    result = snapshot(weeks_back(10, 12, 14), TODAY, None, None)

    assert result.load == 0
    assert not result.logged
    assert not result.level.is_heavy


def test_arc_has_one_point_per_week_oldest_first_ending_today() -> None:
    points = arc({}, TODAY, None, None)

    assert len(points) == 26
    assert points[-1].end == TODAY
    assert points[-1].start == TODAY - timedelta(days=6)
    assert points[0].end == TODAY - timedelta(weeks=25)
    assert all(b.start == a.end + timedelta(days=1) for a, b in itertools.pairwise(points))


def test_arc_marks_empty_weeks_as_not_logged_instead_of_light() -> None:
    daily = weeks_back(0, 12, 0, 10, 14)
    daily[TODAY] = 11

    points = arc(daily, TODAY, 10, None, weeks=6)

    assert [p.load for p in points] == [14, 10, 0, 12, 0, 11]
    assert [p.logged for p in points] == [True, True, False, True, False, True]
    assert [p.level for p in points] == [
        Level.HEAVY,  # 14 against the typical week of 10
        Level.STEADY,
        None,
        Level.STEADY,
        None,
        Level.STEADY,  # 11 against the median of 14, 10 and 12
    ]


def test_arc_carries_the_baseline_as_it_was_at_the_end_of_each_week() -> None:
    points = arc(weeks_back(16, 12, 8), TODAY, 6, None, weeks=4)

    assert [p.baseline.source for p in points] == [
        BaselineSource.TYPICAL_WEEK,
        BaselineSource.TYPICAL_WEEK,
        BaselineSource.TYPICAL_WEEK,
        BaselineSource.HISTORY,
    ]
    assert [p.baseline.value for p in points] == [6.0, 6.0, 6.0, 12.0]


def test_arc_needs_at_least_one_week() -> None:
    assert len(arc({}, TODAY, None, None, weeks=1)) == 1
    with pytest.raises(ValueError, match="at least one week"):
        arc({}, TODAY, None, None, weeks=0)


def test_a_nudge_is_due_after_two_heavy_days_in_a_row() -> None:
    assert nudge_due(Level.HEAVY, Level.HEAVY, None, TODAY)
    assert nudge_due(Level.HEAVY, Level.VERY_HEAVY, None, TODAY)


def test_a_single_heavy_day_is_not_enough_for_a_nudge() -> None:
    assert not nudge_due(Level.HEAVY, Level.STEADY, None, TODAY)
    assert not nudge_due(Level.STEADY, Level.HEAVY, None, TODAY)
    assert not nudge_due(Level.LIGHT, Level.VERY_HEAVY, None, TODAY)


def test_a_single_very_heavy_day_is_enough_for_a_nudge() -> None:
    assert nudge_due(Level.VERY_HEAVY, Level.LIGHT, None, TODAY)


def test_nudges_go_out_at_most_once_every_three_days() -> None:
    assert not nudge_due(Level.VERY_HEAVY, Level.HEAVY, TODAY, TODAY)
    assert not nudge_due(Level.VERY_HEAVY, Level.HEAVY, TODAY - timedelta(days=1), TODAY)
    assert not nudge_due(Level.VERY_HEAVY, Level.HEAVY, TODAY - timedelta(days=2), TODAY)
    assert nudge_due(Level.VERY_HEAVY, Level.HEAVY, TODAY - timedelta(days=3), TODAY)
    assert nudge_due(Level.VERY_HEAVY, Level.HEAVY, TODAY - timedelta(days=30), TODAY)


def test_levels_for_gives_today_and_yesterday_for_the_nudge_rule() -> None:
    # Typical week 10: a load of 13 is heavy (> 12.5), 18 is very heavy (> 17.5).
    heavy_since_yesterday = {TODAY - timedelta(days=1): 13}
    heavy_only_today = {TODAY: 13}
    very_heavy_today = {TODAY: 18}

    assert levels_for(heavy_since_yesterday, TODAY, 10, None) == (Level.HEAVY, Level.HEAVY)
    assert levels_for(heavy_only_today, TODAY, 10, None) == (Level.HEAVY, Level.LIGHT)
    assert levels_for(very_heavy_today, TODAY, 10, None)[0] is Level.VERY_HEAVY

    assert nudge_due(*levels_for(heavy_since_yesterday, TODAY, 10, None), None, TODAY)
    assert not nudge_due(*levels_for(heavy_only_today, TODAY, 10, None), None, TODAY)
    assert nudge_due(*levels_for(very_heavy_today, TODAY, 10, None), None, TODAY)


def test_levels_for_a_threshold_counts_as_heavy_for_the_nudge() -> None:
    daily = {TODAY - timedelta(days=1): 8}

    assert levels_for(daily, TODAY, 10, 8) == (Level.HEAVY, Level.HEAVY)


@pytest.mark.parametrize("zone", ["Pacific/Auckland", "Pacific/Honolulu", "UTC"])
def test_a_one_to_one_at_half_past_eleven_local_counts_on_that_local_day(zone: str) -> None:
    local_evening = datetime(2025, 1, 15, 23, 30, tzinfo=ZoneInfo(zone))
    logged_at = local_evening.astimezone(UTC)

    assert local_date(logged_at, zone) == date(2025, 1, 15)


def test_far_from_utc_the_utc_date_and_the_local_date_differ() -> None:
    # 23:30 in Auckland (NZDT, UTC+13) is 10:30 UTC the same day; 00:30 is the day before in UTC.
    auckland_past_midnight = datetime(2025, 1, 15, 11, 30, tzinfo=UTC)
    # 23:30 in Honolulu (UTC-10) is 09:30 UTC the next day.
    honolulu_late = datetime(2025, 1, 16, 9, 30, tzinfo=UTC)

    assert local_date(auckland_past_midnight, "Pacific/Auckland") == date(2025, 1, 16)
    assert local_date(honolulu_late, "Pacific/Honolulu") == date(2025, 1, 15)


def test_the_week_ends_at_local_midnight_for_a_user_in_honolulu() -> None:
    zone = "Pacific/Honolulu"
    sunday = date(2025, 1, 19)
    late_sunday = datetime(2025, 1, 20, 9, 30, tzinfo=UTC)  # 23:30 on Sunday in Honolulu
    daily = {local_date(late_sunday, zone): 4}

    assert weekly_load(daily, sunday) == 4
    assert weekly_load(daily, sunday - timedelta(days=7)) == 0


def test_local_date_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="aware"):
        local_date(datetime(2025, 1, 15, 12, 0), "UTC")  # noqa: DTZ001


@given(
    st.dictionaries(
        st.integers(min_value=-3, max_value=80).map(lambda back: TODAY - timedelta(days=back)),
        st.integers(min_value=1, max_value=40),
        max_size=120,
    ),
    st.integers(min_value=1, max_value=9),
)
def test_weekly_loads_are_the_sums_of_each_weeks_seven_days(
    daily: dict[date, int], weeks: int
) -> None:
    """Short logs (walked) and long ones (looked up) give the same sums."""
    expected = [
        sum(total for day, total in daily.items() if week * 7 <= (TODAY - day).days < week * 7 + 7)
        for week in range(weeks)
    ]
    assert weekly_loads(daily, TODAY, weeks) == expected
