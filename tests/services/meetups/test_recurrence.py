"""Recurrence of meetup series: RRULE text, local wall-time expansion across DST, words."""

from __future__ import annotations

import time as clock
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from dateutil.rrule import rrulestr

from circles.services.meetups.recurrence import (
    Repeat,
    describe,
    nth_weekday,
    occurrence_from_key,
    occurrence_key,
    occurrences,
    rrule_text,
    validate,
)

LONDON = "Europe/London"
NEW_YORK = "America/New_York"


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A naive local wall time, as a host enters a meetup's start."""
    return datetime(year, month, day, hour, minute)  # noqa: DTZ001 - local wall time by design


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


YEAR_START = utc(2026, 1, 1)
YEAR_END = utc(2027, 1, 1)


def expand(
    repeat: Repeat,
    start_local: datetime,
    zone: str,
    window_start: datetime = YEAR_START,
    window_end: datetime = YEAR_END,
    until_local: date | None = None,
) -> list[datetime]:
    text = rrule_text(repeat, start_local, until_local, zone=zone)
    return occurrences(text, start_local, zone, window_start, window_end)


def wall(moments: list[datetime], zone: str) -> list[datetime]:
    """The occurrences as naive local wall times, for readable assertions."""
    return [m.astimezone(ZoneInfo(zone)).replace(tzinfo=None) for m in moments]


# --- DST: 19:00 stays 19:00 ---------------------------------------------------------------


def test_weekly_evening_in_london_stays_at_seven_across_both_dst_changes() -> None:
    start = local(2026, 3, 17, 19)  # a Tuesday; BST starts 29 March, ends 25 October
    found = expand(Repeat.WEEKLY, start, LONDON)

    assert len(found) == 42  # 17 March .. 29 December
    assert all(t.tzinfo is UTC for t in found)
    assert {(t.hour, t.minute, t.weekday()) for t in wall(found, LONDON)} == {(19, 0, 1)}
    by_day = {t.date(): t.hour for t in found}
    assert by_day[date(2026, 3, 24)] == 19  # GMT
    assert by_day[date(2026, 3, 31)] == 18  # BST
    assert by_day[date(2026, 10, 20)] == 18  # BST
    assert by_day[date(2026, 10, 27)] == 19  # GMT again
    assert all(b - a == timedelta(days=7) for a, b in pairwise(wall(found, LONDON)))


def test_weekly_evening_in_new_york_follows_its_own_dst_dates() -> None:
    start = local(2026, 3, 3, 19)  # a Tuesday; EDT starts 8 March, ends 1 November
    found = expand(Repeat.WEEKLY, start, NEW_YORK)

    assert {(t.hour, t.minute, t.weekday()) for t in wall(found, NEW_YORK)} == {(19, 0, 1)}
    by_day = {t.astimezone(ZoneInfo(NEW_YORK)).date(): t for t in found}
    assert by_day[date(2026, 3, 3)] == utc(2026, 3, 4, 0)  # EST: 19:00 is 00:00Z the next day
    assert by_day[date(2026, 3, 10)] == utc(2026, 3, 10, 23)  # EDT, while London is still GMT
    assert by_day[date(2026, 10, 27)] == utc(2026, 10, 27, 23)  # still EDT after London changed
    assert by_day[date(2026, 11, 3)] == utc(2026, 11, 4, 0)  # EST again


def test_biweekly_meets_every_other_week_at_the_same_local_time() -> None:
    start = local(2026, 3, 19, 18, 30)  # a Thursday
    found = wall(expand(Repeat.BIWEEKLY, start, LONDON), LONDON)

    assert rrule_text(Repeat.BIWEEKLY, start) == "FREQ=WEEKLY;INTERVAL=2"
    assert found[:3] == [start, local(2026, 4, 2, 18, 30), local(2026, 4, 16, 18, 30)]
    assert all(b - a == timedelta(weeks=2) for a, b in pairwise(found))
    assert len(found) == 21  # 19 March .. 24 December


def test_monthly_first_tuesday_over_a_year_keeps_the_local_time() -> None:
    start = local(2026, 1, 6, 19)  # the first Tuesday of January
    found = expand(Repeat.MONTHLY_NTH, start, LONDON)

    assert rrule_text(Repeat.MONTHLY_NTH, start) == "FREQ=MONTHLY;BYDAY=1TU"
    assert [t.date() for t in wall(found, LONDON)] == [
        date(2026, 1, 6),
        date(2026, 2, 3),
        date(2026, 3, 3),
        date(2026, 4, 7),
        date(2026, 5, 5),
        date(2026, 6, 2),
        date(2026, 7, 7),
        date(2026, 8, 4),
        date(2026, 9, 1),
        date(2026, 10, 6),
        date(2026, 11, 3),
        date(2026, 12, 1),
    ]
    assert {t.time().hour for t in wall(found, LONDON)} == {19}
    assert {t.hour for t in found} == {18, 19}  # summer and winter in UTC


