"""An in-app notification already delivered, for pages that show the bell and the list."""

from __future__ import annotations

from datetime import datetime, timedelta

from circles.models.notification import Notification
from circles.services.reminders.kinds import Kind, words


def sent_reminder(user_id: int, dedupe_key: str, now: datetime) -> Notification:
    """A "meets in an hour" reminder, due an hour ago and sent, unread."""
    title, body = words(Kind.meetup_hour)
    return Notification(
        user_id=user_id,
        kind=Kind.meetup_hour.value,
        dedupe_key=dedupe_key,
        due_at=now - timedelta(hours=1),
        next_attempt_at=now - timedelta(hours=1),
        title=title,
        body=body,
        url="/",
        tag="t",
        status="sent",
        sent_at=now,
    )
