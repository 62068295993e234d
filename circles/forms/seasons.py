"""Seasons: starting one, the private recommit answer, fixed membership, taking a seat."""

from __future__ import annotations

from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # stubs lag 3.3
from wtforms.validators import InputRequired, NumberRange

from circles.forms.base import Form
from circles.services.seasons import rules
from circles.services.seasons.rules import Choice, Unit

UNITS = [SelectChoice(Unit.MONTHS.value, "months"), SelectChoice(Unit.MEETUPS.value, "meetups")]


class NextSeasonForm(Form):
    """How long the season runs: a number of months or of meetups."""

    length = IntegerField(
        "Length",
        default=rules.DEFAULT_MONTHS,
        validators=[
            InputRequired("Say how long the season runs."),
            NumberRange(1, rules.MAX_MEETUPS, "A season runs 1 to 12 months, or 2 to 26 meetups."),
        ],
    )
    unit = SelectField("Counted in", choices=UNITS, default=Unit.MONTHS.value)


class StartSeasonForm(NextSeasonForm):
    starts_on = DateField("Starts on", validators=[InputRequired("Choose the first day.")])
    fixed = BooleanField("Keep invites for the next season only (fixed membership)")


class RecommitForm(Form):
    choice = RadioField(
        "Next season, I would like to",
        choices=[SelectChoice(c.value, c.label) for c in Choice],
        validators=[InputRequired("Choose one of the three.")],
    )


class FixedMembershipForm(Form):
    fixed = BooleanField("Keep invites for the next season only")


class TakeSeatForm(Form):
    agree = BooleanField(
        "I agree to keep what is said in the circle, and to speak from my own experience."
    )
