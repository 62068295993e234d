"""Check-in actions: raise or withdraw a signal, answer "I'll reach out", record a check-in.

Each function flushes, never commits; raising a signal tells the peers through the outbox.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.checkin import CheckinRecord, CheckinSignal, SignalAnswer, SignalKind
from circles.models.circle import Membership
from circles.models.user import User
from circles.services.checkins.signals import MEETUP_TIME_LIFETIME, SIGNAL_LIFETIME, CheckinError
from circles.services.idempotent import add_once
from circles.services.reminders import outbox
from circles.services.reminders.kinds import Kind


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


def withdraw_signal(
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


def answer_signal(session: DbSession, signal: CheckinSignal, peer: User, now: datetime) -> None:
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
        outbox.enqueue(  # the person who asked hears that someone will reach out
            session,
            signal.user,
            Kind.signal_answered,
            f"signal_answered:{signal.id}:{peer.id}",
            now,
            url="/",
            tag=f"signal-{signal.id}",
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
