"""Validators shared by several forms."""

from __future__ import annotations

from typing import Any

from wtforms import Field, ValidationError

from circles.services.accounts.passwords import weakness
from circles.timezones import is_zone


class StrongPassword:
    """At least 8 characters and not easy to guess (zxcvbn), given the other fields."""

    def __init__(self, *related_fields: str) -> None:
        self.related_fields = related_fields

    def __call__(self, form: Any, field: Field) -> None:
        related = [str(form[name].data or "") for name in self.related_fields if name in form]
        problem = weakness(field.data or "", related)
        if problem:
            raise ValidationError(problem)


def valid_time_zone(form: Any, field: Field) -> None:
    """An IANA zone name such as Europe/London."""
    if not is_zone((field.data or "").strip()):
        raise ValidationError("Choose a time zone from the list, such as Europe/London.")
    field.data = field.data.strip()


def add_error(field: Field, message: str) -> None:
    """Show a message under a field after validation (e.g. a wrong password)."""
    field.errors = [*field.errors, message]
