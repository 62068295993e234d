"""Prompt rules: the library, each circle's deck, votes, assigning and rotating prompts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from importlib import resources

import sqlalchemy as sa

from circles.models.base import DbSession, utcnow
from circles.models.circle import Circle, Membership
from circles.models.prompt import (
    PROMPT_MAX,
    DeckPrompt,
    LibraryPrompt,
    PromptAssignment,
    PromptVote,
)
from circles.models.user import User
from circles.services.idempotent import add_once
from circles.services.meetups.series import Occurrence, upcoming
from circles.services.reminders import outbox
from circles.services.reminders.kinds import Kind

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


def add_from_library(session: DbSession, circle: Circle, key: str, by: User) -> DeckPrompt:
    """Add a library prompt to the circle's deck (once)."""
    source = session.scalar(sa.select(LibraryPrompt).where(LibraryPrompt.key == key))
    if source is None:
        raise PromptError("That prompt isn't in the library.")
    query = sa.select(DeckPrompt).where(
        DeckPrompt.circle_id == circle.id, DeckPrompt.library_key == key
    )
    existing = session.scalar(query)
    if existing is not None:
        return existing
    prompt = DeckPrompt(
        circle_id=circle.id,
        text=source.text,
        category=source.category,
        library_key=key,
        author_id=by.id,
    )
    return add_once(session, prompt, lambda: session.scalar(query))


def write_prompt(
    session: DbSession, circle: Circle, author: User, text: str, *, anonymous: bool
) -> DeckPrompt:
    """A member's own prompt for the deck, optionally without their name."""
    prompt = DeckPrompt(
        circle_id=circle.id, text=clean_text(text), author_id=author.id, anonymous=anonymous
    )
    session.add(prompt)
    session.flush()
    return prompt


def can_edit(prompt: DeckPrompt, user: User) -> bool:
    """Authors edit their own written prompts (library prompts stay as written)."""
    return prompt.library_key is None and prompt.author_id == user.id


def can_remove(prompt: DeckPrompt, user: User, is_host: bool) -> bool:
    """Authors remove their own; hosts remove any."""
    return is_host or prompt.author_id == user.id


def edit_prompt(session: DbSession, prompt: DeckPrompt, text: str, *, anonymous: bool) -> None:
    prompt.text, prompt.anonymous = clean_text(text), anonymous
    session.flush()


def remove_prompt(session: DbSession, prompt: DeckPrompt) -> None:
    """Take it out of the deck; the circle's history keeps the words it was used with."""
    session.delete(prompt)
    session.flush()


def toggle_vote(session: DbSession, prompt: DeckPrompt, user: User) -> bool:
    """Mark or unmark "I'd like to discuss this"; returns the new state."""
    vote = session.scalar(
        sa.select(PromptVote).where(
            PromptVote.prompt_id == prompt.id, PromptVote.user_id == user.id
        )
    )
    if vote is not None:
        session.delete(vote)
        session.flush()
        return False
    try:
        with session.begin_nested():  # a double tap inserts once
            session.add(PromptVote(prompt_id=prompt.id, user_id=user.id))
    except sa.exc.IntegrityError:
        pass
    return True


@dataclass(frozen=True)
class DeckEntry:
    prompt: DeckPrompt
    author_name: str | None  # None for anonymous and library prompts
    votes: int
    voted_by_me: bool
    times_used: int


def deck(session: DbSession, circle_id: int, viewer_id: int | None) -> list[DeckEntry]:
    """The deck, most wanted first (three queries)."""
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


def assignment_for(session: DbSession, occurrence: Occurrence) -> PromptAssignment | None:
    """The prompt assigned to an occurrence, if any."""
    return session.scalar(
        sa.select(PromptAssignment).where(
            PromptAssignment.series_id == occurrence.series.id,
            PromptAssignment.occurrence_key == occurrence.key,
        )
    )


def assignments_for(
    session: DbSession, occurrences: list[Occurrence]
) -> dict[tuple[int, str], PromptAssignment]:
    """Assignments of several occurrences (one query)."""
    if not occurrences:
        return {}
    rows = session.scalars(
        sa.select(PromptAssignment).where(
            PromptAssignment.series_id.in_({o.series.id for o in occurrences}),
            PromptAssignment.occurrence_key.in_({o.key for o in occurrences}),
        )
    )
    return {(a.series_id, a.occurrence_key): a for a in rows}


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


def set_rotation(session: DbSession, circle: Circle, on: bool, now: datetime) -> None:
    """Turn prompt rotation on or off; turning it on fills the next meetup at once."""
    circle.rotate_prompts = on
    session.flush()
    ensure_rotation(session, circle, now)


def history(session: DbSession, circle_id: int, now: datetime) -> list[PromptAssignment]:
    """Prompts the circle has used, newest first."""
    return list(
        session.scalars(
            sa.select(PromptAssignment)
            .where(PromptAssignment.circle_id == circle_id, PromptAssignment.occurrence_start < now)
            .order_by(PromptAssignment.occurrence_start.desc())
        )
    )
