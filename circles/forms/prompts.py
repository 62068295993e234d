"""Forms for the prompt deck and prep notes."""

from __future__ import annotations

from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from circles.forms.base import Form
from circles.models.prompt import NOTE_MAX, PROMPT_MAX


class PromptForm(Form):
    text = TextAreaField(
        "Your question",
        validators=[
            InputRequired("Write the question first."),
            Length(max=PROMPT_MAX, message=f"Keep a prompt under {PROMPT_MAX} characters."),
        ],
    )
    anonymous = BooleanField("Don't show my name with it")


class PrepNoteForm(Form):
    body = TextAreaField(
        "My prep note",
        validators=[Length(max=NOTE_MAX, message=f"Keep the note under {NOTE_MAX} characters.")],
    )


class AssignPromptForm(Form):
    prompt_id = SelectField("Prompt for this meetup", coerce=int, validate_choice=True)


class RotationForm(Form):
    on = BooleanField("Rotate prompts: each meetup gets the deck's most wanted prompt not used yet")
