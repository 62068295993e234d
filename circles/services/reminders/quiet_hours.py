"""Pure (no database): quiet hours, a daily local window when no reminder is delivered.

The window is read on the user's wall clock: from ``start`` (inclusive) to ``end`` (exclusive),
crossing midnight when ``end`` is earlier than ``start``. No start, no end, or start == end means
no quiet hours.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from circles.timezones import wall_time_to_utc


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("quiet hours need an aware datetime")


def _inside(wall: time, start: time, end: time) -> bool:
    if start < end:
        return start <= wall < end
    return wall >= start or wall < end


def in_quiet_hours(moment_utc: datetime, zone: str, start: time | None, end: time | None) -> bool:
    """True when the aware moment falls inside the user's quiet hours, on their local clock."""
    _require_aware(moment_utc)
    if start is None or end is None or start == end:
        return False
    wall = moment_utc.astimezone(ZoneInfo(zone)).time()
    return _inside(wall, start, end)


def _wall_clock_to_utc(day: date, wall: time, zone: str, not_before: datetime) -> datetime:
    """The first UTC moment at or after ``not_before`` when the clock in ``zone`` shows day/wall.

    A wall time the clocks skip that day moves forward by the gap, as meetups do
    (:func:`circles.timezones.wall_time_to_utc`); one that happens twice is the first not in
    the past.
    """
    naive = datetime.combine(day, wall.replace(tzinfo=None))
    both = sorted({wall_time_to_utc(naive, zone, fold) for fold in (0, 1)})
    later = [moment for moment in both if moment >= not_before]
    return later[0] if later else both[-1]


def defer_out_of_quiet_hours(
    moment_utc: datetime, zone: str, start: time | None, end: time | None
) -> datetime:
    """The first aware UTC moment at or after ``moment_utc`` outside the user's quiet hours.

    Outside quiet hours that is ``moment_utc`` itself (in UTC). Inside, it is the window's end on
    the local date the window ends: the same day, or the next one for a window crossing midnight
    entered before midnight. On a daylight-saving change the end is read on the local clock
    (08:00 stays 08:00); if that time is skipped that day, it moves forward by the gap.
    """
    _require_aware(moment_utc)
    result = moment_utc.astimezone(UTC)
    if start is None or end is None or start == end:
        return result
    tz = ZoneInfo(zone)
    # A second pass only when a moved end time lands inside a window starting right after it.
    for _ in range(3):
        local = result.astimezone(tz)
        wall = local.time()
        if not _inside(wall, start, end):
            return result
        ends_on = local.date()
        if start > end and wall >= start:
            ends_on += timedelta(days=1)
        result = _wall_clock_to_utc(ends_on, end, zone, result)
    return result
