"""The private load log: log a 1:1 in two taps, see the load and its arc, edit entries."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from circles.errors import rerender_on_csrf_error
from circles.extensions import db
from circles.forms.circles import ConfirmForm
from circles.forms.load import (
    INTENSITY_WORDS,
    ArcStartForm,
    BurnoutForm,
    EntryForm,
    LoadSettingsForm,
    LogForm,
)
from circles.models.base import utcnow
from circles.models.load import LoadEntry
from circles.services.load import burnout, curve
from circles.services.load import checks as burnout_checks
from circles.services.load import log as load
from circles.services.load import operations as load_actions
from circles.views.helpers import attempt, attempt_form, render_form

bp = Blueprint("load", __name__)


def _day_from_query() -> date | None:
    raw = request.args.get("day")
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(400)


def _log_page(form: LogForm, day: date | None) -> Any:
    return render_form(
        "load/log.html",
        form=form,
        day=day,
        today=load.today_for(current_user, utcnow()),
        words=INTENSITY_WORDS,
        client_id=str(uuid.uuid4()),
    )


@bp.get("/log")
@login_required
def log() -> Any:
    """ "How heavy was it?" — opened from a reminder with ?day=, it logs for that day."""
    return _log_page(LogForm(formdata=None), _day_from_query())


@bp.post("/log")
@login_required
@rerender_on_csrf_error
def save() -> Any:
    form = LogForm()
    if form.validate_on_submit():
        done = attempt_form(
            lambda: load_actions.log_entry(
                db.session,
                current_user,
                client_id=form.client_id.data or "",
                intensity=form.intensity.data or 0,
                now=utcnow(),
                day=form.day.data,
            ),
            form,
            "day",
            None,
        )
        if done:
            entry, created = done.value
            if request.accept_mimetypes.best == "application/json":
                return {"id": entry.id, "created": created}, 201 if created else 200
            return redirect(url_for("load.logged", entry_id=entry.id), 303)
    if request.accept_mimetypes.best == "application/json":
        return {"errors": form.errors}, 400
    return _log_page(form, form.day.data)


def _own_entry_or_404(entry_id: int) -> LoadEntry:
    entry = load.entry_of(db.session, current_user, entry_id)
    if entry is None:
        abort(404)  # someone else's entry does not exist, as far as anyone else can tell
    return entry


def _entry_form(entry: LoadEntry) -> EntryForm:
    form = EntryForm(
        formdata=None,
        intensity=entry.intensity,
        day=entry.local_date,
        minutes=entry.minutes,
        tags=entry.tag_list,
    )
    return form


@bp.get("/log/<int:entry_id>")
@login_required
def logged(entry_id: int) -> str:
    entry = _own_entry_or_404(entry_id)
    return render_template(
        "load/logged.html",
        entry=entry,
        word=INTENSITY_WORDS[entry.intensity],
        form=_entry_form(entry),
        button=ConfirmForm(formdata=None),
    )


@bp.post("/log/<int:entry_id>")
@login_required
@rerender_on_csrf_error
def update(entry_id: int) -> Any:
    entry = _own_entry_or_404(entry_id)
    form = EntryForm()
    if form.validate_on_submit():
        saved = attempt_form(
            lambda: load_actions.edit_entry(
                db.session,
                entry,
                current_user,
                intensity=form.intensity.data or entry.intensity,
                day=form.day.data or entry.local_date,
                minutes=form.minutes.data,
                tags=form.tags.data or [],
                now=utcnow(),
            ),
            form,
            "day",
            "Saved.",
        )
        if saved:
            return redirect(url_for("load.overview"), 303)
    return render_form(
        "load/logged.html",
        entry=entry,
        word=INTENSITY_WORDS[entry.intensity],
        form=form,
        button=ConfirmForm(formdata=None),
    )


@bp.post("/log/<int:entry_id>/delete")
@login_required
def delete(entry_id: int) -> Any:
    entry = _own_entry_or_404(entry_id)
    if ConfirmForm().validate_on_submit():
        attempt(lambda: load_actions.delete_entry(db.session, entry), "Removed.", "info")
    return redirect(safe_back(), 303)


def safe_back() -> str:
    return url_for("load.log") if request.args.get("undo") else url_for("load.overview")


def _burnout_context(board: load.Dashboard, form: BurnoutForm | None = None) -> dict[str, Any]:
    checks = burnout_checks.latest(db.session, current_user, 1)
    return {
        "burnout_form": form or BurnoutForm(formdata=None),
        "last_check": checks[0] if checks else None,
        "burnout_answers": burnout.ANSWERS,
        "needs_help_now": bool(checks) and burnout.needs_help_now(checks[0].answer),
        "arc_start_form": ArcStartForm(formdata=None, started_on=current_user.arc_started_on),
        "curve": curve.reading(board.arc, board.today, current_user.arc_started_on),
    }


def _overview(
    settings: LoadSettingsForm | None = None, burnout_form: BurnoutForm | None = None
) -> tuple[str, int]:
    """My load, with a form that was just refused kept as it was filled in (then a 400)."""
    board = load.dashboard(db.session, current_user, utcnow())
    return render_form(
        "load/overview.html",
        board=board,
        entries=load.recent(db.session, current_user),
        words=INTENSITY_WORDS,
        settings=settings
        or LoadSettingsForm(
            formdata=None,
            typical_week=current_user.typical_week,
            load_threshold=current_user.load_threshold,
        ),
        **_burnout_context(board, burnout_form),
    )


@bp.get("/load")
@login_required
def overview() -> tuple[str, int]:
    return _overview()


@bp.post("/load/burnout")
@login_required
def burnout_check() -> Any:
    form = BurnoutForm()
    if form.validate_on_submit():
        done = attempt_form(
            lambda: burnout_checks.record(
                db.session, current_user, form.answer.data or 0, utcnow()
            ),
            form,
            "answer",
            "Saved. Only you see this.",
        )
        if done:
            return redirect(url_for("load.overview", _anchor="burnout-heading"), 303)
    return _overview(burnout_form=form)


@bp.post("/load/settings")
@login_required
def settings() -> Any:
    form = LoadSettingsForm()
    if form.validate_on_submit():
        saved = attempt_form(
            lambda: load_actions.save_settings(
                db.session,
                current_user,
                typical_week=form.typical_week.data,
                threshold=form.load_threshold.data,
            ),
            form,
            "typical_week",
            "Saved.",
        )
        if saved:
            return redirect(url_for("load.overview", _anchor="settings"), 303)
    return _overview(settings=form)


@bp.post("/load/nudge")
@login_required
def nudge() -> Any:
    if ConfirmForm().validate_on_submit():
        snooze = request.form.get("choice") == "snooze"
        attempt(
            lambda: load_actions.dismiss_nudge(
                db.session, current_user, utcnow(), snooze_week=snooze
            ),
            "Snoozed for a week." if snooze else "Okay. We won't show this again today.",
            "info",
        )
    return redirect(url_for("main.index"), 303)


@bp.post("/load/arc-start")
@login_required
def arc_start() -> Any:
    form = ArcStartForm()
    if not form.validate_on_submit():
        abort(400, "Choose a date, or leave it empty.")
    attempt(
        lambda: load_actions.set_arc_start(
            db.session, current_user, form.started_on.data, utcnow()
        ),
        "Saved.",
    )
    return redirect(url_for("load.overview", _anchor="curve-heading"), 303)
