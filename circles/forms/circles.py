"""Forms for circles, invites and joining."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # stubs lag 3.3
from wtforms.validators import InputRequired, Length, NumberRange

from circles.forms.base import Form
from circles.forms.fields import valid_time_zone
from circles.models.circle import MAX_CAP, MIN_CAP


class CircleForm(Form):
    name = StringField(
        "Name",
        validators=[
            InputRequired("Give the circle a name."),
            Length(max=80, message="Keep the name under 80 characters."),
        ],
    )
    purpose = TextAreaField(
        "What it's for",
        validators=[Length(max=500, message="Keep this under 500 characters.")],
    )
    member_cap = IntegerField(
        "Seats",
        default=8,
        validators=[
            InputRequired("Say how many people the circle can hold."),
            NumberRange(MIN_CAP, MAX_CAP, f"A circle has {MIN_CAP} to {MAX_CAP} seats."),
        ],
    )
    time_zone = StringField(
        "The circle's time zone",
        validators=[InputRequired("Choose a time zone."), valid_time_zone],
    )
    agreement = TextAreaField(
        "The circle agreement",
        validators=[
            InputRequired("A circle needs an agreement everyone accepts."),
            Length(max=3000, message="Keep the agreement under 3,000 characters."),
        ],
    )


class InviteForm(Form):
    valid_days = SelectField(
        "Link works for",
        choices=[SelectChoice(str(d), f"{d} day{'s' if d > 1 else ''}") for d in (1, 3, 7, 14)],
        default="7",
    )
    single_use = BooleanField("One person only")


class JoinForm(Form):
    agree = BooleanField(
        "I agree to keep what is said in the circle, and to speak from my own experience."
    )


class ConfirmForm(Form):
    """A button that changes something: only the CSRF token."""


class CloseCircleForm(Form):
    understood = BooleanField("I understand this removes the circle for everyone, for good.")
