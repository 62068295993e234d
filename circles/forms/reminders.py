"""Which reminders a user gets."""

from __future__ import annotations

from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # stubs lag 3.3

from circles.forms.base import Form
from circles.services.reminders.channels import Channel, default
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
    Kind.buddy_met: "A week into a pairing: did we meet?",
    Kind.missed_you: "When I've missed two meetups in a row",
    Kind.presenter_asked: "When I'm asked to present at a meetup",
    Kind.presenter_notes: "When notes from my presentation are waiting",
    Kind.season_recommit: "Two weeks before a season ends: will I carry on?",
    Kind.season_checkin: "At a season's start, middle and end: how am I doing?",
    Kind.season_seat: "When a seat I waited for is open",
    Kind.season_summary: "When my season summary is ready",
}


class RemindersForm(Form):
    """Per kind, built from LABELS: a checkbox (on or off) and how it comes (`<kind>_by`)."""


def channel_field(kind: Kind) -> str:
    """The name of the form field choosing how `kind` comes."""
    return f"{kind.value}_by"


for _kind, _label in LABELS.items():
    setattr(RemindersForm, _kind.value, BooleanField(_label))
    setattr(
        RemindersForm,
        channel_field(_kind),
        SelectField(
            f"How: {_label[0].lower()}{_label[1:]}",  # "When I haven't said", not "when i"
            choices=[SelectChoice(c.value, c.label) for c in Channel],
            default=default(_kind).value,
        ),
    )
