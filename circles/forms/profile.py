"""The profile form on Me."""

from __future__ import annotations

from typing import Any

from wtforms import StringField, TimeField
from wtforms.validators import InputRequired, Length, Optional

from circles.forms.base import Form
from circles.forms.fields import add_error, valid_time_zone


class ProfileForm(Form):
    display_name = StringField(
        "Your name",
        validators=[
            InputRequired("Enter a name."),
            Length(max=60, message="Keep it under 60 characters."),
        ],
    )
    time_zone = StringField(
        "Time zone", validators=[InputRequired("Choose a time zone."), valid_time_zone]
    )
    quiet_start = TimeField("Quiet from", validators=[Optional()])
    quiet_end = TimeField("Quiet until", validators=[Optional()])

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        start, end = self.quiet_start.data, self.quiet_end.data
        if (start is None) != (end is None):
            missing = self.quiet_end if end is None else self.quiet_start
            add_error(missing, "Quiet hours need both a start and an end, or neither.")
            return False
        if start is not None and start == end:
            add_error(self.quiet_end, "Quiet hours can't start and end at the same time.")
            return False
        return True
