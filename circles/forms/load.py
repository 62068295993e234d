"""Forms for the load log."""

from __future__ import annotations

from wtforms import DateField, HiddenField, IntegerField, RadioField, SelectMultipleField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # stubs lag 3.3
from wtforms.validators import InputRequired, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from circles.forms.base import Form
from circles.models.load import TAGS
from circles.services.load import burnout

INTENSITY_WORDS = {1: "Light", 2: "Fairly light", 3: "Moderate", 4: "Heavy", 5: "Very heavy"}


class LogForm(Form):
    """One tap: the intensity button carries the value; the client id makes retries safe."""

    intensity = IntegerField(
        validators=[InputRequired("Choose how heavy it was."), NumberRange(1, 5, "From 1 to 5.")]
    )
    client_id = HiddenField(
        validators=[
            InputRequired("Reload the page and try again."),
            Regexp(r"^[A-Za-z0-9-]{8,40}$", message="Reload the page and try again."),
        ]
    )
    day = DateField("Day", validators=[Optional()])


class EntryForm(Form):
    intensity = RadioField(
        "How heavy was it?",
        coerce=int,
        choices=[SelectChoice(n, f"{n}: {word}") for n, word in INTENSITY_WORDS.items()],
    )
    day = DateField("Day", validators=[InputRequired("Choose a day.")])
    minutes = IntegerField(
        "Minutes (optional)", validators=[Optional(), NumberRange(1, 600, "From 1 to 600.")]
    )
    tags = SelectMultipleField(
        "Tags (optional)",
        choices=[SelectChoice(t, t.capitalize()) for t in TAGS],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


class LoadSettingsForm(Form):
    typical_week = IntegerField(
        "A typical week",
        validators=[Optional(), NumberRange(1, 200, "Between 1 and 200.")],
    )
    load_threshold = IntegerField(
        "Count a week as heavy from",
        validators=[Optional(), NumberRange(1, 200, "Between 1 and 200.")],
    )


class BurnoutForm(Form):
    """The single-item burnout measure: one of five answers."""

    answer = RadioField(
        burnout.QUESTION,
        choices=[SelectChoice(n, words) for n, words in burnout.ANSWERS.items()],
        coerce=int,
        validators=[InputRequired("Choose the answer closest to how you are.")],
    )


class ArcStartForm(Form):
    started_on = DateField("I started this work on", validators=[Optional()])
