"""Delivering the outbox by Web Push: claim due rows, send, and act on each push service answer."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast
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
    session: DbSession, ids: Sequence[int], now: datetime, tally: Tally, origin: str = ""
) -> list[Prepared]:
    """Decide whether, when and where to send a claimed batch, with a few `IN` queries; settles
    the rows that need no POST (the caller commits)."""
    notes = list(
        session.scalars(
            sa.select(Notification)
            .where(Notification.id.in_(ids), Notification.status == Status.PENDING.value)
            .order_by(Notification.id)
        )
    )
    if not notes:
        return []
    users = _users(session, {note.user_id for note in notes})
    keep = relevance.relevant(session, notes, now)
    devices: dict[int, list[PushSubscription]] = defaultdict(list)
    for sub in session.scalars(
        sa.select(PushSubscription)
        .where(PushSubscription.user_id.in_(users))
        .order_by(PushSubscription.id)
    ):
        devices[sub.user_id].append(sub)
    ready = []
    for note in notes:
        user, kind = users.get(note.user_id), Kind(note.kind)
        if user is None or not user.wants(kind.value) or note.id not in keep:
            note.status = Status.DROPPED.value  # a cancelled meetup, a circle left: never shown
            continue
        later = deliver_at(user, now)
        if later > now:  # quiet hours began (or moved) since this was queued
            note.next_attempt_at = later
            continue
        if not devices[user.id] or not channels.by_push(user.reminder_channels, kind):
            # Nothing to push to, or push not wanted for this kind: the in-app list (and email)
            # has it.
            note.status, note.sent_at = Status.SKIPPED.value, now
            tally.skipped += 1
            continue
        ready.append(
            Prepared(
                notification_id=note.id,
                kind=kind,
                payload=build(kind, note.url, note.tag, origin),
                topic=topic_for(kind, note.dedupe_key),
                devices=[(sub.id, _subscription(sub)) for sub in devices[user.id]],
            )
        )
    return ready


def _users(session: DbSession, ids: set[int]) -> dict[int, User]:
    return {user.id: user for user in session.scalars(sa.select(User).where(User.id.in_(ids)))}


def _post_all(prepared: Prepared, sender: Sender) -> Sent:
    kind = prepared.kind
    return Sent(
        prepared,
        [
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
        ],
    )


@dataclass(frozen=True)
class Sent:
    """A notification's push service answers, one per device."""

    prepared: Prepared
    results: list[tuple[int, Result]]


class Interrupted(Exception):
    """Sending stopped part way; `sent` holds what was answered, to record before going on."""

    def __init__(self, sent: list[Sent], cause: BaseException) -> None:
        super().__init__("sending interrupted")
        self.sent, self.cause = sent, cause


def send(prepared: Sequence[Prepared], sender: Sender, concurrency: int) -> list[Sent]:
    """POST the batch, up to `concurrency` notifications at once; no database work, so no lock
    is held while a push service is slow. If a send dies (the worker is stopping), raises
    Interrupted with the answers already in, so that they are recorded, not sent twice."""
    if not prepared:
        return []
    pool = ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(prepared))))
    futures = [pool.submit(_post_all, item, sender) for item in prepared]
    done: list[Sent] = []
    failure: BaseException | None = None
    try:
        for future in futures:
            try:
                done.append(future.result())
            except BaseException as error:
                failure = failure or error
    finally:
        pool.shutdown(wait=True, cancel_futures=failure is not None)
    if failure is not None:
        raise Interrupted(done, failure)
    return done


def record(session: DbSession, sent: Sequence[Sent], now: datetime, tally: Tally) -> None:
    """Apply the push services' answers to the devices and outbox rows of a batch, with a few
    statements (the caller commits once)."""
    delivered, others = _split_delivered(sent)
    _record_delivered(session, delivered, now, tally)
    if not others:
        return
    notes = {
        note.id: note
        for note in session.scalars(
            sa.select(Notification).where(
                Notification.id.in_([item.prepared.notification_id for item in others])
            )
        )
    }
    device_ids = {device_id for item in others for device_id, _ in item.results}
    subs = {
        sub.id: sub
        for sub in session.scalars(
            sa.select(PushSubscription).where(PushSubscription.id.in_(device_ids))
        )
    }
    users = _users(session, {note.user_id for note in notes.values()})
    for item in others:
        note = notes.get(item.prepared.notification_id)
        if note is None or note.status != Status.PENDING.value:
            continue
        for device_id, result in item.results:
            _apply(session, subs, device_id, result, now)
        note.attempts += 1
        _settle(note, users.get(note.user_id), [result for _id, result in item.results], now, tally)


def _split_delivered(sent: Sequence[Sent]) -> tuple[list[Sent], list[Sent]]:
    """(delivered to every device, the rest); a device the rest touch stays with the rest."""
    failed = [any(r.outcome is not Outcome.delivered for _, r in item.results) for item in sent]
    busy = {d for item, bad in zip(sent, failed, strict=True) if bad for d, _ in item.results}
    delivered, others = [], []
    for item, bad in zip(sent, failed, strict=True):
        if bad or not busy.isdisjoint(device_id for device_id, _ in item.results):
            others.append(item)
        else:
            delivered.append(item)
    return delivered, others


def _record_delivered(
    session: DbSession, delivered: Sequence[Sent], now: datetime, tally: Tally
) -> None:
    """The common case in two UPDATEs: sent, and the devices' error counts reset."""
    if not delivered:
        return
    notes = cast(sa.Table, Notification.__table__)
    marked = session.execute(
        sa.update(notes)
        .where(
            notes.c.id.in_([item.prepared.notification_id for item in delivered]),
            notes.c.status == Status.PENDING.value,  # not settled meanwhile by another worker
        )
        .values(
            status=Status.SENT.value, sent_at=now, last_error=None, attempts=notes.c.attempts + 1
        )
        .returning(notes.c.id)
    )
    tally.delivered += len(marked.all())
    devices = cast(sa.Table, PushSubscription.__table__)
    session.execute(
        sa.update(devices)
        .where(devices.c.id.in_({d for item in delivered for d, _ in item.results}))
        .values(last_success_at=now, error_count=0, first_error_at=None)
    )


def _apply(
    session: DbSession,
    subs: dict[int, PushSubscription],
    device_id: int,
    result: Result,
    now: datetime,
) -> None:
    sub = subs.get(device_id)
    if sub is None:
        return
    if result.outcome is Outcome.delivered:
        sub.last_success_at, sub.error_count, sub.first_error_at = now, 0, None
    elif result.outcome is Outcome.gone:
        session.delete(sub)  # the browser unsubscribed: never POST to it again
        del subs[device_id]
    elif result.outcome is Outcome.config_error:
        log.error(
            "push service at %s refused our VAPID credentials (HTTP %s): check VAPID keys "
            "and VAPID_SUBJECT; the subscription is kept",
            _host(sub.endpoint),
            result.status,
        )
    elif result.retryable and _note_failure(session, sub, now):
        del subs[device_id]


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
