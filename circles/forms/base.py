"""The base of every form: text with control characters is refused here, for all forms at once."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from werkzeug.datastructures import ImmutableMultiDict
from wtforms import Field
from wtforms.validators import InputRequired

# C0 controls but tab, newline and carriage return; DEL and the C1 controls. PostgreSQL cannot
# store NUL in text at all, and the others are never typed by a person.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_MESSAGE = "Remove the invisible control characters from this text."


def has_control_characters(values: Sequence[Any] | None) -> bool:
    """True when any submitted text value holds a control character."""
    return any(isinstance(value, str) and CONTROL.search(value) for value in values or ())


def blank_but_required(field: Field) -> str | None:
    """InputRequired's message when only spaces were typed (it counts any character as input)."""
    typed = field.raw_data[0] if field.raw_data else None
    if not isinstance(typed, str) or not typed or typed.strip():
        return None
    required = next((v for v in field.validators if isinstance(v, InputRequired)), None)
    if required is None:
        return None
    return str(required.message or field.gettext("This field is required."))


def json_form_data(payload: Any) -> ImmutableMultiDict[str, str]:
    """The text fields of a JSON object; other JSON (a list, a number, nested values) is no data."""
    if not isinstance(payload, dict):
        return ImmutableMultiDict()
    return ImmutableMultiDict(
        [(str(key), value) for key, value in payload.items() if isinstance(value, str)]
    )


class Form(FlaskForm):  # type: ignore[misc]
    """A Flask-WTF form that refuses control characters before any other validator runs, and
    text of only spaces where text is required."""

    class Meta(FlaskForm.Meta):  # type: ignore[misc]
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            # Flask-WTF hands a JSON body to ImmutableMultiDict as is, and a JSON list breaks it.
            if formdata is not _Auto or not request.is_json or request.form or request.files:
                return super().wrap_formdata(form, formdata)
            return json_form_data(request.get_json(silent=True))

    def validate(self, extra_validators: Any = None) -> bool:
        tainted = [field for field in self if has_control_characters(field.raw_data)]
        if tainted:
            for field in tainted:
                field.errors = [CONTROL_MESSAGE]
            return False
        valid = bool(super().validate(extra_validators))
        for field in self:
            message = blank_but_required(field)
            if message is not None:
                field.errors = [message]
                valid = False
        return valid
