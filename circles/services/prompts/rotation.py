"""Prompt rotation: the worker gives the next meetup of a rotating circle its most wanted prompt."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.circle import Circle, Membership
from circles.models.prompt import (
    DeckPrompt,
    PromptAssignment,
)
from circles.models.user import User
from circles.services.meetups.series import Occurrence, upcoming
from circles.services.prompts.deck import assign, assignment_for, deck
from circles.services.reminders import outbox
from circles.services.reminders.kinds import Kind


def most_wanted_unused(session: DbSession, circle_id: int) -> DeckPrompt | None:
    """The deck's most wanted prompt not used yet; once all are used, the least used again."""
    entries = deck(session, circle_id, None)
    if not entries:
        return None
    fewest = min(e.times_used for e in entries)
    candidates = [e for e in entries if e.times_used == fewest]
    return max(
        candidates, key=lambda e: (e.votes, -e.prompt.created_at.timestamp(), -e.prompt.id)
    ).prompt


def ensure_rotation(session: DbSession, circle: Circle, now: datetime) -> PromptAssignment | None:
    """With rotation on, give the next meetup a prompt if it has none. Returns a new assignment."""
    if not circle.rotate_prompts:
        return None
    coming = [occ for occ in upcoming(session, [circle.id], now, per_circle=4) if not occ.cancelled]
    if not coming or assignment_for(session, coming[0]) is not None:
        return None
    prompt = most_wanted_unused(session, circle.id)
    if prompt is None:
        return None
    made = assign(session, coming[0], prompt, rotated=True)
    announce(session, coming[0], now)
    return made


def announce(session: DbSession, occurrence: Occurrence, now: datetime) -> None:
    """Tell the circle's members a prompt is ready for their next meetup (generic words only)."""
    if occurrence.start <= now or occurrence.cancelled:
        return
    members = session.scalars(
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.circle_id == occurrence.circle_id)
    )
    for user in members:
        outbox.enqueue(
            session,
            user,
            Kind.prompt_assigned,
            f"prompt_assigned:{user.id}:{occurrence.series.id}:{occurrence.key}",
            now,
            url=f"/circles/{occurrence.circle_id}/meetups/{occurrence.series.id}/{occurrence.key}",
            tag=f"prompt-{occurrence.series.id}-{occurrence.key}",
        )


def rotate_all(session: DbSession, now: datetime) -> int:
    """The worker's pass: fill the next meetup of every circle with rotation on."""
    made = 0
    for circle in session.scalars(sa.select(Circle).where(Circle.rotate_prompts.is_(True))):
        made += ensure_rotation(session, circle, now) is not None
    return made
