"""Peer check-ins: an opt-in signal to one circle, "I'll reach out", and "I checked in with X"."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from circles.models.base import DbSession
from circles.models.checkin import CheckinRecord, CheckinSignal, SignalAnswer
from circles.models.user import User

SIGNAL_LIFETIME = timedelta(days=3)
# Asking for time at the next meetup lasts until a fortnightly meetup has come round.
MEETUP_TIME_LIFETIME = timedelta(days=15)


class CheckinError(ValueError):
    """Refused; the message is for the person who asked."""


@dataclass
class SignalView:
    signal: CheckinSignal
    answered_by: list[User] = field(default_factory=list)
    checked_in_by: list[User] = field(default_factory=list)


def active_signals(
    session: DbSession, circle_ids: Iterable[int], now: datetime
) -> dict[int, list[SignalView]]:
    """Active signals per circle, with who answered and who checked in since (three queries)."""
    ids = list(circle_ids)
    if not ids:
        return {}
    signals = list(
        session.scalars(
            sa.select(CheckinSignal)
            .where(
                CheckinSignal.circle_id.in_(ids),
                CheckinSignal.withdrawn_at.is_(None),
                CheckinSignal.expires_at > now,
            )
            .options(so.joinedload(CheckinSignal.user))
            .order_by(CheckinSignal.raised_at.desc())
        )
    )
    views = {s.id: SignalView(s) for s in signals}
    if views:
        for row in session.scalars(
            sa.select(SignalAnswer)
            .where(SignalAnswer.signal_id.in_(views.keys()))
            .options(so.joinedload(SignalAnswer.user))
        ):
            views[row.signal_id].answered_by.append(row.user)
        records = session.execute(
            sa.select(CheckinRecord, User)
            .join(User, User.id == CheckinRecord.by_user_id)
            .where(
                CheckinRecord.circle_id.in_(ids),
                CheckinRecord.recorded_at >= now - SIGNAL_LIFETIME,
            )
        ).all()
        for record, by in records:
            for view in views.values():
                s = view.signal
                same = s.circle_id == record.circle_id and s.user_id == record.with_user_id
                new = all(user.id != by.id for user in view.checked_in_by)
                if same and record.recorded_at >= s.raised_at and new:
                    view.checked_in_by.append(by)
    grouped: dict[int, list[SignalView]] = defaultdict(list)
    for view in views.values():
        grouped[view.signal.circle_id].append(view)
    return grouped
