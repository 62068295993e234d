"""Reminder actions: save or remove a device, choose which reminders come, mark them read."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from circles.models.base import DbSession, utcnow
from circles.models.circle import Membership
from circles.models.notification import Notification
from circles.models.push import PushSubscription
from circles.models.user import User
from circles.services.idempotent import add_once
from circles.services.reminders import channels
from circles.services.reminders.channels import Channel
from circles.services.reminders.kinds import Kind
from circles.services.reminders.planning import plan_member
from circles.services.reminders.subscriptions import SubscriptionTaken, device_label, validate


def save_device(
    session: DbSession,
    user: User,
    data: Any,
    *,
    allowed_hosts: Iterable[str],
    allow_http_localhost: bool,
    user_agent: str,
) -> PushSubscription:
    """Check a browser's subscription JSON and store the device for the user.

    An endpoint belongs to the account that registered it until that account removes it or
    the push service says it is gone: posting someone else's endpoint is refused.
    """
    endpoint, p256dh, auth = validate(data, allowed_hosts, allow_http_localhost)
    subscription = session.scalar(
        sa.select(PushSubscription).where(PushSubscription.endpoint == endpoint).with_for_update()
    )
    if subscription is None:
        subscription = add_once(
            session,
            PushSubscription(endpoint=endpoint, user_id=user.id, p256dh=p256dh, auth=auth),
            lambda: session.scalar(
                sa.select(PushSubscription).where(PushSubscription.endpoint == endpoint)
            ),
        )
    if subscription.user_id != user.id:
        raise SubscriptionTaken("This browser's reminders belong to another account.")
    subscription.p256dh, subscription.auth = p256dh, auth
    subscription.device = device_label(user_agent)[:60]
    subscription.error_count, subscription.first_error_at = 0, None
    session.flush()
    return subscription


def remove_device(session: DbSession, user: User, endpoint: str) -> bool:
    """Forget the user's device with this endpoint."""
    result = session.execute(
        sa.delete(PushSubscription).where(
            PushSubscription.endpoint == endpoint, PushSubscription.user_id == user.id
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def mark_read(session: DbSession, user: User, notification_id: int | None = None) -> None:
    """Mark one of the user's notifications read, or all of them."""
    query = sa.update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    session.execute(query.values(read_at=utcnow()).execution_options(synchronize_session=False))


def remove_device_by_id(session: DbSession, user: User, device_id: int) -> bool:
    """Forget one of the user's devices, chosen from their list (someone else's id does nothing)."""
    result = session.execute(
        sa.delete(PushSubscription).where(
            PushSubscription.id == device_id, PushSubscription.user_id == user.id
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def choose_reminders(
    session: DbSession,
    user: User,
    off: list[str],
    how: dict[Kind, Channel] | None = None,
) -> None:
    """The reminder kinds the user turned off, and how each of the others comes; kinds turned
    back on cover meetups coming soon."""
    user.reminders_off = ",".join(sorted(set(off)))
    if how is not None:
        user.reminder_channels = channels.store(
            {
                kind: channel
                for kind, channel in how.items()
                if channel is not channels.default(kind)
            }
        )
    session.flush()
    circle_ids = session.scalars(
        sa.select(Membership.circle_id).where(Membership.user_id == user.id)
    ).all()
    plan_member(session, user, circle_ids, utcnow())
