"""Check-in requests: one member proposes a call, coffee or message at up to three times.

The other accepts one, proposes other times (a new request the other way) or says "not now".
Both hear about it through the outbox, with generic words; both get a reminder an hour before
an accepted time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.checkin import CheckinRequest, RequestState, RequestWay
from circles.models.circle import Membership
from circles.models.user import User
from circles.services.checkins.signals import CheckinError
from circles.services.reminders import outbox
from circles.services.reminders.kinds import Kind

MAX_TIMES = 3
FURTHEST = timedelta(days=60)
REMIND_BEFORE = timedelta(hours=1)

WAY_WORDS = {
    RequestWay.CALL: "a call",
    RequestWay.COFFEE: "a coffee",
    RequestWay.MESSAGE: "messages",
}


def _both_members(session: DbSession, circle_id: int, user_ids: set[int]) -> bool:
    found = session.scalars(
        sa.select(Membership.user_id).where(
            Membership.circle_id == circle_id, Membership.user_id.in_(user_ids)
        )
    )
    return set(found) == user_ids


def _tell(
    session: DbSession, user: User, request: CheckinRequest, step: str, now: datetime
) -> None:
    outbox.enqueue(
        session,
        user,
        Kind.checkin_request,
        f"checkin_request:{request.id}:{step}:{user.id}",
        now,
        url="/",
        tag=f"checkin-{request.id}",
    )


def propose(
    session: DbSession,
    circle_id: int,
    by: User,
    to_user_id: int,
    way: RequestWay,
    times: Sequence[datetime],
    now: datetime,
) -> CheckinRequest:
    """Propose a check-in to another member of the same circle at one to three future times."""
    if to_user_id == by.id:
        raise CheckinError("Choose someone other than yourself.")
    if not _both_members(session, circle_id, {by.id, to_user_id}):
        raise CheckinError("They aren't in this circle.")
    chosen = sorted(set(times))
    if not chosen:
        raise CheckinError("Offer at least one time.")
    if len(chosen) > MAX_TIMES:
        raise CheckinError(f"Offer up to {MAX_TIMES} times.")
    if chosen[0] <= now:
        raise CheckinError("Offer times that are still to come.")
    if chosen[-1] > now + FURTHEST:
        raise CheckinError("Offer times within the next two months.")
    request = CheckinRequest(
        circle_id=circle_id,
        from_user_id=by.id,
        to_user_id=to_user_id,
        way=way.value,
        first_time=chosen[0],
        second_time=chosen[1] if len(chosen) > 1 else None,
        third_time=chosen[2] if len(chosen) > 2 else None,
        created_at=now,
    )
    session.add(request)
    session.flush()
    session.refresh(request, ["to_user"])
    _tell(session, request.to_user, request, "proposed", now)
    return request


def _open_for(request: CheckinRequest, user: User) -> None:
    if request.to_user_id != user.id:
        raise LookupError(request.id)  # only the person asked can answer: others see nothing
    if request.state != RequestState.OPEN.value:
        raise CheckinError("This check-in has already been answered.")


def accept(
    session: DbSession, request: CheckinRequest, user: User, time: datetime, now: datetime
) -> None:
    """The person asked takes one of the proposed times; both get a reminder before it."""
    _open_for(request, user)
    if time not in request.times:
        raise CheckinError("Choose one of the times offered.")
    if time <= now:
        raise CheckinError("That time has passed. Propose another.")
    request.state, request.accepted_time, request.answered_at = (
        RequestState.ACCEPTED.value,
        time,
        now,
    )
    session.flush()
    _tell(session, request.from_user, request, "accepted", now)
    for person in (request.from_user, request.to_user):
        outbox.enqueue(
            session,
            person,
            Kind.checkin_soon,
            f"checkin_soon:{request.id}:{person.id}:{time:%Y%m%dT%H%M}",
            max(now, time - REMIND_BEFORE),
            url="/",
            tag=f"checkin-{request.id}",
        )


def not_now(session: DbSession, request: CheckinRequest, user: User, now: datetime) -> None:
    """The person asked says "not now"; the one who asked hears it was answered."""
    _open_for(request, user)
    request.state, request.answered_at = RequestState.NOT_NOW.value, now
    session.flush()
    _tell(session, request.from_user, request, "not_now", now)


def counter(
    session: DbSession,
    request: CheckinRequest,
    user: User,
    way: RequestWay,
    times: Sequence[datetime],
    now: datetime,
) -> CheckinRequest:
    """The person asked proposes other times: a new request the other way."""
    _open_for(request, user)
    made = propose(session, request.circle_id, user, request.from_user_id, way, times, now)
    request.state, request.answered_at = RequestState.COUNTERED.value, now
    session.flush()
    return made


def withdraw(session: DbSession, request: CheckinRequest, user: User, now: datetime) -> None:
    """The person who asked takes an open or accepted request back."""
    if request.from_user_id != user.id:
        raise LookupError(request.id)
    if request.state not in (RequestState.OPEN.value, RequestState.ACCEPTED.value):
        raise CheckinError("This check-in has already been answered.")
    request.state, request.answered_at = RequestState.WITHDRAWN.value, now
    session.flush()


@dataclass(frozen=True)
class CheckinPlans:
    """What Today shows about check-ins: asked of me, asked by me, and agreed ones coming."""

    asked_of_me: list[CheckinRequest]
    waiting_on_others: list[CheckinRequest]
    agreed: list[CheckinRequest]


def plans_for(session: DbSession, user: User, now: datetime) -> CheckinPlans:
    """Open requests either way whose times are not all past, and accepted ones to come."""
    rows = session.scalars(
        sa.select(CheckinRequest)
        .where(
            sa.or_(CheckinRequest.from_user_id == user.id, CheckinRequest.to_user_id == user.id),
            sa.or_(
                sa.and_(
                    CheckinRequest.state == RequestState.OPEN.value,
                    sa.func.coalesce(
                        CheckinRequest.third_time,
                        CheckinRequest.second_time,
                        CheckinRequest.first_time,
                    )
                    > now,
                ),
                sa.and_(
                    CheckinRequest.state == RequestState.ACCEPTED.value,
                    CheckinRequest.accepted_time > now - timedelta(hours=1),
                ),
            ),
            sa.exists().where(  # both still in the circle
                Membership.circle_id == CheckinRequest.circle_id,
                Membership.user_id == CheckinRequest.from_user_id,
            ),
            sa.exists().where(
                Membership.circle_id == CheckinRequest.circle_id,
                Membership.user_id == CheckinRequest.to_user_id,
            ),
        )
        .order_by(CheckinRequest.created_at)
    ).all()
    return CheckinPlans(
        asked_of_me=[r for r in rows if r.state == "open" and r.to_user_id == user.id],
        waiting_on_others=[r for r in rows if r.state == "open" and r.from_user_id == user.id],
        agreed=sorted(
            (r for r in rows if r.state == "accepted"), key=lambda r: r.accepted_time or now
        ),
    )


def find(session: DbSession, request_id: int, user: User) -> CheckinRequest:
    """A request the user is part of; LookupError otherwise (others can't tell it exists)."""
    request = session.get(CheckinRequest, request_id)
    if request is None or user.id not in (request.from_user_id, request.to_user_id):
        raise LookupError(request_id)
    return request
