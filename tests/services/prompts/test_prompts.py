"""Prompt rules without HTTP: the library, the deck, rotation."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from circles.extensions import db
from circles.models import Circle, LibraryPrompt, Notification, PromptAssignment, User
from circles.services.meetups import operations as meetup_actions
from circles.services.meetups import series as meetups
from circles.services.meetups.recurrence import Repeat
from circles.services.prompts import deck as prompts
from circles.services.prompts import operations as prompt_actions
from circles.services.prompts import rotation


@pytest.fixture
def circle(make_user, make_circle, ctx) -> Circle:
    host = make_user(display_name="Hana")
    made = make_circle(host, members=(make_user(display_name="Ari"), make_user(display_name="Bo")))
    return db.session.get(Circle, made.id)


def _people(circle: Circle) -> list[User]:
    from circles.services.circles.membership import members_of

    return [user for _m, user in members_of(db.session, circle.id)]


def test_the_library_has_forty_prompts_in_eight_categories_and_loads_idempotently(ctx) -> None:
    assert prompts.sync_library(db.session) >= 40
    assert prompts.sync_library(db.session) == 0
    grouped = prompts.library(db.session)
    assert list(grouped) == list(prompts.CATEGORIES)
    assert all(len(items) >= 5 for items in grouped.values())
    assert db.session.scalar(db.select(db.func.count()).select_from(LibraryPrompt)) >= 40


def test_a_library_prompt_joins_the_deck_once(circle: Circle) -> None:
    prompts.sync_library(db.session)
    key = prompts.library_data()[0]["key"]
    first = prompt_actions.add_from_library(db.session, circle, key, _people(circle)[0])
    again = prompt_actions.add_from_library(db.session, circle, key, _people(circle)[1])
    assert first.id == again.id
    with pytest.raises(prompts.NotInLibrary):
        prompt_actions.add_from_library(db.session, circle, "no-such-prompt", _people(circle)[0])


def test_prompt_text_is_trimmed_and_limited(circle: Circle) -> None:
    author = _people(circle)[0]
    made = prompt_actions.write_prompt(
        db.session, circle, author, "  What helps?  \n", anonymous=False
    )
    assert made.text == "What helps?"
    with pytest.raises(prompts.PromptError, match="under 300 characters"):
        prompt_actions.write_prompt(db.session, circle, author, "x" * 301, anonymous=False)
    with pytest.raises(prompts.PromptError, match="Write the question"):
        prompt_actions.write_prompt(db.session, circle, author, "   ", anonymous=False)


def test_votes_toggle_and_order_the_deck(circle: Circle) -> None:
    hana, ari, bo = _people(circle)
    quiet = prompt_actions.write_prompt(db.session, circle, hana, "Quiet one?", anonymous=False)
    wanted = prompt_actions.write_prompt(db.session, circle, hana, "Wanted one?", anonymous=False)
    prompt_actions.toggle_vote(db.session, wanted, ari)
    prompt_actions.toggle_vote(db.session, wanted, bo)
    prompt_actions.toggle_vote(db.session, quiet, bo)
    assert prompt_actions.toggle_vote(db.session, quiet, bo) is False  # unmarked again
    entries = prompts.deck(db.session, circle.id, ari.id)
    assert [(e.prompt.text, e.votes, e.voted_by_me) for e in entries] == [
        ("Wanted one?", 2, True),
        ("Quiet one?", 0, False),
    ]


def _weekly(circle: Circle) -> None:
    plan = meetups.Plan(
        start_date=date.today() + timedelta(days=1),  # noqa: DTZ011
        start_time=time(19, 0),
        duration_minutes=90,
        repeat=Repeat.WEEKLY,
    )
    meetup_actions.schedule_series(db.session, circle, _people(circle)[0], plan)
    db.session.flush()


def test_rotation_picks_the_most_wanted_unused_and_never_repeats_until_the_deck_is_used(
    circle: Circle,
) -> None:
    hana, ari, bo = _people(circle)
    _weekly(circle)
    texts = ["A?", "B?", "C?"]
    made = [
        prompt_actions.write_prompt(db.session, circle, hana, t, anonymous=False) for t in texts
    ]
    prompt_actions.toggle_vote(db.session, made[2], ari)
    prompt_actions.toggle_vote(db.session, made[2], bo)
    prompt_actions.toggle_vote(db.session, made[1], ari)
    now = datetime.now(UTC)
    prompt_actions.set_rotation(db.session, circle, True, now)

    picked = []
    for week in range(5):
        moment = now + timedelta(weeks=week)
        rotation.ensure_rotation(db.session, circle, moment)
        upcoming = [o for o in meetups.upcoming(db.session, [circle.id], moment) if not o.cancelled]
        assignment = prompts.assignment_for(db.session, upcoming[0])
        assert assignment is not None and assignment.rotated
        picked.append(assignment.text)
    assert picked[:3] == ["C?", "B?", "A?"]  # most wanted first, none repeated
    assert sorted(picked[3:]) == ["B?", "C?"]  # then round again, most wanted first
    assert picked[3] == "C?"


def test_rotation_leaves_a_host_chosen_prompt_alone(circle: Circle) -> None:
    hana = _people(circle)[0]
    _weekly(circle)
    chosen = prompt_actions.write_prompt(db.session, circle, hana, "Chosen?", anonymous=False)
    prompt_actions.write_prompt(db.session, circle, hana, "Other?", anonymous=False)
    now = datetime.now(UTC)
    (first, *_rest) = meetups.upcoming(db.session, [circle.id], now)
    prompts.assign(db.session, first, chosen)
    prompt_actions.set_rotation(db.session, circle, True, now)
    assert prompts.assignment_for(db.session, first).text == "Chosen?"


def test_history_keeps_the_words_after_the_prompt_is_removed(circle: Circle) -> None:
    hana = _people(circle)[0]
    _weekly(circle)
    made = prompt_actions.write_prompt(db.session, circle, hana, "Kept words?", anonymous=False)
    now = datetime.now(UTC)
    first = meetups.upcoming(db.session, [circle.id], now)[0]
    prompts.assign(db.session, first, made)
    prompt_actions.remove_prompt(db.session, made)
    later = now + timedelta(days=8)
    (used,) = prompts.history(db.session, circle.id, later)
    assert used.text == "Kept words?" and used.prompt_id is None
    assert db.session.scalar(db.select(db.func.count()).select_from(PromptAssignment)) == 1


def test_assigning_a_prompt_tells_every_member_in_generic_words(circle: Circle) -> None:
    hana = _people(circle)[0]
    _weekly(circle)
    chosen = prompt_actions.write_prompt(
        db.session, circle, hana, "What kept you up this week?", anonymous=False
    )
    now = datetime.now(UTC)
    first = meetups.upcoming(db.session, [circle.id], now)[0]

    prompt_actions.assign_prompt(db.session, first, chosen, now)

    told = db.session.scalars(
        db.select(Notification).where(Notification.kind == "prompt_assigned")
    ).all()
    assert sorted(n.user_id for n in told) == sorted(u.id for u in _people(circle))
    assert all("kept you up" not in n.body for n in told)  # the prompt's words stay in the app
