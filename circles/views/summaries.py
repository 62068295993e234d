"""What circle cards show beside the name: the next meetup, and a check-in signal dot."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_login import current_user

from circles.extensions import db
from circles.services.checkins import signals as checkins
from circles.services.meetups import series as meetups
from circles.services.meetups.series import Occurrence


@dataclass
class CardExtras:
    next_meetup: dict[int, Occurrence] = field(default_factory=dict)
    signalled: set[int] = field(default_factory=set)


def card_extras(
    circle_ids: list[int],
    now: datetime,
    *,
    coming: list[Occurrence] | None = None,
    signals: dict[int, list[checkins.SignalView]] | None = None,
) -> CardExtras:
    """A handful of queries whatever the number of circles (none when the caller has the data)."""
    extras = CardExtras()
    if coming is None:
        coming = meetups.upcoming(db.session, circle_ids, now, per_circle=2)
    for occ in coming:
        if not occ.cancelled:
            extras.next_meetup.setdefault(occ.circle_id, occ)
    if signals is None:
        signals = checkins.active_signals(db.session, circle_ids, now)
    for circle_id, views in signals.items():
        if any(v.signal.user_id != current_user.id and v.signal.kind == "checkin" for v in views):
            extras.signalled.add(circle_id)
    return extras
