"""Pure (no database): the reminder kinds and the fixed, generic words each one shows.

The push transport, the outbox and the in-app list all read these words,
which never carry a circle's or a person's name, a prompt or anything a user wrote.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Kind(StrEnum):
    """What a reminder is about."""

    meetup_soon = "meetup_soon"
    """A meetup in about 24 hours."""
    meetup_hour = "meetup_hour"
    """A meetup in about an hour."""
    rsvp_nudge = "rsvp_nudge"
    load_checkin = "load_checkin"
    buddy_pairing = "buddy_pairing"
    peer_signal = "peer_signal"
    prompt_assigned = "prompt_assigned"
    signal_answered = "signal_answered"
    checkin_request = "checkin_request"
    checkin_soon = "checkin_soon"
    buddy_met = "buddy_met"
    missed_you = "missed_you"
    presenter_asked = "presenter_asked"
    presenter_notes = "presenter_notes"
    season_recommit = "season_recommit"
    """Two weeks before a season ends: continue, pause or leave?"""
    season_checkin = "season_checkin"
    """The burnout check, at a season's start, middle and end."""
    season_seat = "season_seat"
    """A waitlisted person is offered a seat as a new season starts."""
    season_summary = "season_summary"


TITLE: Final = "Circles"

_BODIES: Final[dict[Kind, str]] = {
    Kind.meetup_soon: "Your circle meets tomorrow",
    Kind.meetup_hour: "Your circle meets in an hour",
    Kind.rsvp_nudge: "Can you make your circle's next meetup?",
    Kind.load_checkin: "Time to check in with a peer",
    Kind.buddy_pairing: "You have a new buddy in your circle",
    Kind.peer_signal: "Someone in your circle could use a check-in",
    Kind.prompt_assigned: "A prompt is ready for an upcoming meetup",
    Kind.signal_answered: "Someone in your circle will reach out",
    Kind.checkin_request: "A check-in with a peer is waiting for an answer",
    Kind.checkin_soon: "Your check-in with a peer is in an hour",
    Kind.buddy_met: "Did you and your buddy meet?",
    Kind.missed_you: "Your circle would love to see you at the next meetup",
    Kind.presenter_asked: "You're asked to present at an upcoming meetup",
    Kind.presenter_notes: "Notes from your circle are waiting for you",
    Kind.season_recommit: "Will you carry on with your circle next season?",
    Kind.season_checkin: "Two taps: how is work feeling for you lately?",
    Kind.season_seat: "A seat in a circle is open for you",
    Kind.season_summary: "Your season summary is ready, just for you",
}


def words(kind: Kind) -> tuple[str, str]:
    """The (title, body) shown for ``kind``."""
    return TITLE, _BODIES[Kind(kind)]
