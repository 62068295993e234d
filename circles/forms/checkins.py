"""Forms for check-in signals."""

from __future__ import annotations

from wtforms import IntegerField, SelectField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # stubs lag 3.3
from wtforms.validators import InputRequired

from circles.forms.base import Form
from circles.models.checkin import SignalKind


class SignalForm(Form):
    kind = SelectField(
        choices=[SelectChoice(k.value, k.value) for k in SignalKind],
        default=SignalKind.CHECKIN.value,
    )
    action = SelectField(
        choices=[SelectChoice("raise", "raise"), SelectChoice("withdraw", "withdraw")]
    )


class CheckedInForm(Form):
    member = IntegerField(validators=[InputRequired("Choose who you checked in with.")])
