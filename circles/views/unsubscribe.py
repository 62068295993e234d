"""One-click unsubscribe from reminder emails (RFC 8058), without logging in."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, render_template

from circles.extensions import csrf, db
from circles.services.reminders import emails

bp = Blueprint("unsubscribe", __name__, url_prefix="/email/unsubscribe")


def _read(token: str) -> tuple[int, list[Any]]:
    found = emails.read_unsubscribe(current_app.config["SECRET_KEY"], token)
    if found is None:
        abort(404)
    return found


@bp.get("/<token>")
def confirm(token: str) -> str:
    """A page with one button: mail apps POST for one click, people see what it does first."""
    _read(token)
    return render_template("unsubscribe.html", token=token, done=False)


@bp.post("/<token>")
@csrf.exempt  # the signed token is the proof; mail apps POST without a form (RFC 8058)
def unsubscribe(token: str) -> str:
    user_id, kinds = _read(token)
    if not emails.unsubscribe(db.session, user_id, kinds):
        abort(404)
    db.session.commit()
    return render_template("unsubscribe.html", token=token, done=True)
