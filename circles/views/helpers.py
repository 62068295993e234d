"""Small things several views need."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, flash, render_template, request

from circles.extensions import db
from circles.forms.fields import add_error
from circles.services.accounts.passwords import Passwords


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


def attempt_form(action: Callable[[], object], form: Any, field: str, success: str) -> bool:
    """Like `attempt`, but a refusal is shown under a form field (the error may name its own)."""
    try:
        action()
    except ValueError as refused:
        db.session.rollback()
        named = getattr(refused, "field", field)
        add_error(form[named if named in form else field], str(refused))
        return False
    db.session.commit()
    flash(success, "success")
    return True


def attempt(action: Callable[[], object], success: str, category: str = "success") -> bool:
    """Run a domain change in this request: commit and say so, or roll back and say why."""
    try:
        action()
    except ValueError as refused:  # every domain rule refuses with a ValueError and plain words
        db.session.rollback()
        flash(str(refused), "warn")
        return False
    db.session.commit()
    flash(success, category)
    return True
