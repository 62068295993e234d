"""Prompt actions: add from the library or write one, edit, remove, vote, assign, rotate.

Each function is one thing a person does, with all it implies; it flushes and never commits.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.circle import Circle
from circles.models.prompt import (
    DeckPrompt,
    LibraryPrompt,
    PromptAssignment,
    PromptVote,
)
from circles.models.user import User
from circles.services.idempotent import add_once
from circles.services.meetups.series import Occurrence
from circles.services.prompts.deck import NotInLibrary, PromptError, assign, clean_text
from circles.services.prompts.rotation import announce, ensure_rotation


def add_from_library(session: DbSession, circle: Circle, key: str, by: User) -> DeckPrompt:
    """Add a library prompt to the circle's deck (once)."""
    source = session.scalar(sa.select(LibraryPrompt).where(LibraryPrompt.key == key))
    if source is None:
        raise NotInLibrary(key)
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


def _not_in_deck(session: DbSession, circle_id: int, text: str, besides: int | None = None) -> str:
    """The text, refused when the deck holds the same question already (case aside)."""
    others = sa.select(DeckPrompt.text).where(DeckPrompt.circle_id == circle_id)
    if besides is not None:
        others = others.where(DeckPrompt.id != besides)
    if any(other.casefold() == text.casefold() for other in session.scalars(others)):
        raise PromptError("That question is in the deck already.")
    return text


def write_prompt(
    session: DbSession, circle: Circle, author: User, text: str, *, anonymous: bool
) -> DeckPrompt:
    """A member's own prompt for the deck, optionally without their name."""
    prompt = DeckPrompt(
        circle_id=circle.id,
        text=_not_in_deck(session, circle.id, clean_text(text)),
        author_id=author.id,
        anonymous=anonymous,
    )
    session.add(prompt)
    session.flush()
    return prompt


def edit_prompt(session: DbSession, prompt: DeckPrompt, text: str, *, anonymous: bool) -> None:
    cleaned = _not_in_deck(session, prompt.circle_id, clean_text(text), besides=prompt.id)
    prompt.text, prompt.anonymous = cleaned, anonymous
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


def set_rotation(session: DbSession, circle: Circle, on: bool, now: datetime) -> None:
    """Turn prompt rotation on or off; turning it on fills the next meetup at once."""
    circle.rotate_prompts = on
    session.flush()
    ensure_rotation(session, circle, now)


def assign_prompt(
    session: DbSession, occurrence: Occurrence, prompt: DeckPrompt | None, now: datetime
) -> PromptAssignment | None:
    """A host sets (or with None, clears) an occurrence's prompt; members hear a prompt is ready."""
    made = assign(session, occurrence, prompt)
    if made is not None:
        announce(session, occurrence, now)
    return made
