"""The safety pulse form and the host's buddy setting."""

from __future__ import annotations

from wtforms import BooleanField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # stubs lag 3.3
from wtforms.validators import InputRequired

from circles.forms.base import Form
from circles.services.pulse.scoring import ITEMS, SCALE


class PulseForm(Form):
    """Seven statements, each answered on the 7-point scale."""

    def answers(self) -> list[int]:
        return [int(self[f"item{n}"].data) for n in range(len(ITEMS))]


for _n, _statement in enumerate(ITEMS):
    setattr(
        PulseForm,
        f"item{_n}",
        RadioField(
            _statement,
            coerce=int,
            choices=[SelectChoice(value, label) for value, label in SCALE.items()],
            validators=[InputRequired("Choose an answer for this one.")],
        ),
    )


class BuddiesForm(Form):
    on = BooleanField("Pair members up as buddies, rotating fairly")
    period_days = SelectField(
        "A pairing lasts",
        coerce=int,
        choices=[
            SelectChoice(7, "1 week"),
            SelectChoice(14, "2 weeks"),
            SelectChoice(28, "4 weeks"),
        ],
        default=14,
    )


class BuddyMetForm(Form):
    """A week into a pairing: did you and your buddy meet?"""

    answer = SelectField(
        choices=[SelectChoice(a, a) for a in ("yes", "not_yet", "skip")],
        validators=[InputRequired()],
    )
