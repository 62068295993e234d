"""Private prep notes: one per member and occurrence, seen by their author alone."""

from __future__ import annotations

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.prompt import PrepNote
from circles.models.user import User
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
