"""Peer check-ins: an opt-in signal to one circle, "I'll reach out", and "I checked in with X"."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from circles.models.base import DbSession
from circles.models.checkin import CheckinRecord, CheckinSignal, SignalAnswer, SignalKind
from circles.models.circle import Membership
from circles.models.user import User
from circles.services.idempotent import add_once
from circles.services.reminders import outbox
from circles.services.reminders.kinds import Kind

SIGNAL_LIFETIME = timedelta(days=3)
# Asking for time at the next meetup lasts until a fortnightly meetup has come round.
MEETUP_TIME_LIFETIME = timedelta(days=15)


class CheckinError(ValueError):
    """Refused; the message is for the person who asked."""


def raise_signal(
    session: DbSession,
    circle_id: int,
    user: User,
    now: datetime,
    kind: SignalKind = SignalKind.CHECKIN,
) -> CheckinSignal:
    """Tell one circle "I could use a check-in" (or "some time at the next meetup") for 3 days."""
    query = sa.select(CheckinSignal).where(
        CheckinSignal.circle_id == circle_id,
        CheckinSignal.user_id == user.id,
        CheckinSignal.kind == kind.value,
    )
    signal = session.scalar(query)
    lifetime = MEETUP_TIME_LIFETIME if kind is SignalKind.MEETUP_TIME else SIGNAL_LIFETIME
    fresh = signal is None or not signal.active(now)
    if signal is None:
        signal = add_once(
            session,
            CheckinSignal(
                circle_id=circle_id, user_id=user.id, kind=kind.value, expires_at=now + lifetime
            ),
            lambda: session.scalar(query),
        )
    elif fresh:
        # Earlier answers belonged to the earlier signal.
        session.execute(sa.delete(SignalAnswer).where(SignalAnswer.signal_id == signal.id))
    if fresh:
        signal.raised_at = now
    signal.expires_at, signal.withdrawn_at = now + lifetime, None
    session.flush()
    if fresh and kind is SignalKind.CHECKIN:
        _tell_peers(session, signal, now)
    return signal


def _tell_peers(session: DbSession, signal: CheckinSignal, now: datetime) -> None:
    peers = session.scalars(
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.circle_id == signal.circle_id, User.id != signal.user_id)
    )
    for peer in peers:
        outbox.enqueue(
            session,
            peer,
            Kind.peer_signal,
            f"peer_signal:{peer.id}:{signal.id}:{signal.raised_at:%Y%m%dT%H%M}",
            now,
            url=f"/circles/{signal.circle_id}",
            tag=f"signal-{signal.id}",
        )


def withdraw(
    session: DbSession, circle_id: int, user: User, kind: SignalKind, now: datetime
) -> None:
    """Take one's own signal back."""
    session.execute(
        sa.update(CheckinSignal)
        .where(
            CheckinSignal.circle_id == circle_id,
            CheckinSignal.user_id == user.id,
            CheckinSignal.kind == kind.value,
            CheckinSignal.withdrawn_at.is_(None),
        )
        .values(withdrawn_at=now)
        .execution_options(synchronize_session=False)
    )


def answer(session: DbSession, signal: CheckinSignal, peer: User, now: datetime) -> None:
    """A peer answers "I'll reach out"."""
    if signal.user_id == peer.id:
        raise CheckinError("That's your own signal.")
    if not signal.active(now):
        raise CheckinError("That signal has ended.")
    exists = session.scalar(
        sa.select(SignalAnswer.id).where(
            SignalAnswer.signal_id == signal.id, SignalAnswer.user_id == peer.id
        )
    )
    if exists is None:
        add_once(
            session,
            SignalAnswer(signal_id=signal.id, user_id=peer.id, answered_at=now),
            lambda: session.scalar(
                sa.select(SignalAnswer).where(
                    SignalAnswer.signal_id == signal.id, SignalAnswer.user_id == peer.id
                )
            ),
        )


def record_checkin(
    session: DbSession, circle_id: int, by: User, with_user_id: int, now: datetime
) -> CheckinRecord:
    """ "I checked in with X", for a member of the same circle."""
    if with_user_id == by.id:
        raise CheckinError("Choose someone other than yourself.")
    in_circle = session.scalar(
        sa.select(Membership.id).where(
            Membership.circle_id == circle_id, Membership.user_id == with_user_id
        )
    )
    if in_circle is None:
        raise CheckinError("They aren't in this circle.")
    record = CheckinRecord(
        circle_id=circle_id, by_user_id=by.id, with_user_id=with_user_id, recorded_at=now
    )
    session.add(record)
    session.flush()
    return record


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
