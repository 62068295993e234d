"""The facilitator's screen for the meetup itself: steps, who is there, who speaks when.

The screen is built once when it opens and then runs on the phone, without a connection if
need be; only its end is stored (who came, the format that ran), never anything said.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from circles.models.base import DbSession
from circles.models.presenting import PresenterPrep
from circles.models.user import User
from circles.services.circles.membership import members_of
from circles.services.meetups import attendance, formats, presenting
from circles.services.meetups.board import OccurrenceView
from circles.services.meetups.formats import StepKind
from circles.services.meetups.rounds import round_order
from circles.services.meetups.series import Occurrence


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    here: bool  # marked present: from the record if there is one, else from the RSVPs


@dataclass(frozen=True)
class ScreenStep:
    number: int
    step: formats.Step
    order: list[Person]  # a round's speakers, facilitator first or last as the step says
    speaker: User | None  # a single speaker's step: the presenter
    presentation: bool  # the presenter's first step: their prep (if shown), notes for them


@dataclass(frozen=True)
class Screen:
    occurrence: Occurrence
    format: formats.Format
    people: list[Person]
    steps: list[ScreenStep]
    facilitator: User | None
    presenter: User | None
    prep: PresenterPrep | None
    prompt: str | None
    may_run: bool
    ended: bool

    @property
    def here(self) -> list[Person]:
        return [person for person in self.people if person.here]


def may_run(view: OccurrenceView, viewer: User, is_host: bool) -> bool:
    """The facilitator or a host starts and ends the meetup."""
    return is_host or (view.facilitator is not None and view.facilitator.id == viewer.id)


def screen(
    session: DbSession,
    view: OccurrenceView,
    viewer: User,
    *,
    is_host: bool,
    prompt: str | None,
    now: datetime,
) -> Screen:
    occurrence = view.occurrence
    run = attendance.run_of(session, occurrence)
    if run is not None:
        here_ids = attendance.present_ids(session, run)
    else:
        here_ids = {user.id for user in view.going}
        if view.facilitator is not None:
            here_ids.add(view.facilitator.id)
    people = [
        Person(user.id, user.display_name, user.id in here_ids)
        for _member, user in members_of(session, occurrence.circle_id)
    ]
    by_id = {person.id: person for person in people}
    fmt = formats.get(run.format) if run is not None else occurrence.meeting_format
    found = presenting.presenter_of(session, occurrence)
    presenter = found.user if found is not None and found.presenting else None
    runs = may_run(view, viewer, is_host)
    # The prep shows where the presenter said: on the facilitator's screen, once the meetup is on.
    on = occurrence.start - attendance.EARLY_START <= now
    prep = presenting.prep_on_screen(session, occurrence) if runs and on else None
    facilitator_id = view.facilitator.id if view.facilitator is not None else None
    here_order = [person.id for person in people if person.here]
    first_single = next(
        (n for n, step in enumerate(fmt.steps) if step.kind is StepKind.SINGLE), None
    )
    steps = [
        ScreenStep(
            n + 1,
            step,
            [
                by_id[i]
                for i in round_order(
                    here_order,
                    facilitator_id,
                    step.facilitator,
                    presenter.id if presenter is not None and step.presenter_listens else None,
                )
            ]
            if step.kind is StepKind.ROUND
            else [],
            presenter if step.kind is StepKind.SINGLE else None,
            n == first_single,
        )
        for n, step in enumerate(fmt.steps)
    ]
    return Screen(
        occurrence=occurrence,
        format=fmt,
        people=people,
        steps=steps,
        facilitator=view.facilitator,
        presenter=presenter,
        prep=prep,
        prompt=prompt,
        may_run=runs,
        ended=run is not None,
    )
