"""Quiet hours on the user's wall clock, across midnight and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.tz import datetime_exists

from circles.services.meetups.recurrence import to_utc
from circles.services.reminders.quiet_hours import defer_out_of_quiet_hours, in_quiet_hours

NIGHT = (time(21, 0), time(8, 0))
LONDON = "Europe/London"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_no_quiet_hours_without_both_ends_or_with_equal_ends() -> None:
    moment = utc(2025, 6, 1, 23, 0)

    assert not in_quiet_hours(moment, "UTC", None, None)
    assert not in_quiet_hours(moment, "UTC", time(21, 0), None)
    assert not in_quiet_hours(moment, "UTC", None, time(8, 0))
    assert not in_quiet_hours(moment, "UTC", time(23, 0), time(23, 0))
    assert defer_out_of_quiet_hours(moment, "UTC", time(23, 0), time(23, 0)) == moment


def test_a_daytime_window_includes_its_start_and_excludes_its_end() -> None:
    start, end = time(13, 0), time(14, 0)

    assert not in_quiet_hours(utc(2025, 6, 1, 12, 59), "UTC", start, end)
    assert in_quiet_hours(utc(2025, 6, 1, 13, 0), "UTC", start, end)
    assert in_quiet_hours(utc(2025, 6, 1, 13, 59), "UTC", start, end)
    assert not in_quiet_hours(utc(2025, 6, 1, 14, 0), "UTC", start, end)


@pytest.mark.parametrize(
    ("hour", "minute", "quiet"),
    [(20, 59, False), (21, 0, True), (23, 59, True), (0, 0, True), (3, 0, True), (7, 59, True),
     (8, 0, False), (12, 0, False)],
)  # fmt: skip
def test_quiet_hours_cross_midnight(hour: int, minute: int, quiet: bool) -> None:
    assert in_quiet_hours(utc(2025, 6, 1, hour, minute), "UTC", *NIGHT) is quiet


def test_quiet_hours_are_read_on_the_users_clock_not_utc() -> None:
    # 09:00 UTC is 22:00 in Auckland (NZDT) and 23:00 the evening before in Honolulu.
    moment = utc(2025, 1, 15, 9, 0)

    assert in_quiet_hours(moment, "Pacific/Auckland", *NIGHT)
    assert in_quiet_hours(moment, "Pacific/Honolulu", *NIGHT)
    assert not in_quiet_hours(moment, "UTC", *NIGHT)


def test_outside_quiet_hours_nothing_is_deferred() -> None:
    moment = utc(2025, 6, 1, 12, 0)

    assert defer_out_of_quiet_hours(moment, LONDON, *NIGHT) == moment


def test_the_deferred_moment_is_always_in_utc() -> None:
    moment = datetime(2025, 6, 1, 22, 0, tzinfo=ZoneInfo("Pacific/Auckland"))  # 11:00 in London

    result = defer_out_of_quiet_hours(moment, LONDON, *NIGHT)

    assert result == moment and result.tzinfo is UTC


def test_a_reminder_before_midnight_waits_for_the_next_morning() -> None:
    # 22:30 BST on 1 June -> 08:00 BST on 2 June, 07:00 UTC.
    assert defer_out_of_quiet_hours(utc(2025, 6, 1, 21, 30), LONDON, *NIGHT) == utc(
        2025, 6, 2, 7, 0
    )


def test_a_reminder_after_midnight_waits_for_the_same_morning() -> None:
    # 03:00 BST on 2 June -> 08:00 BST that morning.
    assert defer_out_of_quiet_hours(utc(2025, 6, 2, 2, 0), LONDON, *NIGHT) == utc(2025, 6, 2, 7, 0)


def test_a_daytime_window_defers_to_its_end_the_same_day() -> None:
    result = defer_out_of_quiet_hours(utc(2025, 6, 2, 12, 15), LONDON, time(13, 0), time(14, 0))

    assert result == utc(2025, 6, 2, 13, 0)  # 14:00 BST


def test_far_from_utc_the_morning_is_the_users_morning() -> None:
    # 22:00 NZDT on 15 January -> 08:00 NZDT on 16 January = 19:00 UTC on 15 January.
    result = defer_out_of_quiet_hours(utc(2025, 1, 15, 9, 0), "Pacific/Auckland", *NIGHT)

    assert result == utc(2025, 1, 15, 19, 0)


def test_deferral_across_the_spring_change_keeps_eight_oclock_local() -> None:
    # Clocks go forward at 01:00 GMT on 30 March 2025; 08:00 that morning is BST, 07:00 UTC.
    result = defer_out_of_quiet_hours(utc(2025, 3, 29, 23, 0), LONDON, *NIGHT)

    assert result == utc(2025, 3, 30, 7, 0)


def test_deferral_to_a_skipped_time_moves_forward_by_the_gap_as_meetups_do() -> None:
    # 01:30 does not exist in London on 30 March 2025: like a meetup at that time, it moves
    # forward by the hour the clocks skip, to 02:30 BST (01:30 UTC).
    result = defer_out_of_quiet_hours(utc(2025, 3, 29, 23, 0), LONDON, time(22, 0), time(1, 30))

    assert result == utc(2025, 3, 30, 1, 30)
    assert result.astimezone(ZoneInfo(LONDON)).time() == time(2, 30)
    meetup = to_utc(datetime(2025, 3, 30, 1, 30), LONDON)  # noqa: DTZ001 - a naive wall time
    assert meetup == result


def test_deferral_across_the_autumn_change_keeps_eight_oclock_local() -> None:
    # Clocks go back at 01:00 UTC on 26 October 2025; 08:00 that morning is GMT, 08:00 UTC.
    result = defer_out_of_quiet_hours(utc(2025, 10, 25, 22, 0), LONDON, *NIGHT)

    assert result == utc(2025, 10, 26, 8, 0)


def test_deferral_to_a_repeated_time_takes_the_first_one_still_ahead() -> None:
    window = (time(22, 0), time(1, 30))

    # From 23:00 BST: 01:30 BST comes first (00:30 UTC).
    assert defer_out_of_quiet_hours(utc(2025, 10, 25, 22, 0), LONDON, *window) == utc(
        2025, 10, 26, 0, 30
    )
    # From 01:10 GMT, after the clocks went back: 01:30 GMT (01:30 UTC).
    assert defer_out_of_quiet_hours(utc(2025, 10, 26, 1, 10), LONDON, *window) == utc(
        2025, 10, 26, 1, 30
    )


@pytest.mark.parametrize(
    "window",
    [NIGHT, (time(22, 0), time(1, 30)), (time(0, 30), time(1, 30)), (time(1, 45), time(1, 30))],
)
@pytest.mark.parametrize("around", [utc(2025, 3, 28), utc(2025, 10, 24)])
def test_deferral_is_the_first_moment_outside_quiet_hours_around_each_change(
    window: tuple[time, time], around: datetime
) -> None:
    for step in range(4 * 24 * 4):
        moment = around + timedelta(minutes=15 * step)

        result = defer_out_of_quiet_hours(moment, LONDON, *window)

        assert result >= moment
        assert not in_quiet_hours(result, LONDON, *window)
        if result > moment and not _skipped(result, window[1]):
            assert in_quiet_hours(result - timedelta(seconds=1), LONDON, *window)


def _skipped(result: datetime, end: time) -> bool:
    """True when the window's end did not exist that day and the deferral moved it by the gap."""
    day = result.astimezone(ZoneInfo(LONDON)).date()
    wall = datetime.combine(day, end)
    return not datetime_exists(wall.replace(tzinfo=ZoneInfo(LONDON))) and result == to_utc(
        wall, LONDON
    )


def test_quiet_hours_refuse_a_naive_datetime() -> None:
    naive = datetime(2025, 6, 1, 12, 0)  # noqa: DTZ001
    with pytest.raises(ValueError, match="aware"):
        in_quiet_hours(naive, "UTC", *NIGHT)
    with pytest.raises(ValueError, match="aware"):
        defer_out_of_quiet_hours(naive, "UTC", *NIGHT)