def test_monthly_last_friday_over_a_year_lands_on_the_last_friday_of_each_month() -> None:
    start = local(2026, 1, 30, 12)  # the 5th and last Friday of January
    found = wall(expand(Repeat.MONTHLY_NTH, start, NEW_YORK), NEW_YORK)

    assert rrule_text(Repeat.MONTHLY_NTH, start) == "FREQ=MONTHLY;BYDAY=-1FR"
    assert len(found) == 12
    for moment in found:
        assert moment.weekday() == 4 and moment.hour == 12
        assert (moment + timedelta(days=7)).month != moment.month


def test_nth_weekday_counts_from_the_start_of_the_month_and_maps_the_fifth_to_last() -> None:
    assert nth_weekday(date(2026, 3, 3)) == 1
    assert nth_weekday(date(2026, 3, 17)) == 3
    assert nth_weekday(date(2026, 2, 27)) == 4  # also the last Friday of February, but 4th
    assert nth_weekday(date(2026, 3, 31)) == -1  # the 5th Tuesday


# --- nonexistent and ambiguous local times -------------------------------------------------


def test_a_time_in_the_spring_forward_gap_moves_forward_by_the_gap() -> None:
    start = local(2026, 3, 1, 2, 30)  # Sundays 02:30; on 8 March 02:00-03:00 does not exist
    found = expand(Repeat.WEEKLY, start, NEW_YORK, utc(2026, 3, 1), utc(2026, 3, 20))

    assert found == [utc(2026, 3, 1, 7, 30), utc(2026, 3, 8, 7, 30), utc(2026, 3, 15, 6, 30)]
    assert wall(found, NEW_YORK)[1] == local(2026, 3, 8, 3, 30)  # 02:30 EST == 03:30 EDT
    assert wall(found, NEW_YORK)[2] == local(2026, 3, 15, 2, 30)


def test_an_ambiguous_time_on_the_fall_back_day_takes_the_first_of_the_two() -> None:
    start = local(2026, 10, 25, 1, 30)  # Sundays 01:30; on 1 November it happens twice
    found = expand(Repeat.WEEKLY, start, NEW_YORK, utc(2026, 10, 20), utc(2026, 11, 10))

    assert found == [utc(2026, 10, 25, 5, 30), utc(2026, 11, 1, 5, 30), utc(2026, 11, 8, 6, 30)]
    assert found[1].astimezone(ZoneInfo(NEW_YORK)).utcoffset() == timedelta(hours=-4)  # EDT


# --- UNTIL ---------------------------------------------------------------------------------


def test_until_ends_the_series_after_that_local_day_and_round_trips_through_rrulestr() -> None:
    start = local(2026, 3, 17, 19)
    # "Edit from 12 May onwards" ends the old series on 11 May.
    text = rrule_text(Repeat.WEEKLY, start, date(2026, 5, 11), zone=LONDON)
    assert text == "FREQ=WEEKLY;UNTIL=20260511T225959Z"  # end of 11 May in BST, as UTC

    found = occurrences(text, start, LONDON, YEAR_START, YEAR_END)
    assert wall(found, LONDON)[-1] == local(2026, 5, 5, 19)
    assert len(found) == 8

    parsed = rrulestr(text, dtstart=start.replace(tzinfo=ZoneInfo(LONDON)))
    assert [t.astimezone(UTC) for t in parsed] == found


def test_until_includes_an_occurrence_on_that_very_day_in_a_zone_ahead_of_utc() -> None:
    zone = "Pacific/Auckland"
    start = local(2026, 3, 3, 7)  # Tuesday mornings, which are Monday evenings in UTC
    text = rrule_text(Repeat.WEEKLY, start, date(2026, 3, 17), zone=zone)
    assert text == "FREQ=WEEKLY;UNTIL=20260317T105959Z"  # 23:59:59 NZDT is 10:59:59Z

    found = occurrences(text, start, zone, YEAR_START, YEAR_END)
    assert [t.date() for t in wall(found, zone)] == [
        date(2026, 3, 3),
        date(2026, 3, 10),
        date(2026, 3, 17),
    ]


