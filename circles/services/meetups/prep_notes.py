"""Private prep notes: one per member and occurrence, seen by their author alone."""

from __future__ import annotations

import sqlalchemy as sa

from circles.models.base import DbSession, utcnow
from circles.models.prompt import NOTE_MAX, PrepNote
from circles.models.user import User
from circles.services.idempotent import add_once
from circles.services.meetups.series import Occurrence


def my_note(session: DbSession, occurrence: Occurrence, author: User) -> PrepNote | None:
    """The author's own note for the occurrence; nobody else's is ever loaded."""
    return session.scalar(
        sa.select(PrepNote).where(
            PrepNote.user_id == author.id,
            PrepNote.series_id == occurrence.series.id,
            PrepNote.occurrence_key == occurrence.key,
        )
    )


def save_note(
    session: DbSession, occurrence: Occurrence, author: User, body: str
) -> PrepNote | None:
    """Save (or, when empty, delete) the author's note."""
    body = body.strip()
    if len(body) > NOTE_MAX:
        raise ValueError(f"Keep the note under {NOTE_MAX} characters.")
    note = my_note(session, occurrence, author)
    if not body:
        if note is not None:
            session.delete(note)
            session.flush()
        return None
    if note is None:
        note = add_once(
            session,
            PrepNote(
                user_id=author.id,
                series_id=occurrence.series.id,
                occurrence_key=occurrence.key,
                body=body,
            ),
            lambda: my_note(session, occurrence, author),
        )
    note.body, note.updated_at = body, utcnow()
    session.flush()
    return note
