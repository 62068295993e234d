"""Which meetup a request for time there is for: the circle's next one the person can make."""

from __future__ import annotations

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.checkin import CheckinSignal
from circles.models.meetup import Answer, Rsvp
from circles.services.meetups.series import occurrences_between, series_of


def meetup_for(session: DbSession, signal: CheckinSignal) -> tuple[int, str] | None:
    """The (series id, occurrence key) of the first meetup after the request that is not
    cancelled and that its author has not said they can't make; None when there is none."""
    series = series_of(session, [signal.circle_id])
    coming = [
        occ
        for occ in occurrences_between(session, series, signal.raised_at, signal.expires_at)
        if not occ.cancelled
    ]
    if not coming:
        return None
    declined = {
        (series_id, key)
        for series_id, key in session.execute(
            sa.select(Rsvp.series_id, Rsvp.occurrence_key).where(
                Rsvp.user_id == signal.user_id,
                Rsvp.answer == Answer.NO,
                Rsvp.series_id.in_([s.id for s in series]),
            )
        )
    }
    return next((occ.ref for occ in coming if occ.ref not in declined), None)