def test_monthly_and_biweekly_rules_with_until_round_trip_through_rrulestr() -> None:
    for repeat, start in [
        (Repeat.BIWEEKLY, local(2026, 1, 8, 18)),
        (Repeat.MONTHLY_NTH, local(2026, 1, 27, 19, 15)),
    ]:
        text = rrule_text(repeat, start, date(2026, 11, 30), zone=NEW_YORK)
        assert text is not None and text.endswith("UNTIL=20261201T045959Z")
        parsed = rrulestr(text, dtstart=start.replace(tzinfo=ZoneInfo(NEW_YORK)))
        expected = [t.astimezone(UTC) for t in parsed]
        assert occurrences(text, start, NEW_YORK, YEAR_START, YEAR_END) == expected
        assert wall(expected, NEW_YORK)[-1].month == 11


def test_until_needs_the_zone_because_it_is_written_in_utc() -> None:
    with pytest.raises(ValueError, match="zone"):
        rrule_text(Repeat.WEEKLY, local(2026, 3, 17, 19), date(2026, 5, 11))


# --- windows -------------------------------------------------------------------------------


def test_a_window_far_in_the_future_is_fast_and_matches_plain_expansion() -> None:
    cases = [
        (Repeat.WEEKLY, local(2026, 3, 17, 19), LONDON),
        (Repeat.BIWEEKLY, local(2026, 3, 19, 18, 30), NEW_YORK),
        (Repeat.MONTHLY_NTH, local(2026, 1, 30, 12), NEW_YORK),
        (Repeat.MONTHLY_NTH, local(2026, 1, 6, 19), LONDON),
    ]
    window = (utc(2426, 3, 1), utc(2426, 12, 1))
    for repeat, start, zone in cases:
        text = rrule_text(repeat, start)
        assert text is not None

        began = clock.perf_counter()
        for _ in range(20):
            found = occurrences(text, start, zone, *window)
        per_call = (clock.perf_counter() - began) / 20

        # The reference: dateutil stepping through four centuries, then localised the same way.
        tz = ZoneInfo(zone)
        plain = rrulestr(text, dtstart=start).between(
            local(2426, 2, 27), local(2426, 12, 3), inc=True
        )
        expected = [
            t.replace(tzinfo=tz).astimezone(UTC)
            for t in plain
            if window[0] <= t.replace(tzinfo=tz) < window[1]
        ]
        assert found == expected and found
        assert {(t.hour, t.minute) for t in wall(found, zone)} == {(start.hour, start.minute)}
        assert per_call < 0.01, f"{repeat} took {per_call * 1000:.1f} ms"


def test_the_window_includes_its_start_and_excludes_its_end() -> None:
    start = local(2026, 3, 17, 19)
    text = rrule_text(Repeat.WEEKLY, start)
    first, second = utc(2026, 3, 17, 19), utc(2026, 3, 24, 19)

    assert occurrences(text, start, LONDON, first, second) == [first]
    assert occurrences(text, start, LONDON, first + timedelta(seconds=1), second) == []
    assert occurrences(text, start, LONDON, utc(2020, 1, 1), first) == []


def test_limit_returns_the_earliest_occurrences_only() -> None:
    start = local(2026, 3, 17, 19)
    text = rrule_text(Repeat.WEEKLY, start)
    found = occurrences(text, start, LONDON, utc(2030, 1, 1), utc(2031, 1, 1), limit=2)

    assert found == [utc(2030, 1, 1, 19), utc(2030, 1, 8, 19)]
    assert occurrences(text, start, LONDON, YEAR_START, YEAR_END, limit=0) == []


def test_a_one_off_meetup_occurs_once_if_it_falls_in_the_window() -> None:
    start = local(2026, 7, 7, 19)
    assert rrule_text(Repeat.NONE, start) is None
    assert occurrences(None, start, LONDON, YEAR_START, YEAR_END) == [utc(2026, 7, 7, 18)]
    assert occurrences(None, start, LONDON, utc(2026, 8, 1), YEAR_END) == []


def test_naive_windows_and_aware_local_starts_are_refused() -> None:
    start = local(2026, 3, 17, 19)
    with pytest.raises(ValueError, match="aware"):
        occurrences("FREQ=WEEKLY", start, LONDON, local(2026, 1, 1), YEAR_END)
    with pytest.raises(ValueError, match="naive"):
        occurrences("FREQ=WEEKLY", start.replace(tzinfo=UTC), LONDON, YEAR_START, YEAR_END)


# --- keys, words, validation -----------------------------------------------------------------


def test_occurrence_key_is_the_original_utc_start() -> None:
    moment = local(2026, 3, 17, 19).replace(tzinfo=ZoneInfo(LONDON))
    assert occurrence_key(moment) == "20260317T190000Z"
    assert occurrence_key(utc(2026, 7, 7, 18)) == "20260707T180000Z"
    assert occurrence_from_key("20260707T180000Z") == utc(2026, 7, 7, 18)
    with pytest.raises(ValueError, match="aware"):
        occurrence_key(local(2026, 3, 17, 19))


