"""Which meetup a request for time there is for: the circle's next one the person can make."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.checkin import CheckinSignal
from circles.models.meetup import Answer, Rsvp
from circles.services.meetups.series import occurrences_between, series_of


def meetups_for(
    session: DbSession, circle_id: int, signals: Sequence[CheckinSignal]
) -> dict[int, tuple[int, str]]:
    """For each request in one circle, by signal id, the (series id, occurrence key) of the first
    meetup after it that is not cancelled and that its author has not said they can't make.

    Requests with no such meetup before they expire are left out. A few queries for them all.
    """
    if not signals:
        return {}
    series = series_of(session, [circle_id])
    first, last = min(s.raised_at for s in signals), max(s.expires_at for s in signals)
    coming = [occ for occ in occurrences_between(session, series, first, last) if not occ.cancelled]
    declined = {
        (user_id, series_id, key)
        for user_id, series_id, key in session.execute(
            sa.select(Rsvp.user_id, Rsvp.series_id, Rsvp.occurrence_key).where(
                Rsvp.user_id.in_({s.user_id for s in signals}),
                Rsvp.answer == Answer.NO,
                Rsvp.series_id.in_([s.id for s in series]),
            )
        )
    }
    found: dict[int, tuple[int, str]] = {}
    for signal in signals:
        target = next(
            (
                occ.ref
                for occ in coming
                if signal.raised_at <= occ.start < signal.expires_at
                and (signal.user_id, *occ.ref) not in declined
            ),
            None,
        )
        if target is not None:
            found[signal.id] = target
    return found
