"""Presenting at a Forum or Case meetup: who presents, their private prep, notes to them."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from circles.models.base import Base, utcnow


class PresenterState(enum.StrEnum):
    ASKED = "asked"  # a host asked; waiting for their answer
    PRESENTING = "presenting"  # they volunteered, or accepted when asked


class _OfOccurrence:
    """Belongs to one occurrence of a meetup series (gone with the series)."""

    series_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("meetup_series.id", ondelete="CASCADE")
    )
    occurrence_key: so.Mapped[str] = so.mapped_column(sa.String(20))


class MeetupPresenter(_OfOccurrence, Base):
    """The one member presenting at an occurrence (or asked to)."""

    __tablename__ = "meetup_presenter"
    __table_args__ = (
        sa.UniqueConstraint("series_id", "occurrence_key"),
        sa.CheckConstraint("state IN ('asked', 'presenting')", name="state"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    state: so.Mapped[str] = so.mapped_column(sa.String(12))
    asked_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)


class PresenterPrep(_OfOccurrence, Base):
    """The presenter's private prep, in the forum practice's five questions. Author-only."""

    __tablename__ = "presenter_prep"
    __table_args__ = (sa.UniqueConstraint("series_id", "occurrence_key", "user_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    situation: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    meaning: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    tried: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    wanted: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    not_wanted: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # The presenter's choice: show it on the facilitator's screen at their step.
    on_screen: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)


class PresenterNote(_OfOccurrence, Base):
    """A note for the presenter: theirs alone once sent (not the author's, nor the host's)."""

    __tablename__ = "presenter_note"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    presenter_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    # Kept so the presenter knows whom to thank; SET NULL when that account goes.
    author_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
