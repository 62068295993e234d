"""After a meetup: who came and the format that ran (facilitator or host), and how it felt."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, get_flashed_messages, redirect, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # stubs lag 3.3

from circles.errors import wants_json
from circles.extensions import db
from circles.forms.meetups import AttendanceForm, FeelingForm
from circles.models.base import utcnow
from circles.models.user import User
from circles.services.buddies import pairing
from circles.services.circles import membership as rules
from circles.services.meetups import attendance, formats, live
from circles.services.meetups.board import OccurrenceView, board
from circles.services.meetups.series import Occurrence
from circles.views.access import CircleAccess, occurrence_or_404
from circles.views.helpers import attempt

bp = Blueprint("meetup_runs", __name__, url_prefix="/circles/<int:circle_id>/meetups")


def _attendance_form(
    occurrence: Occurrence, view: OccurrenceView, submitted: bool = False
) -> AttendanceForm:
    form = AttendanceForm() if submitted else AttendanceForm(formdata=None)
    members = rules.members_of(db.session, occurrence.circle_id)
    form.present.choices = [SelectChoice(user.id, user.display_name) for _m, user in members]
    if not submitted:
        run = attendance.run_of(db.session, occurrence)
        came = attendance.present_ids(db.session, run) if run else {u.id for u in view.going}
        form.present.data = sorted(came)
        form.format.data = run.format if run else occurrence.meeting_format.key
    return form


def page_context(
    access: CircleAccess, occurrence: Occurrence, view: OccurrenceView
) -> dict[str, Any]:
    """What the meetup page shows once the meetup has begun."""
    if occurrence.cancelled or occurrence.start - attendance.EARLY_START > utcnow():
        return {"run": None, "may_record": False, "was_there": False}
    run = attendance.run_of(db.session, occurrence)
    was_there = run is not None and current_user.id in attendance.present_ids(db.session, run)
    return {
        "run": run,
        "run_format_name": formats.get(run.format).name if run else "",
        "run_present_count": len(attendance.present_ids(db.session, run)) if run else 0,
        "may_record": live.may_run(view, current_user, access.me.is_host),
        "attendance_form": _attendance_form(occurrence, view),
        "was_there": was_there,
        "my_feeling": attendance.my_feeling(db.session, run, current_user)
        if was_there and run
        else None,
        "feeling_counts": attendance.feeling_counts(db.session, run)
        if run is not None and access.me.is_host
        else None,
        "feeling_form": FeelingForm(formdata=None),
        "checkin_with": _checkin_with(access, view) if was_there else [],
    }


def _checkin_with(access: CircleAccess, view: OccurrenceView) -> list[User]:
    """Whom "I'd like a check-in after this" can go to: the facilitator and my buddies."""
    people = [view.facilitator] if view.facilitator is not None else []
    people += pairing.my_buddies(db.session, access.circle, current_user)
    unique = {person.id: person for person in people if person.id != current_user.id}
    return list(unique.values())


def _back(occurrence: Occurrence, anchor: str) -> Any:
    return redirect(
        url_for(
            "meetups.show",
            circle_id=occurrence.circle_id,
            series_id=occurrence.series.id,
            key=occurrence.key,
            _anchor=anchor,
        ),
        303,
    )


@bp.post("/<int:series_id>/<occurrence:key>/attendance")
@login_required
def record(circle_id: int, series_id: int, key: str) -> Any:
    access, occurrence = occurrence_or_404(circle_id, series_id, key)
    (view,) = board(db.session, [occurrence], current_user)
    if not live.may_run(view, current_user, access.me.is_host):
        abort(403)
    form = _attendance_form(occurrence, view, submitted=True)
    if not form.validate_on_submit():
        abort(400, "Tick the members who were there.")
    done = attempt(
        lambda: attendance.record(
            db.session,
            occurrence,
            current_user,
            form.present.data or [],
            utcnow(),
            form.format.data,
        ),
        "Saved: who came and the format that ran.",
    )
    if wants_json():
        # The meetup screen sends its end with fetch: say the outcome, not a page that ate it.
        if done is None:
            said = get_flashed_messages()
            return {"error": said[-1] if said else "That couldn't be saved."}, 409
        return {"saved": True, "url": _back(occurrence, "after-heading").location}
    return _back(occurrence, "after-heading")


@bp.post("/<int:series_id>/<occurrence:key>/feeling")
@login_required
def feeling(circle_id: int, series_id: int, key: str) -> Any:
    _access, occurrence = occurrence_or_404(circle_id, series_id, key)
    run = attendance.run_of(db.session, occurrence)
    form = FeelingForm()
    if run is None or not form.validate_on_submit():
        abort(400)
    attempt(
        lambda: attendance.feel(db.session, run, current_user, form.feeling.data or "", utcnow()),
        "Thank you. Only counts are shown, and only from three answers.",
    )
    return _back(occurrence, "after-heading")
