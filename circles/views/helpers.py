"""Small things several views need."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from flask import abort, current_app, flash, render_template, request

from circles.extensions import db
from circles.forms.fields import add_error
from circles.services.accounts.passwords import Passwords

T = TypeVar("T")


def passwords() -> Passwords:
    """The app's password hasher."""
    hasher: Passwords = current_app.extensions["circles_passwords"]
    return hasher


def safe_next(target: str | None) -> str | None:
    """A same-site path to continue to after login, or None for anything else."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def render_form(template: str, **context: Any) -> tuple[str, int]:
    """Render a form page: 200 when first shown, 400 when a submission was refused."""
    status = 400 if request.method == "POST" else 200
    return render_template(template, **context), status


@dataclass(frozen=True)
class Done(Generic[T]):
    """A committed action and what it returned (always true, even when the value is None)."""

    value: T


def attempt_form(
    action: Callable[[], T],
    form: Any,
    field: str,
    success: str | None,
    passes: type[Exception] | tuple[type[Exception], ...] = (),
) -> Done[T] | None:
    """Like `attempt`, but a refusal is shown under a form field (the error may name its own).

    Refusals of the `passes` types are rolled back and raised for the view to answer.
    """
    try:
        value = action()
    except ValueError as refused:
        db.session.rollback()
        if isinstance(refused, passes):
            raise
        named = getattr(refused, "field", field)
        add_error(form[named if named in form else field], str(refused))
        return None
    db.session.commit()
    if success:
        flash(success, "success")
    return Done(value)


def attempt(
    action: Callable[[], T], success: str | None, category: str = "success"
) -> Done[T] | None:
    """Run a domain change in this request: commit and say so, or roll back and say why."""
    try:
        value = action()
    except ValueError as refused:  # every domain rule refuses with a ValueError and plain words
        db.session.rollback()
        flash(str(refused), "warn")
        return None
    except LookupError:  # the action named something that isn't there
        db.session.rollback()
        abort(404)
    db.session.commit()
    if success:
        flash(success, category)
    return Done(value)
