"""Presenting at a Forum or Case meetup: who presents, their private prep, notes for them.

A member volunteers, or a host asks and they accept. The prep is its author's alone; they may
choose to show it on the facilitator's screen at their step. A note for the presenter is the
presenter's alone once sent: never shown again to its author, nor to the host.
Each function flushes and never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.circle import Membership
from circles.models.presenting import MeetupPresenter, PresenterNote, PresenterPrep, PresenterState
from circles.models.user import User
from circles.services.idempotent import add_once, put
from circles.services.meetups.series import MeetupError, Occurrence
from circles.services.reminders import outbox
from circles.services.reminders.kinds import Kind

PREP_MAX = 2000
NOTE_MAX = 1000
# Notes can be jotted from a little before the meetup until the day after it.
NOTES_FROM = timedelta(hours=2)
NOTES_UNTIL = timedelta(days=1)


@dataclass(frozen=True)
class Presenter:
    user: User
    state: PresenterState

    @property
    def presenting(self) -> bool:
        return self.state is PresenterState.PRESENTING


@dataclass(frozen=True)
class Prep:
    """The forum practice's questions for whoever presents."""

    situation: str = ""
    meaning: str = ""
    tried: str = ""
    wanted: str = ""
    not_wanted: str = ""
    on_screen: bool = False


def _row(session: DbSession, occurrence: Occurrence) -> MeetupPresenter | None:
    return session.scalar(
        sa.select(MeetupPresenter).where(
            MeetupPresenter.series_id == occurrence.series.id,
            MeetupPresenter.occurrence_key == occurrence.key,
        )
    )


def presenter_of(session: DbSession, occurrence: Occurrence) -> Presenter | None:
    """Who presents (or was asked to), or None."""
    row = _row(session, occurrence)
    if row is None:
        return None
    user = session.get(User, row.user_id)
    return Presenter(user, PresenterState(row.state)) if user is not None else None


def is_presenter(session: DbSession, occurrence: Occurrence, user: User) -> bool:
    found = presenter_of(session, occurrence)
    return found is not None and found.presenting and found.user.id == user.id


def _open(occurrence: Occurrence, now: datetime) -> None:
    if not occurrence.meeting_format.has_presenter:
        raise MeetupError(f"A {occurrence.meeting_format.name} meetup has no presenter.")
    if occurrence.cancelled:
        raise MeetupError("This meetup was cancelled.")
    if occurrence.end <= now:
        raise MeetupError("This meetup is over.")


def _is_member(session: DbSession, occurrence: Occurrence, user_id: int) -> bool:
    return (
        session.scalar(
            sa.select(Membership.id).where(
                Membership.circle_id == occurrence.circle_id, Membership.user_id == user_id
            )
        )
        is not None
    )


def _claim(
    session: DbSession,
    occurrence: Occurrence,
    user_id: int,
    state: PresenterState,
    asked_by: int | None,
) -> MeetupPresenter:
    """The occurrence's presenter row, new; or the one a concurrent request stored first."""
    return add_once(
        session,
        MeetupPresenter(
            series_id=occurrence.series.id,
            occurrence_key=occurrence.key,
            user_id=user_id,
            state=state.value,
            asked_by_id=asked_by,
        ),
        lambda: _row(session, occurrence),
    )


def volunteer(session: DbSession, occurrence: Occurrence, user: User, now: datetime) -> None:
    """The member presents at this meetup (accepting if they had been asked)."""
    _open(occurrence, now)
    row = _row(session, occurrence)
    if row is not None and row.user_id != user.id:
        other = session.get(User, row.user_id)
        name = other.display_name if other else "Someone"
        if row.state == PresenterState.PRESENTING:
            raise MeetupError(f"{name} is presenting at this meetup.")
        raise MeetupError(f"{name} has been asked to present at this meetup.")
    if row is None:
        row = _claim(session, occurrence, user.id, PresenterState.PRESENTING, None)
        if row.user_id != user.id:
            raise MeetupError("Someone else offered to present a moment ago.")
    row.state = PresenterState.PRESENTING.value
    session.flush()


def ask(
    session: DbSession, occurrence: Occurrence, host: User, member_id: int, now: datetime
) -> User:
    """A host asks a member to present; they are told, and answer yes or no."""
    _open(occurrence, now)
    member = session.get(User, member_id)
    if member is None or not _is_member(session, occurrence, member_id):
        raise MeetupError("Choose a member of the circle.", "member_id")
    if member.id == host.id:
        volunteer(session, occurrence, host, now)
        return host
    row = _row(session, occurrence)
    if row is not None and row.state == PresenterState.PRESENTING and row.user_id != member.id:
        raise MeetupError("Someone is presenting already; they can step back first.", "member_id")
    if row is not None and row.user_id == member.id:
        return member  # already asked, or already presenting
    if row is None:
        row = _claim(session, occurrence, member.id, PresenterState.ASKED, host.id)
    row.user_id, row.state, row.asked_by_id = member.id, PresenterState.ASKED.value, host.id
    session.flush()
    outbox.enqueue(
        session,
        member,
        Kind.presenter_asked,
        f"presenter_asked:{occurrence.series.id}:{occurrence.key}:{member.id}",
        now,
        url=meetup_path(occurrence),
        tag=f"presenter-{occurrence.series.id}-{occurrence.key}",
    )
    return member


