"""Delivering the outbox by Web Push: claim due rows, send, and act on each push service answer."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.notification import Notification, Status
from circles.models.push import PushSubscription
from circles.models.user import User
from circles.push.payload import build, topic_for, ttl_for, urgency_for
from circles.push.sender import Outcome, Result, Sender
from circles.services.reminders import channels, relevance
from circles.services.reminders.kinds import Kind
from circles.services.reminders.outbox import deliver_at

log = logging.getLogger(__name__)

# A claimed row is leased: if its worker dies, the row is due again when the lease ends.
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
# A device that has failed repeatedly for more than a day is dropped.
DROP_AFTER_ERRORS = 5
DROP_AFTER = timedelta(days=1)


def claim(session: DbSession, now: datetime, batch: int = 50) -> list[int]:
    """Take up to `batch` due rows for this worker; the caller commits at once."""
    query = (
        sa.select(Notification.id)
        .where(Notification.status == Status.PENDING.value, Notification.next_attempt_at <= now)
        .order_by(Notification.next_attempt_at, Notification.id)
        .limit(batch)
    )
    if session.get_bind().dialect.name == "postgresql":
        # Several workers: each skips the rows another has locked and takes the next ones.
        query = query.with_for_update(skip_locked=True)
    ids = list(session.scalars(query))
    if ids:
        session.execute(
            sa.update(Notification)
            .where(Notification.id.in_(ids))
            .values(next_attempt_at=now + LEASE)
            .execution_options(synchronize_session=False)
        )
    return ids


@dataclass
class Tally:
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    emailed: int = 0


def _subscription(sub: PushSubscription) -> dict[str, str]:
    return {"endpoint": sub.endpoint, "p256dh": sub.p256dh, "auth": sub.auth}


def _host(endpoint: str) -> str:
    return urlsplit(endpoint).hostname or "?"


def _note_failure(session: DbSession, sub: PushSubscription, now: datetime) -> bool:
    """Count a failed POST; True when the device has failed too long and was dropped."""
    sub.error_count += 1
    sub.first_error_at = sub.first_error_at or now
    if sub.error_count >= DROP_AFTER_ERRORS and now - sub.first_error_at > DROP_AFTER:
        session.delete(sub)
        return True
    return False


@dataclass(frozen=True)
class Prepared:
    """A claimed notification ready to POST: everything the sender needs, no open transaction."""

    notification_id: int
    kind: Kind
    payload: bytes
    topic: str
    devices: list[tuple[int, dict[str, str]]]


def prepare(
    session: DbSession, notification_id: int, now: datetime, tally: Tally, origin: str = ""
) -> Prepared | None:
    """Decide whether, when and where to send; settles rows that need no POST (caller commits)."""
    note = session.get(Notification, notification_id)
    if note is None or note.status != Status.PENDING.value:
        return None
    user = session.get(User, note.user_id)
    kind = Kind(note.kind)
    if (
        user is None
        or not user.wants(kind.value)
        or not relevance.still_relevant(session, note, now)
    ):
        note.status = Status.DROPPED.value  # a cancelled meetup, a circle left: never shown
        return None
    later = deliver_at(user, now)
    if later > now:  # quiet hours began (or moved) since this was queued
        note.next_attempt_at = later
        return None
    subscriptions = list(
        session.scalars(sa.select(PushSubscription).where(PushSubscription.user_id == note.user_id))
    )
    if not subscriptions or not channels.by_push(user.reminder_channels, kind):
        # Nothing to push to, or push not wanted for this kind: the in-app list (and email) has it.
        note.status, note.sent_at = Status.SKIPPED.value, now
        tally.skipped += 1
        return None
    return Prepared(
        notification_id=note.id,
        kind=kind,
        payload=build(kind, note.url, note.tag, origin),
        topic=topic_for(kind, note.dedupe_key),
        devices=[(sub.id, _subscription(sub)) for sub in subscriptions],
    )


def send(prepared: Prepared, sender: Sender) -> list[tuple[int, Result]]:
    """POST to every device; no database work, so no lock is held while a service is slow."""
    kind = prepared.kind
    return [
        (
            device_id,
            sender.send(
                subscription,
                prepared.payload,
                ttl=ttl_for(kind),
                urgency=urgency_for(kind),
                topic=prepared.topic,
            ),
        )
        for device_id, subscription in prepared.devices
    ]


def record(
    session: DbSession,
    prepared: Prepared,
    results: list[tuple[int, Result]],
    now: datetime,
    tally: Tally,
) -> None:
    """Apply the push services' answers to the devices and the outbox row (caller commits)."""
    note = session.get(Notification, prepared.notification_id)
    if note is None or note.status != Status.PENDING.value:
        return
    for device_id, result in results:
        sub = session.get(PushSubscription, device_id)
        if sub is None:
            continue
        if result.outcome is Outcome.delivered:
            sub.last_success_at, sub.error_count, sub.first_error_at = now, 0, None
        elif result.outcome is Outcome.gone:
            session.delete(sub)  # the browser unsubscribed: never POST to it again
        elif result.outcome is Outcome.config_error:
            log.error(
                "push service at %s refused our VAPID credentials (HTTP %s): check VAPID keys "
                "and VAPID_SUBJECT; the subscription is kept",
                _host(sub.endpoint),
                result.status,
            )
        elif result.retryable:
            _note_failure(session, sub, now)
    note.attempts += 1
    user = session.get(User, note.user_id)
    _settle(note, user, [result for _id, result in results], now, tally)


def _settle(
    note: Notification, user: User | None, results: list[Result], now: datetime, tally: Tally
) -> None:
    outcomes = {r.outcome for r in results}
    if Outcome.delivered in outcomes:
        note.status, note.sent_at, note.last_error = Status.SENT.value, now, None
        tally.delivered += 1
        return
    retryable = [r for r in results if r.retryable]
    expires = note.due_at + timedelta(seconds=ttl_for(Kind(note.kind)))
    if retryable and note.attempts < MAX_ATTEMPTS:
        delay = min(r.next_delay(note.attempts - 1) for r in retryable)
        retry_at = now + timedelta(seconds=delay)
        if user is not None:
            retry_at = deliver_at(user, retry_at)  # a retry waits out quiet hours too
        if retry_at < expires:
            note.next_attempt_at = retry_at
            note.last_error = ", ".join(sorted(r.detail or r.outcome.value for r in retryable))[
                :200
            ]
            tally.retried += 1
            return
    if outcomes <= {Outcome.gone}:
        note.status, note.sent_at = Status.SKIPPED.value, now
        tally.skipped += 1
        return
    note.status = Status.FAILED.value
    note.last_error = ", ".join(sorted(r.detail or r.outcome.value for r in results))[:200]
    tally.failed += 1
