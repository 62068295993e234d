"""Prompt rules: the library, each circle's deck, votes, assigning and rotating prompts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from importlib import resources

import sqlalchemy as sa

from circles.models.base import DbSession, utcnow
from circles.models.prompt import (
    PROMPT_MAX,
    DeckPrompt,
    LibraryPrompt,
    PromptAssignment,
    PromptVote,
)
from circles.models.user import User
from circles.services.meetups.series import Occurrence

CATEGORIES = {
    "checking-in": "Checking in",
    "carrying-others": "Carrying other people's problems",
    "boundaries": "Boundaries and saying no",
    "asking-for-help": "Asking for help",
    "endless-weeks": "The weeks that feel endless",
    "getting-lighter": "Noticing it get lighter",
    "looking-after-yourself": "Looking after yourself",
    "celebrating": "Celebrating",
}


class NotInLibrary(LookupError):
    """No library prompt has that key."""


class PromptError(ValueError):
    """A rule refused the change; the message is for the person who asked."""


def library_data() -> list[dict[str, str]]:
    """The built-in library as shipped in the package."""
    text = resources.files("circles").joinpath("data/prompts.json").read_text(encoding="utf-8")
    data: list[dict[str, str]] = json.loads(text)
    return data


def sync_library(session: DbSession) -> int:
    """Put the shipped library in the database; run any number of times. Returns rows added."""
    existing = {p.key: p for p in session.scalars(sa.select(LibraryPrompt))}
    added = 0
    for position, item in enumerate(library_data()):
        row = existing.get(item["key"])
        if row is None:
            row = LibraryPrompt(key=item["key"])
            session.add(row)
            added += 1
        row.category, row.text, row.position = item["category"], item["text"], position
    session.flush()
    return added


def library(session: DbSession) -> dict[str, list[LibraryPrompt]]:
    """The library grouped by category, in the journey's order."""
    grouped: dict[str, list[LibraryPrompt]] = {key: [] for key in CATEGORIES}
    for prompt in session.scalars(sa.select(LibraryPrompt).order_by(LibraryPrompt.position)):
        grouped.setdefault(prompt.category, []).append(prompt)
    return grouped


def clean_text(text: str) -> str:
    """Plain text on one line or a few, trimmed; refused when empty or too long."""
    cleaned = "\n".join(line.strip() for line in text.strip().splitlines()).strip()
    if not cleaned:
        raise PromptError("Write the question first.")
    if len(cleaned) > PROMPT_MAX:
        raise PromptError(
            f"Keep a prompt under {PROMPT_MAX} characters (this one has {len(cleaned)})."
        )
    return cleaned


def can_edit(prompt: DeckPrompt, user_id: int | None) -> bool:
    """Authors edit their own written prompts (library prompts stay as written)."""
    return prompt.library_key is None and user_id is not None and prompt.author_id == user_id


def can_remove(prompt: DeckPrompt, user_id: int | None, is_host: bool) -> bool:
    """Authors remove their own; hosts remove any."""
    return is_host or (user_id is not None and prompt.author_id == user_id)


@dataclass(frozen=True)
class DeckEntry:
    prompt: DeckPrompt
    author_name: str | None  # None for anonymous and library prompts
    votes: int
    voted_by_me: bool
    times_used: int
    can_edit: bool = False  # the viewer may edit it
    can_remove: bool = False  # the viewer may remove it


def deck(
    session: DbSession, circle_id: int, viewer_id: int | None, viewer_is_host: bool = False
) -> list[DeckEntry]:
    """The deck, most wanted first, with what the viewer may do to each (three queries)."""
    prompts = list(
        session.scalars(
            sa.select(DeckPrompt)
            .where(DeckPrompt.circle_id == circle_id)
            .order_by(DeckPrompt.created_at, DeckPrompt.id)
        )
    )
    ids = [p.id for p in prompts]
    votes: dict[int, set[int]] = {i: set() for i in ids}
    if ids:
        for prompt_id, user_id in session.execute(
            sa.select(PromptVote.prompt_id, PromptVote.user_id).where(PromptVote.prompt_id.in_(ids))
        ):
            votes[prompt_id].add(user_id)
    used = _use_counts(session, circle_id)
    author_ids = {
        p.author_id for p in prompts if p.author_id and not p.anonymous and not p.library_key
    }
    names: dict[int, str] = {}
    if author_ids:
        rows = session.execute(sa.select(User.id, User.display_name).where(User.id.in_(author_ids)))
        names = {user_id: name for user_id, name in rows}
    entries = [
        DeckEntry(
            prompt=p,
            author_name=None if (p.anonymous or p.library_key) else names.get(p.author_id or 0),
            votes=len(votes[p.id]),
            voted_by_me=viewer_id in votes[p.id],
            times_used=used.get(p.id, 0),
            can_edit=can_edit(p, viewer_id),
            can_remove=can_remove(p, viewer_id, viewer_is_host),
        )
        for p in prompts
    ]
    return sorted(entries, key=lambda e: (e.times_used > 0, -e.votes, e.prompt.created_at))


def _use_counts(session: DbSession, circle_id: int) -> dict[int, int]:
    rows = session.execute(
        sa.select(PromptAssignment.prompt_id, sa.func.count())
        .where(PromptAssignment.circle_id == circle_id, PromptAssignment.prompt_id.is_not(None))
        .group_by(PromptAssignment.prompt_id)
    )
    return {prompt_id: count for prompt_id, count in rows if prompt_id is not None}


def in_deck(session: DbSession, circle_id: int, prompt_id: int | None) -> DeckPrompt | None:
    """A prompt of this circle's deck by id; None for no id or another circle's prompt."""
    if not prompt_id:
        return None
    prompt = session.get(DeckPrompt, prompt_id)
    return prompt if prompt is not None and prompt.circle_id == circle_id else None


def assignment_for(session: DbSession, occurrence: Occurrence) -> PromptAssignment | None:
    """The prompt assigned to an occurrence, if any."""
    return session.scalar(
        sa.select(PromptAssignment).where(
            PromptAssignment.series_id == occurrence.series.id,
            PromptAssignment.occurrence_key == occurrence.key,
        )
    )


def assign(
    session: DbSession, occurrence: Occurrence, prompt: DeckPrompt | None, *, rotated: bool = False
) -> PromptAssignment | None:
    """Set (or with None, clear) the prompt of an occurrence."""
    current = assignment_for(session, occurrence)
    if prompt is None:
        if current is not None:
            session.delete(current)
            session.flush()
        return None
    if prompt.circle_id != occurrence.circle_id:
        raise PromptError("That prompt belongs to another circle.")
    if current is None:
        current = PromptAssignment(
            circle_id=occurrence.circle_id,
            series_id=occurrence.series.id,
            occurrence_key=occurrence.key,
            occurrence_start=occurrence.start,
        )
        session.add(current)
    current.prompt_id, current.text, current.rotated = prompt.id, prompt.text, rotated
    current.assigned_at = utcnow()
    session.flush()
    return current


def history(session: DbSession, circle_id: int, now: datetime) -> list[PromptAssignment]:
    """Prompts the circle has used, newest first."""
    return list(
        session.scalars(
            sa.select(PromptAssignment)
            .where(PromptAssignment.circle_id == circle_id, PromptAssignment.occurrence_start < now)
            .order_by(PromptAssignment.occurrence_start.desc())
        )
    )