def answer(
    session: DbSession, occurrence: Occurrence, user: User, accept: bool, now: datetime
) -> None:
    """The member who was asked says yes (they present) or no (nobody is asked any more)."""
    row = _row(session, occurrence)
    if row is None or row.user_id != user.id or row.state != PresenterState.ASKED:
        raise MeetupError("There is no request to present waiting for you here.")
    if accept:
        _open(occurrence, now)
        row.state = PresenterState.PRESENTING.value
    else:
        session.delete(row)
    session.flush()


def step_back(session: DbSession, occurrence: Occurrence, user: User, *, host: bool) -> None:
    """The presenter (or a host) clears who presents; the prep stays with its author."""
    row = _row(session, occurrence)
    if row is None or (row.user_id != user.id and not host):
        raise MeetupError("You aren't presenting at this meetup.")
    session.delete(row)
    session.flush()


def meetup_path(occurrence: Occurrence) -> str:
    return f"/circles/{occurrence.circle_id}/meetups/{occurrence.series.id}/{occurrence.key}"


# The presenter's prep: private to its author.


def my_prep(session: DbSession, occurrence: Occurrence, author: User) -> PresenterPrep | None:
    """The author's own prep for the occurrence; nobody else's is ever loaded by this."""
    return session.scalar(
        sa.select(PresenterPrep).where(
            PresenterPrep.user_id == author.id,
            PresenterPrep.series_id == occurrence.series.id,
            PresenterPrep.occurrence_key == occurrence.key,
        )
    )


def save_prep(session: DbSession, occurrence: Occurrence, author: User, prep: Prep) -> None:
    """The presenter keeps their prep (only the presenter prepares)."""
    if not is_presenter(session, occurrence, author):
        raise MeetupError("Only the presenter prepares here.", "situation")
    texts = {
        name: getattr(prep, name).strip()
        for name in ("situation", "meaning", "tried", "wanted", "not_wanted")
    }
    for name, text in texts.items():
        if len(text) > PREP_MAX:
            raise MeetupError(f"Keep each answer under {PREP_MAX} characters.", name)

    def update(row: PresenterPrep) -> None:
        for name, text in texts.items():
            setattr(row, name, text)
        row.on_screen = prep.on_screen

    def new() -> PresenterPrep:
        row = PresenterPrep(
            series_id=occurrence.series.id, occurrence_key=occurrence.key, user_id=author.id
        )
        update(row)
        return row

    put(session, lambda: my_prep(session, occurrence, author), new, update)


def prep_on_screen(session: DbSession, occurrence: Occurrence) -> PresenterPrep | None:
    """The presenter's prep, only when they chose to show it on the facilitator's screen."""
    found = presenter_of(session, occurrence)
    if found is None or not found.presenting:
        return None
    prep = my_prep(session, occurrence, found.user)
    return prep if prep is not None and prep.on_screen else None


# Notes for the presenter: theirs alone once sent.


def notes_open(occurrence: Occurrence, now: datetime) -> bool:
    return (
        not occurrence.cancelled
        and occurrence.start - NOTES_FROM <= now <= occurrence.end + NOTES_UNTIL
    )


def send_note(
    session: DbSession, occurrence: Occurrence, author: User, body: str, now: datetime
) -> None:
    """A member jots a note for the presenter; only the presenter will ever read it."""
    found = presenter_of(session, occurrence)
    if found is None or not found.presenting:
        raise MeetupError("Nobody is presenting at this meetup.", "body")
    if found.user.id == author.id:
        raise MeetupError("Notes are for the presenter from the others.", "body")
    if not _is_member(session, occurrence, author.id):
        raise MeetupError("Only members of the circle write notes here.", "body")
    if not notes_open(occurrence, now):
        raise MeetupError("Notes can be written during the meetup and the day after.", "body")
    text = body.strip()
    if not text:
        raise MeetupError("Write a note first.", "body")
    if len(text) > NOTE_MAX:
        raise MeetupError(f"Keep the note under {NOTE_MAX} characters.", "body")
    session.add(
        PresenterNote(
            series_id=occurrence.series.id,
            occurrence_key=occurrence.key,
            presenter_id=found.user.id,
            author_id=author.id,
            body=text,
            created_at=now,
        )
    )
    session.flush()
    # One reminder for the presenter, at the meetup's end: notes are waiting.
    outbox.enqueue(
        session,
        found.user,
        Kind.presenter_notes,
        f"presenter_notes:{occurrence.series.id}:{occurrence.key}:{found.user.id}",
        max(now, occurrence.end),
        url=meetup_path(occurrence) + "/notes-for-me",
        tag=f"presenter-{occurrence.series.id}-{occurrence.key}",
    )


@dataclass(frozen=True)
class NoteForMe:
    id: int
    body: str
    author: str | None  # None once the author's account is gone
    created_at: datetime


def notes_for(session: DbSession, occurrence: Occurrence, presenter: User) -> list[NoteForMe]:
    """The notes written for this presenter at this meetup, oldest first."""
    rows = session.execute(
        sa.select(PresenterNote, User.display_name)
        .outerjoin(User, User.id == PresenterNote.author_id)
        .where(
            PresenterNote.presenter_id == presenter.id,
            PresenterNote.series_id == occurrence.series.id,
            PresenterNote.occurrence_key == occurrence.key,
        )
        .order_by(PresenterNote.created_at, PresenterNote.id)
    )
    return [NoteForMe(note.id, note.body, name, note.created_at) for note, name in rows]


def delete_note(session: DbSession, presenter: User, note_id: int) -> None:
    """The presenter deletes a note written for them (LookupError: none of theirs)."""
    note = session.get(PresenterNote, note_id)
    if note is None or note.presenter_id != presenter.id:
        raise LookupError(note_id)
    session.delete(note)
    session.flush()
