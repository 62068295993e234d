"""Forms for presenting at a meetup: asking someone, answering, the prep, a note for them."""

from __future__ import annotations

from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # stubs lag 3.3
from wtforms.validators import InputRequired, Length

from circles.forms.base import Form
from circles.services.meetups.presenting import NOTE_MAX, PREP_MAX


class AskToPresentForm(Form):
    member_id = SelectField("Ask a member to present", coerce=int, validate_choice=True)


class PresentAnswerForm(Form):
    answer = SelectField(
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")], validate_choice=True
    )


def _prep_answer(label: str) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[Length(max=PREP_MAX, message=f"Keep each answer under {PREP_MAX} characters.")],
    )


class PrepForm(Form):
    """The forum practice: what happened, what it means, what was tried, what to ask for."""

    situation = _prep_answer("The situation, in a few sentences")
    meaning = _prep_answer("What it means to me, why it matters now")
    tried = _prep_answer("What I have tried or thought of")
    wanted = _prep_answer("What I want from the circle")
    not_wanted = _prep_answer("What I don't want")
    on_screen = BooleanField("Show this on the facilitator's screen during my step")


class PresenterNoteForm(Form):
    body = TextAreaField(
        "A note for the presenter",
        validators=[
            InputRequired("Write a note first."),
            Length(max=NOTE_MAX, message=f"Keep the note under {NOTE_MAX} characters."),
        ],
    )
