"""Prompts: the built-in library, each circle's deck, votes, assignments, private prep notes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from circles.models.base import Base, utcnow

PROMPT_MAX = 300
NOTE_MAX = 4000


class LibraryPrompt(Base):
    """A prompt from the built-in library (loaded from circles/data/prompts.json)."""

    __tablename__ = "library_prompt"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    category: so.Mapped[str] = so.mapped_column(sa.String(40), index=True)
    text: so.Mapped[str] = so.mapped_column(sa.String(PROMPT_MAX))
    position: so.Mapped[int] = so.mapped_column(default=0)


class DeckPrompt(Base):
    """A prompt in one circle's deck: from the library or written by a member."""

    __tablename__ = "deck_prompt"
    __table_args__ = (sa.UniqueConstraint("circle_id", "library_key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    circle_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("circle.id", ondelete="CASCADE"), index=True
    )
    text: so.Mapped[str] = so.mapped_column(sa.String(PROMPT_MAX))
    category: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    library_key: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    author_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    # Anonymous prompts still know their author (to edit them); pages never show it.
    anonymous: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class PromptVote(Base):
    """A member would like to discuss this prompt."""

    __tablename__ = "prompt_vote"
    __table_args__ = (sa.UniqueConstraint("prompt_id", "user_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    prompt_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("deck_prompt.id", ondelete="CASCADE"), index=True
    )
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))


class PromptAssignment(Base):
    """The prompt for one occurrence, with its text kept for the circle's history."""

    __tablename__ = "prompt_assignment"
    __table_args__ = (sa.UniqueConstraint("series_id", "occurrence_key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    circle_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("circle.id", ondelete="CASCADE"), index=True
    )
    series_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("meetup_series.id", ondelete="CASCADE")
    )
    occurrence_key: so.Mapped[str] = so.mapped_column(sa.String(20))
    occurrence_start: so.Mapped[datetime]
    prompt_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("deck_prompt.id", ondelete="SET NULL")
    )
    text: so.Mapped[str] = so.mapped_column(sa.String(PROMPT_MAX))
    rotated: so.Mapped[bool] = so.mapped_column(default=False)
    assigned_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class PrepNote(Base):
    """A member's private note for one occurrence: visible to its author alone."""

    __tablename__ = "prep_note"
    __table_args__ = (sa.UniqueConstraint("user_id", "series_id", "occurrence_key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    series_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("meetup_series.id", ondelete="CASCADE")
    )
    occurrence_key: so.Mapped[str] = so.mapped_column(sa.String(20))
    body: so.Mapped[str] = so.mapped_column(sa.Text())
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)
