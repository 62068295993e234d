"""The in-app list of reminders: for people without push, or who missed one."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from circles.extensions import db
from circles.forms.circles import ConfirmForm
from circles.models.base import utcnow
from circles.services.reminders import inbox
from circles.services.reminders import operations as reminder_actions
from circles.views.helpers import attempt

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("")
@login_required
def index() -> str:
    items = inbox.latest(db.session, current_user, utcnow())
    return render_template("notifications.html", items=items, button=ConfirmForm(formdata=None))


@bp.post("/<int:notification_id>/open")
@login_required
def open_one(notification_id: int) -> Any:
    note = inbox.one_of(db.session, current_user, notification_id)
    if note is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        attempt(lambda: reminder_actions.mark_read(db.session, current_user, note.id), None)
    return redirect(note.url, 303)


@bp.post("/read")
@login_required
def read_all() -> Any:
    if ConfirmForm().validate_on_submit():
        attempt(lambda: reminder_actions.mark_read(db.session, current_user), None)
    return redirect(url_for("notifications.index"), 303)
