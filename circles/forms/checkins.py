"""Forms for check-in signals."""

from __future__ import annotations

from datetime import datetime

from wtforms import DateField, Field, IntegerField, RadioField, SelectField, TimeField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # stubs lag 3.3
from wtforms.validators import InputRequired, NumberRange, Optional

from circles.forms.base import Form
from circles.models.checkin import RequestWay, SignalKind


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


class ChoiceError(ValueError):
    """A proposed time refused, with the row (its day field) the message belongs under."""

    def __init__(self, message: str, field: Field) -> None:
        super().__init__(message)
        self.field = field


class CheckinRequestForm(Form):
    """Propose a call, a coffee or messages at one to three times (in the proposer's zone)."""

    way = RadioField(
        "How",
        choices=[
            SelectChoice(RequestWay.CALL.value, "A call"),
            SelectChoice(RequestWay.COFFEE.value, "A coffee"),
            SelectChoice(RequestWay.MESSAGE.value, "Messages"),
        ],
        default=RequestWay.CALL.value,
    )
    date1 = DateField("First choice: day", validators=[InputRequired("Choose a day.")])
    time1 = TimeField("Time", validators=[InputRequired("Choose a time.")])
    date2 = DateField("Second choice: day (optional)", validators=[Optional()])
    time2 = TimeField("Time", validators=[Optional()])
    date3 = DateField("Third choice: day (optional)", validators=[Optional()])
    time3 = TimeField("Time", validators=[Optional()])

    def local_times(self) -> list[datetime]:
        """The filled-in choices as naive wall times; a day without a time, or a time offered
        twice, is refused."""
        chosen: list[datetime] = []
        for day, hour in (
            (self.date1, self.time1),
            (self.date2, self.time2),
            (self.date3, self.time3),
        ):
            if day.data and hour.data:
                moment = datetime.combine(day.data, hour.data)
                if moment in chosen:
                    raise ChoiceError("Offer a different time for each choice.", day)
                chosen.append(moment)
            elif day.data or hour.data:
                raise ChoiceError("Give each choice both a day and a time.", day)
        return chosen


class RequestAnswerForm(Form):
    time = IntegerField(validators=[InputRequired(), NumberRange(min=0, max=2)])
