"""Reminders by email: decided after push delivery has judged a reminder, sent by the worker.

Meetup reminders go one by one, with the circle's name, the time in the reader's zone and the
meetup's .ics; every other kind waits for a daily digest (at most one per person a day).
Words stay generic otherwise, like the push texts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from itsdangerous import BadSignature, URLSafeSerializer

from circles.models.base import DbSession
from circles.models.meetup import MeetupSeries
from circles.models.notification import Notification, Status
from circles.models.push import PushSubscription
from circles.models.user import User
from circles.services.meetups import calendar as calendar_files
from circles.services.meetups import series as meetups
from circles.services.reminders import channels
from circles.services.reminders.kinds import Kind, words
from circles.timezones import local

DIGEST_EVERY = timedelta(hours=24)
BATCH = 200
UNSUBSCRIBE_SALT = "email-unsubscribe"


@dataclass
class Outgoing:
    """One email to send, and what to mark once it has gone."""

    user: User
    subject: str
    text: str
    kinds: list[Kind]
    note_ids: list[int] = field(default_factory=list)
    ics: bytes | None = None
    digest: bool = False


def unsubscribe_token(secret_key: str, user: User, kinds: Sequence[Kind]) -> str:
    """A signed token for the one-click unsubscribe link (RFC 8058): who, and which kinds."""
    serializer = URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT)
    return str(serializer.dumps([user.id, [kind.value for kind in kinds]]))


def read_unsubscribe(secret_key: str, token: str) -> tuple[int, list[Kind]] | None:
    """The user id and kinds in a token, or None when it was not made by us."""
    try:
        user_id, kinds = URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT).loads(token)
        return int(user_id), [Kind(kind) for kind in kinds]
    except (BadSignature, ValueError, TypeError):
        return None


def _meetup_email(
    session: DbSession, note: Notification, user: User, base_url: str, now: datetime
) -> Outgoing | None:
    _kind, _user, series_id, key, _start = note.dedupe_key.split(":")
    series = session.get(MeetupSeries, int(series_id))
    occurrence = meetups.find_occurrence(session, series, key) if series else None
    if series is None or occurrence is None or occurrence.cancelled:
        return None
    start = local(occurrence.start, user.time_zone)
    when = f"{start:%A %-d %B} at {start:%H:%M}"
    link = base_url + f"/circles/{series.circle_id}"
    _title, body = words(Kind(note.kind))
    text = (
        f"{body}.\n\n{series.circle.name}: {when} ({user.time_zone}).\n\n"
        f"Open the meetup in Circles: {link}\n"
    )
    return Outgoing(
        user=user,
        subject=f"{series.circle.name}: {when}",
        text=text,
        kinds=[Kind(note.kind)],
        note_ids=[note.id],
        ics=calendar_files.occurrence_ics(session, occurrence, link, now),
    )


def plan(session: DbSession, now: datetime, base_url: str) -> list[Outgoing]:
    """The emails due now; reminders no one wants by email are settled as "none" here."""
    notes = list(
        session.scalars(
            sa.select(Notification)
            .where(
                Notification.email_state.is_(None),
                Notification.status.in_([Status.SENT.value, Status.SKIPPED.value]),
            )
            .order_by(Notification.id)
            .limit(BATCH)
        )
    )
    user_ids = {note.user_id for note in notes}
    users = {u.id: u for u in session.scalars(sa.select(User).where(User.id.in_(user_ids)))}
    with_push = set(
        session.scalars(
            sa.select(PushSubscription.user_id).where(PushSubscription.user_id.in_(user_ids))
        )
    )
    out: list[Outgoing] = []
    for note in notes:
        user, kind = users[note.user_id], Kind(note.kind)
        if not channels.by_email(user.reminder_channels, kind, note.user_id in with_push):
            note.email_state = "none"
        elif kind in channels.MEETUP_KINDS:
            email = _meetup_email(session, note, user, base_url, now)
            if email is None:
                note.email_state = "none"
            else:
                out.append(email)
        else:
            note.email_state = "digest"
    session.flush()
    return out + _digests(session, now, base_url)


def _digests(session: DbSession, now: datetime, base_url: str) -> list[Outgoing]:
    waiting: dict[int, list[Notification]] = defaultdict(list)
    for note in session.scalars(
        sa.select(Notification)
        .join(User, User.id == Notification.user_id)
        .where(
            Notification.email_state == "digest",
            sa.or_(User.last_digest_at.is_(None), User.last_digest_at <= now - DIGEST_EVERY),
        )
        .order_by(Notification.id)
    ):
        waiting[note.user_id].append(note)
    users = {u.id: u for u in session.scalars(sa.select(User).where(User.id.in_(waiting)))}
    out = []
    for user_id, notes in waiting.items():
        user = users[user_id]
        lines = sorted({words(Kind(note.kind))[1] for note in notes})
        text = (
            "Waiting for you in Circles:\n\n"
            + "".join(f"- {line}\n" for line in lines)
            + f"\nOpen Circles: {base_url}/notifications\n"
        )
        out.append(
            Outgoing(
                user=user,
                subject="What's waiting for you in Circles",
                text=text,
                kinds=sorted({Kind(note.kind) for note in notes}),
                note_ids=[note.id for note in notes],
                digest=True,
            )
        )
    return out


def mark_sent(session: DbSession, email: Outgoing, now: datetime) -> None:
    """The email went out: its reminders are done by email, and a digest starts the day."""
    session.execute(
        sa.update(Notification)
        .where(Notification.id.in_(email.note_ids))
        .values(email_state="sent")
        .execution_options(synchronize_session=False)
    )
    if email.digest:
        email.user.last_digest_at = now
    session.flush()


def unsubscribe(session: DbSession, user_id: int, kinds: Sequence[Kind]) -> bool:
    """One click: these kinds stop coming by email (push or the app keeps them). False if gone."""
    user = session.get(User, user_id)
    if user is None:
        return False
    stored = user.reminder_channels
    for kind in kinds:
        if channels.choice(stored, kind) in (
            channels.Channel.EMAIL,
            channels.Channel.BOTH,
            channels.Channel.AUTO,
        ):
            stored = channels.without_email(stored, kind)
    user.reminder_channels = stored
    session.flush()
    return True
