"""What members see about occurrences: answers, who is going, the facilitator (bounded queries)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from circles.models.base import DbSession
from circles.models.circle import Membership
from circles.models.meetup import Answer
from circles.models.prompt import PromptAssignment
from circles.models.user import User
from circles.services.meetups import rotation
from circles.services.meetups.series import Occurrence


@dataclass
class OccurrenceView:
    occurrence: Occurrence
    my_answer: Answer | None = None
    going: list[User] = field(default_factory=list)
    maybe: list[User] = field(default_factory=list)
    not_going: list[User] = field(default_factory=list)
    unanswered: list[User] = field(default_factory=list)
    facilitator: User | None = None
    prompt_line: str | None = None


def members_by_circle(session: DbSession, circle_ids: set[int]) -> dict[int, list[User]]:
    """Each circle's members in the order they joined (one query)."""
    if not circle_ids:
        return {}
    rows = session.execute(
        sa.select(Membership.circle_id, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.circle_id.in_(circle_ids))
        .order_by(Membership.joined_at, Membership.id)
    ).all()
    grouped: dict[int, list[User]] = defaultdict(list)
    for circle_id, user in rows:
        grouped[circle_id].append(user)
    return grouped


def _prompt_lines(
    session: DbSession, occurrences: Sequence[Occurrence]
) -> dict[tuple[int, str], str]:
    """The first line of each occurrence's assigned prompt, by (series id, occurrence key)."""
    rows = session.execute(
        sa.select(
            PromptAssignment.series_id, PromptAssignment.occurrence_key, PromptAssignment.text
        ).where(
            # The plain IN lets SQLite use the (series_id, occurrence_key) index.
            PromptAssignment.series_id.in_({occ.series.id for occ in occurrences}),
            sa.tuple_(PromptAssignment.series_id, PromptAssignment.occurrence_key).in_(
                list({occ.ref for occ in occurrences})
            ),
        )
    )
    return {
        (series_id, key): text.strip().splitlines()[0]
        for series_id, key, text in rows
        if text.strip()
    }


def board(
    session: DbSession, occurrences: Sequence[Occurrence], viewer: User
) -> list[OccurrenceView]:
    """Views of these occurrences for the viewer: a few queries whatever their number or age.

    Answers are read for the occurrences shown (and those the rotation replays between them);
    the facilitator rotation replays only from the first occurrence shown (``rotation``).
    """
    if not occurrences:
        return []
    members = members_by_circle(session, {occ.circle_id for occ in occurrences})
    turns = rotation.turns(session, occurrences)
    found = rotation.said(session, {occ.ref for occ in occurrences} | turns.refs)
    answers = found.answers
    facilitators = rotation.facilitators(session, turns, members, found)
    prompts = _prompt_lines(session, occurrences)
    views = []
    for occ in occurrences:
        mine = answers.get(occ.ref, {})
        view = OccurrenceView(occ, my_answer=mine.get(viewer.id))
        by_id = {user.id: user for user in members.get(occ.circle_id, [])}
        for user in by_id.values():
            answer = mine.get(user.id)
            bucket = {Answer.GOING: view.going, Answer.MAYBE: view.maybe, Answer.NO: view.not_going}
            (bucket[answer] if answer else view.unanswered).append(user)
        facilitator_id = facilitators.get(occ.ref)
        view.facilitator = by_id.get(facilitator_id) if facilitator_id else None
        view.prompt_line = prompts.get(occ.ref)
        views.append(view)
    return views
