"""The forms for ways to reach me: add one, and choose the circles that see them."""

from __future__ import annotations

from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # stubs lag 3.3
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from circles.forms.base import Form
from circles.models.reach import REACH_VALUE_MAX
from circles.services.reach.ways import ReachKind


class ReachWayForm(Form):
    kind = SelectField(
        "How", choices=[SelectChoice(kind.value, kind.label) for kind in ReachKind], default="phone"
    )
    value = StringField(
        "Number, address, username or link",
        validators=[
            InputRequired("Fill this in, or choose another way."),
            Length(max=REACH_VALUE_MAX, message="Keep it under 300 characters."),
        ],
    )


class ReachSharingForm(Form):
    # Choices are the person's circles, set by the view.
    circles = SelectMultipleField(
        "Circles that see them",
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=True,
    )
