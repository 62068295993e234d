"""The base of every form: text with control characters is refused here, for all forms at once."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from werkzeug.datastructures import ImmutableMultiDict

# C0 controls but tab, newline and carriage return; DEL and the C1 controls. PostgreSQL cannot
# store NUL in text at all, and the others are never typed by a person.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_MESSAGE = "Remove the invisible control characters from this text."


def has_control_characters(values: Sequence[Any] | None) -> bool:
    """True when any submitted text value holds a control character."""
    return any(isinstance(value, str) and CONTROL.search(value) for value in values or ())


def json_form_data(payload: Any) -> ImmutableMultiDict[str, str]:
    """The text fields of a JSON object; other JSON (a list, a number, nested values) is no data."""
    if not isinstance(payload, dict):
        return ImmutableMultiDict()
    return ImmutableMultiDict(
        [(str(key), value) for key, value in payload.items() if isinstance(value, str)]
    )


class Form(FlaskForm):  # type: ignore[misc]
    """A Flask-WTF form that refuses control characters before any other validator runs."""

    class Meta(FlaskForm.Meta):  # type: ignore[misc]
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            # Flask-WTF hands a JSON body to ImmutableMultiDict as is, and a JSON list breaks it.
            if formdata is not _Auto or not request.is_json or request.form or request.files:
                return super().wrap_formdata(form, formdata)
            return json_form_data(request.get_json(silent=True))

    def validate(self, extra_validators: Any = None) -> bool:
        tainted = [field for field in self if has_control_characters(field.raw_data)]
        if not tainted:
            return bool(super().validate(extra_validators))
        for field in tainted:
            field.errors = [CONTROL_MESSAGE]
        return False
