"""Which reminders a user gets."""

from __future__ import annotations

from wtforms import BooleanField

from circles.forms.base import Form
from circles.services.reminders.kinds import Kind

LABELS = {
    Kind.meetup_soon: "A day before a meetup",
    Kind.meetup_hour: "An hour before a meetup",
    Kind.rsvp_nudge: "When I haven't said if I'm coming",
    Kind.load_checkin: "When my 1:1 load runs high",
    Kind.buddy_pairing: "When I get a new buddy",
    Kind.peer_signal: "When someone in my circle could use a check-in",
    Kind.prompt_assigned: "When a meetup's prompt is chosen",
    Kind.signal_answered: "When someone will reach out to me",
    Kind.checkin_request: "When a check-in is proposed or answered",
    Kind.checkin_soon: "An hour before a check-in",
}


class RemindersForm(Form):
    """One checkbox per kind, built from LABELS."""


for _kind, _label in LABELS.items():
    setattr(RemindersForm, _kind.value, BooleanField(_label))
