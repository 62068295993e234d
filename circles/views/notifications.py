"""The in-app list of reminders: for people without push, or who missed one."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from circles.extensions import db
from circles.forms.circles import ConfirmForm
from circles.models.base import utcnow
from circles.models.notification import Notification, Status
from circles.services.reminders import outbox

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

SHOWN = (Status.SENT.value, Status.SKIPPED.value, Status.FAILED.value)


def _mine() -> sa.Select[Notification]:
    return sa.select(Notification).where(
        Notification.user_id == current_user.id,
        Notification.status.in_(SHOWN),
        Notification.due_at <= utcnow(),
    )


def unread_count() -> int:
    """How many reminders the current user hasn't opened."""
    if not current_user.is_authenticated:
        return 0
    query = _mine().where(Notification.read_at.is_(None)).with_only_columns(sa.func.count())
    return db.session.scalar(query) or 0


@bp.get("")
@login_required
def index() -> str:
    items = db.session.scalars(_mine().order_by(Notification.due_at.desc()).limit(50)).all()
    return render_template("notifications.html", items=items, button=ConfirmForm(formdata=None))


@bp.post("/<int:notification_id>/open")
@login_required
def open_one(notification_id: int) -> Any:
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != current_user.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        outbox.mark_read(db.session, current_user, note.id)
        db.session.commit()
    return redirect(note.url, 303)


@bp.post("/read")
@login_required
def read_all() -> Any:
    if ConfirmForm().validate_on_submit():
        outbox.mark_read(db.session, current_user)
        db.session.commit()
    return redirect(url_for("notifications.index"), 303)
