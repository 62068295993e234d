"""VTIMEZONE blocks that hold for every year, checked against zoneinfo for every zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from circles.services.meetups.vtimezone import DateRule, parse_posix, vtimezone
from circles.timezones import zone_names
from tests.support.node import ical_js_expand

YEARLY = "FREQ=YEARLY;BYDAY="


def _changes(key: str, since: date, until: datetime) -> list[tuple[datetime, timedelta, timedelta]]:
    """(UTC instant, offset before, offset after) of every change the VTIMEZONE describes.

    RRULEs are expanded with dateutil, independently of the code that wrote them; an onset is
    local time in the offset before it (RFC 5545), so its instant is DTSTART - TZOFFSETFROM.
    """
    found = []
    for part in vtimezone(key, since).subcomponents:
        start = part["DTSTART"].dt
        before, after = part["TZOFFSETFROM"].td, part["TZOFFSETTO"].td
        assert "RDATE" not in part, "ical.js reads only the first value of an RDATE"
        onsets = [start]
        if "RRULE" in part:
            rule = rrulestr(part["RRULE"].to_ical().decode(), dtstart=start)
            onsets = list(rule.between(start, until.replace(tzinfo=None), inc=True))
        found += [((onset - before).replace(tzinfo=UTC), before, after) for onset in onsets]
    return sorted(found)


@pytest.mark.parametrize("key", zone_names())
def test_every_zone_changes_exactly_when_zoneinfo_says_until_2060(key: str) -> None:
    since = date(2020, 1, 1)
    until = datetime(2060, 1, 1, tzinfo=UTC)
    zone = ZoneInfo(key)
    changes = [c for c in _changes(key, since, until) if c[0] < until]
    second = timedelta(seconds=1)
    for instant, before, after in changes:
        if instant.year >= since.year and before != after:
            assert (instant - second).astimezone(zone).utcoffset() == before, (key, instant)
            assert instant.astimezone(zone).utcoffset() == after, (key, instant)
    # Between changes the offset holds: sample every 5 days from 2020 to 2060.
    moment, index = datetime(2020, 1, 3, tzinfo=UTC), 0
    while moment < until:
        while index + 1 < len(changes) and changes[index + 1][0] <= moment:
            index += 1
        assert moment.astimezone(zone).utcoffset() == changes[index][2], (key, moment)
        moment += timedelta(days=5)


@pytest.mark.parametrize(
    ("key", "yearly"),
    [
        ("America/New_York", {f"{YEARLY}2SU;BYMONTH=3", f"{YEARLY}1SU;BYMONTH=11"}),
        ("Europe/London", {f"{YEARLY}-1SU;BYMONTH=3", f"{YEARLY}-1SU;BYMONTH=10"}),
    ],
)
def test_a_zone_with_a_rule_is_two_yearly_rrules(key: str, yearly: set[str]) -> None:
    parts = vtimezone(key, date(2026, 5, 1)).subcomponents
    assert {part["RRULE"].to_ical().decode() for part in parts} == yearly
    assert {part.name for part in parts} == {"DAYLIGHT", "STANDARD"}
    assert all(part["DTSTART"].dt.year == 2025 for part in parts)


def test_a_series_older_than_the_rule_gets_the_old_changes_one_by_one() -> None:
    parts = vtimezone("America/New_York", date(2005, 6, 1)).subcomponents
    old = [p["DTSTART"].dt for p in parts if "RRULE" not in p]
    # Before 2007 the US changed on the first Sunday of April and the last Sunday of October.
    local = [moment.isoformat() for moment in old]
    assert "2006-04-02T02:00:00" in local and "2006-10-29T02:00:00" in local
    assert [p["DTSTART"].dt.year for p in parts if "RRULE" in p] == [2007, 2007]


def test_a_zone_without_daylight_saving_is_one_standard_observance() -> None:
    (part,) = vtimezone("Asia/Tokyo", date(2026, 1, 1)).subcomponents
    assert part.name == "STANDARD" and part["TZOFFSETTO"].td == timedelta(hours=9)


@pytest.mark.parametrize(
    ("text", "std", "dst", "start"),
    [
        ("EST5EDT,M3.2.0,M11.1.0", -5, -4, DateRule(3, 2, 0, timedelta(hours=2))),
        ("GMT0BST,M3.5.0/1,M10.5.0", 0, 1, DateRule(3, 5, 0, timedelta(hours=1))),
        ("IST-2IDT,M3.4.4/26,M10.5.0", 2, 3, DateRule(3, 4, 4, timedelta(hours=26))),
        ("<-02>2<-01>,M3.5.0/-1,M10.5.0/0", -2, -1, DateRule(3, 5, 0, timedelta(hours=-1))),
        ("<+0545>-5:45", 5.75, None, None),
    ],
)
def test_posix_tz_strings(text: str, std: float, dst: float | None, start: DateRule | None) -> None:
    rule = parse_posix(text)
    assert rule.std_offset == timedelta(hours=std)
    assert rule.dst_offset == (timedelta(hours=dst) if dst is not None else None)
    assert rule.start == start


def test_an_unsupported_posix_string_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        parse_posix("EST5EDT,J60,J300")


@pytest.mark.parametrize("key", ["Asia/Jerusalem", "America/Santiago", "Australia/Sydney"])
def test_ical_js_reads_the_awkward_rules_as_zoneinfo_does(key: str) -> None:
    # Changes on a day other than the rule's (Jerusalem: the Friday after the 4th Thursday),
    # at 24:00 (Santiago), or in the southern hemisphere: a daily 02:30 for 30 years.
    zone = ZoneInfo(key)
    calendar = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        + vtimezone(key, date(2026, 1, 1)).to_ical().decode()
        + "BEGIN:VEVENT\r\nUID:daily@test\r\nDTSTAMP:20260101T000000Z\r\n"
        + f"DTSTART;TZID={key}:20260101T123000\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY\r\n"
        + "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2056, 1, 1, tzinfo=UTC)
    seen = [o["start"] for o in ical_js_expand(calendar.encode(), start, end)["occurrences"]]
    expected = []
    day = date(2026, 1, 1)
    while True:
        moment = datetime.combine(day, datetime.min.time().replace(hour=12, minute=30))
        instant = moment.replace(tzinfo=zone).astimezone(UTC)
        if instant >= end:
            break
        if instant >= start:
            expected.append(instant)
        day += timedelta(days=1)
    assert seen == expected
