"""Forms for scheduling meetups and answering them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from wtforms import (
    BooleanField,
    DateField,
    Field,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TimeField,
    URLField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # stubs lag 3.3
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from circles.forms.base import Form
from circles.forms.fields import add_error
from circles.models.meetup import Answer
from circles.services.meetups import formats
from circles.services.meetups.recurrence import Repeat

REPEAT_CHOICES = [
    SelectChoice(Repeat.BIWEEKLY.value, "Every 2 weeks"),
    SelectChoice(Repeat.WEEKLY.value, "Every week"),
    SelectChoice(Repeat.MONTHLY_NTH.value, "Monthly, on the same weekday (e.g. first Tuesday)"),
    SelectChoice(Repeat.NONE.value, "Just once"),
]


def web_link(form: Any, field: Field) -> None:
    """Empty, or an http(s) link with a host."""
    value = (field.data or "").strip()
    if not value:
        return
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError("Use a web link that starts with https://")
    field.data = value


class OccurrenceFormatForm(Form):
    """A host runs one meetup by another format."""

    format = SelectField(
        "Format for this meetup",
        choices=[SelectChoice(f.key, f.name) for f in formats.FORMATS.values()],
    )


class MeetupForm(Form):
    start_date = DateField("Date", validators=[InputRequired("Choose a date.")])
    start_time = TimeField("Starts at", validators=[InputRequired("Choose a start time.")])
    duration_minutes = IntegerField(
        "Length in minutes",
        default=90,
        validators=[
            InputRequired("Say how long it runs."),
            NumberRange(15, 480, "Between 15 minutes and 8 hours."),
        ],
    )
    end_time = TimeField("Ends at (optional)", validators=[Optional()])
    repeat = SelectField("Repeats", choices=REPEAT_CHOICES, default=Repeat.BIWEEKLY.value)
    until_date = DateField("Last meetup on or before (optional)", validators=[Optional()])
    place = StringField(
        "Place", validators=[Length(max=200, message="Keep the place under 200 characters.")]
    )
    video_url = URLField(
        "Video link",
        validators=[Length(max=500, message="That link is too long."), web_link],
    )
    rotate_facilitator = BooleanField("Rotate the facilitator among members")
    format = SelectField(
        "Format",
        choices=[SelectChoice(f.key, f.name) for f in formats.FORMATS.values()],
        default=formats.DEFAULT_FORMAT,
    )

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        start, end = self.start_time.data, self.end_time.data
        if start is not None and end is not None:
            if end <= start:
                add_error(self.end_time, "The end is before the start. Choose a later end time.")
                return False
            self.duration_minutes.data = (end.hour * 60 + end.minute) - (
                start.hour * 60 + start.minute
            )
        return True


class MoveForm(Form):
    start_date = DateField("New date", validators=[InputRequired("Choose a date.")])
    start_time = TimeField("New start time", validators=[InputRequired("Choose a start time.")])


class RsvpForm(Form):
    answer = SelectField(
        "Are you coming?",
        choices=[SelectChoice(a.value, a.label) for a in Answer],
        validate_choice=True,
    )


class AttendanceForm(Form):
    """Who came, and the format that ran; choices are the circle's members (set by the view)."""

    present = SelectMultipleField(
        "Who was there",
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    format = SelectField(
        "Format that ran",
        choices=[SelectChoice(f.key, f.name) for f in formats.FORMATS.values()],
    )


class FeelingForm(Form):
    feeling = SelectField(
        choices=[SelectChoice(f, f) for f in ("helped", "neutral", "hard")],
        validators=[InputRequired()],
    )