def test_describe_says_how_the_series_repeats_in_plain_words() -> None:
    tuesday = local(2026, 3, 3, 19)
    assert describe(Repeat.NONE, tuesday) == "Once"
    assert describe(Repeat.WEEKLY, tuesday) == "Every week on Tuesday"
    assert describe(Repeat.BIWEEKLY, tuesday) == "Every 2 weeks on Tuesday"
    assert describe(Repeat.MONTHLY_NTH, tuesday) == "Monthly on the first Tuesday"
    assert describe(Repeat.MONTHLY_NTH, local(2026, 3, 19, 19)) == "Monthly on the third Thursday"
    assert describe(Repeat.MONTHLY_NTH, local(2026, 1, 30, 12)) == "Monthly on the last Friday"


def test_validate_explains_a_series_that_would_never_meet() -> None:
    start = local(2026, 3, 17, 19)
    message = validate(Repeat.WEEKLY, start, date(2026, 3, 16))
    assert message is not None and "before the first meetup" in message
    assert validate(Repeat.NONE, start, date(2026, 3, 1)) is not None
    assert validate(Repeat.MONTHLY_NTH, start, date(2026, 3, 17)) is None  # just the first one
    assert validate(Repeat.BIWEEKLY, start, date(2026, 3, 30)) is None
    assert validate(Repeat.WEEKLY, start, None) is None


def test_repeat_values_are_the_stored_strings() -> None:
    assert [r.value for r in Repeat] == ["none", "weekly", "biweekly", "monthly_nth"]
    assert Repeat("monthly_nth") is Repeat.MONTHLY_NTH


# --- agreement with calendar clients ---------------------------------------------------------


def _calendar(repeat: Repeat, start: datetime, zone: str, until: date | None) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Circles//recurrence test//EN")
    calendar.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", "series-1@circles.test")
    event.add("dtstamp", utc(2026, 1, 1))
    event.start = start.replace(tzinfo=ZoneInfo(zone))  # DTSTART;TZID=<zone>:<local>
    text = rrule_text(repeat, start, until, zone=zone)
    if text is not None:
        event.add("rrule", icalendar.vRecur.from_ical(text))
    calendar.add_component(event)
    # icalendar 6+/7: builds the VTIMEZONE for every TZID used from zoneinfo (RDATE lists).
    calendar.add_missing_timezones(first_date=date(2025, 1, 1), last_date=date(2030, 1, 1))
    ics: bytes = calendar.to_ical()
    return ics


@pytest.mark.parametrize("zone", [LONDON, NEW_YORK])
@pytest.mark.parametrize(
    ("repeat", "start", "until"),
    [
        (Repeat.NONE, local(2026, 6, 2, 19), None),
        (Repeat.WEEKLY, local(2026, 3, 3, 19), None),
        (Repeat.WEEKLY, local(2026, 1, 4, 1, 30), None),  # Sundays: hits both DST changes
        (Repeat.WEEKLY, local(2026, 1, 4, 2, 30), date(2026, 10, 31)),
        (Repeat.BIWEEKLY, local(2026, 1, 8, 18, 30), date(2026, 11, 5)),
        (Repeat.MONTHLY_NTH, local(2026, 1, 6, 19), None),
        (Repeat.MONTHLY_NTH, local(2026, 1, 30, 12), date(2026, 9, 25)),
    ],
)
def test_calendar_clients_expand_the_feed_to_the_same_occurrences(
    zone: str, repeat: Repeat, start: datetime, until: date | None
) -> None:
    ics = _calendar(repeat, start, zone, until)
    assert f"DTSTART;TZID={zone}:".encode() in ics
    assert b"BEGIN:VTIMEZONE" in ics
    ours = occurrences(
        rrule_text(repeat, start, until, zone=zone), start, zone, YEAR_START, YEAR_END
    )

    # icalendar maps a known IANA TZID straight to zoneinfo; renaming it forces the client to
    # use our VTIMEZONE definition instead, as Outlook-style clients do. (icalendar caches a
    # custom TZID process-wide, so each zone gets its own name.)
    for text in (ics, ics.replace(zone.encode(), f"Circles-{zone}".encode())):
        events = recurring_ical_events.of(icalendar.Calendar.from_ical(text)).between(
            YEAR_START, YEAR_END
        )
        theirs = sorted(event.start.astimezone(UTC) for event in events)
        assert theirs == ours and ours
