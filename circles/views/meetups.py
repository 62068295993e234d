"""Meetups: scheduling (hosts), an occurrence's page, RSVPs, cancelling, moving, editing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from circles.errors import rerender_on_csrf_error
from circles.extensions import db
from circles.forms.circles import ConfirmForm
from circles.forms.meetups import MeetupForm, MoveForm, OccurrenceFormatForm, RsvpForm
from circles.forms.prompts import PrepNoteForm
from circles.links import external_url
from circles.models.base import utcnow
from circles.models.checkin import SignalKind
from circles.models.meetup import Answer, MeetupSeries
from circles.services.checkins import meetup_time
from circles.services.checkins import signals as checkins
from circles.services.meetups import calendar as calendar_feed
from circles.services.meetups import formats, live, prep_notes
from circles.services.meetups import operations as meetup_actions
from circles.services.meetups import series as meetups
from circles.services.meetups.board import board
from circles.services.meetups.recurrence import Repeat
from circles.services.prompts import deck as prompts
from circles.timezones import local, skipped_to
from circles.views import meetup_runs, presenting
from circles.views.access import circle_or_404, in_circle_or_404, occurrence_or_404
from circles.views.calendar import conditional
from circles.views.helpers import attempt, attempt_form, render_form, safe_next
from circles.views.meetup_notes import assign_form

bp = Blueprint("meetups", __name__, url_prefix="/circles/<int:circle_id>/meetups")


def _plan(form: MeetupForm) -> meetups.Plan:
    if form.start_date.data is None or form.start_time.data is None:
        abort(400)  # InputRequired has run, so this cannot happen
    return meetups.Plan(
        start_date=form.start_date.data,
        start_time=form.start_time.data,
        duration_minutes=form.duration_minutes.data or 90,
        repeat=Repeat(form.repeat.data),
        place=form.place.data or "",
        video_url=form.video_url.data or "",
        rotate_facilitator=bool(form.rotate_facilitator.data),
        until_date=form.until_date.data,
        format=form.format.data or formats.DEFAULT_FORMAT,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
@rerender_on_csrf_error
def new(circle_id: int) -> Any:
    access = circle_or_404(circle_id, host=True)
    form = MeetupForm()
    if form.validate_on_submit():
        plan = _plan(form)
        done = attempt_form(
            lambda: meetup_actions.schedule_series(
                db.session, access.circle, current_user, plan, now=utcnow()
            ),
            form,
            "until_date",
            "Meetup scheduled. Everyone in the circle can see it now.",
        )
        if done:
            _note_skipped_time(
                datetime.combine(plan.start_date, plan.start_time), done.value.time_zone
            )
            first = meetups.next_occurrence(db.session, done.value, utcnow())
            if first is not None:
                return redirect(_occurrence_url(first), 303)
            return redirect(url_for("circles.show", circle_id=circle_id), 303)
    return render_form("meetups/form.html", form=form, circle=access.circle, occurrence=None)


def _note_skipped_time(wall: datetime, zone: str) -> None:
    """Tell the host when the clocks skip the chosen time that day: it moves on by the gap."""
    actual = skipped_to(wall, zone)
    if actual is not None:
        flash(
            f"The clocks go forward in {zone} on {wall:%-d %B %Y}: {wall:%H:%M} doesn't exist "
            f"that day, so it starts at {actual:%H:%M}.",
            "warn",
        )


def _occurrence_url(occurrence: meetups.Occurrence, endpoint: str = "meetups.show") -> str:
    return url_for(
        endpoint,
        circle_id=occurrence.circle_id,
        series_id=occurrence.series.id,
        key=occurrence.key,
    )


def _time_requests(circle_id: int, occurrence: meetups.Occurrence) -> list[checkins.SignalView]:
    """Requests for time at the next meetup that are for this one."""
    views = [
        v
        for v in checkins.active_signals(db.session, [circle_id], utcnow()).get(circle_id, [])
        if v.signal.kind == SignalKind.MEETUP_TIME.value
    ]
    targets = meetup_time.meetups_for(db.session, circle_id, [v.signal for v in views])
    return [v for v in views if targets.get(v.signal.id) == occurrence.ref]


@bp.get("/<int:series_id>/<occurrence:key>")
@login_required
def show(circle_id: int, series_id: int, key: str) -> str:
    access, occurrence = occurrence_or_404(circle_id, series_id, key)
    (view,) = board(db.session, [occurrence], current_user)
    assignment = prompts.assignment_for(db.session, occurrence)
    note = prep_notes.my_note(db.session, occurrence, current_user)
    return render_template(
        "meetups/show.html",
        assignment=assignment,
        note_form=PrepNoteForm(formdata=None, body=note.body if note else ""),
        assign_form=assign_form(circle_id, assignment.prompt_id if assignment else None)
        if access.me.is_host
        else None,
        circle=access.circle,
        me=access.me,
        view=view,
        occurrence=occurrence,
        rsvp_form=RsvpForm(formdata=None),
        button=ConfirmForm(formdata=None),
        format_form=OccurrenceFormatForm(formdata=None, format=occurrence.meeting_format.key),
        circle_time=local(occurrence.start, occurrence.series.time_zone),
        time_requests=_time_requests(circle_id, occurrence),
        viewer_time=local(occurrence.start, current_user.time_zone),
        **meetup_runs.page_context(access, occurrence, view),
        **presenting.page_context(access, occurrence),
        may_run=live.may_run(view, current_user, access.me.is_host),
    )


@bp.post("/<int:series_id>/<occurrence:key>/rsvp")
@login_required
def rsvp(circle_id: int, series_id: int, key: str) -> Any:
    _access, occurrence = occurrence_or_404(circle_id, series_id, key)
    form = RsvpForm()
    if not form.validate_on_submit():
        abort(400)
    attempt(
        lambda: meetup_actions.set_rsvp(
            db.session, occurrence, current_user, Answer(form.answer.data), utcnow()
        ),
        "Thanks, your answer is saved.",
    )
    return redirect(safe_next(request.args.get("next")) or _occurrence_url(occurrence), 303)


@bp.post("/<int:series_id>/<occurrence:key>/cancel")
@login_required
def cancel(circle_id: int, series_id: int, key: str) -> Any:
    _access, occurrence = occurrence_or_404(circle_id, series_id, key, host=True)
    if ConfirmForm().validate_on_submit():
        attempt(
            lambda: meetup_actions.cancel_occurrence(db.session, occurrence),
            "This meetup is cancelled. The others in the series stay as they are.",
            "info",
        )
    return redirect(_occurrence_url(occurrence), 303)


@bp.post("/<int:series_id>/<occurrence:key>/format")
@login_required
def set_format(circle_id: int, series_id: int, key: str) -> Any:
    _access, occurrence = occurrence_or_404(circle_id, series_id, key, host=True)
    form = OccurrenceFormatForm()
    if not form.validate_on_submit():
        abort(400, "Choose one of the formats.")
    attempt(
        lambda: meetup_actions.set_occurrence_format(db.session, occurrence, form.format.data),
        "This meetup's format is saved.",
    )
    return redirect(_occurrence_url(occurrence) + "#format-heading", 303)


@bp.post("/<int:series_id>/<occurrence:key>/restore")
@login_required
def restore(circle_id: int, series_id: int, key: str) -> Any:
    _access, occurrence = occurrence_or_404(circle_id, series_id, key, host=True)
    if ConfirmForm().validate_on_submit():
        attempt(
            lambda: meetup_actions.restore_occurrence(db.session, occurrence),
            "This meetup is back on.",
        )
    return redirect(_occurrence_url(occurrence), 303)


@bp.route("/<int:series_id>/<occurrence:key>/move", methods=["GET", "POST"])
@login_required
@rerender_on_csrf_error
def move(circle_id: int, series_id: int, key: str) -> Any:
    access, occurrence = occurrence_or_404(circle_id, series_id, key, host=True)
    form = MoveForm()
    if not form.is_submitted():
        start = local(occurrence.start, occurrence.series.time_zone)
        form.start_date.data, form.start_time.data = start.date(), start.time()
    if form.validate_on_submit():
        if form.start_date.data is None or form.start_time.data is None:
            abort(400)  # InputRequired has run, so this cannot happen
        new_start = datetime.combine(form.start_date.data, form.start_time.data)
        moved = attempt_form(
            lambda: meetup_actions.move_occurrence(db.session, occurrence, new_start, utcnow()),
            form,
            "start_date",
            "Moved. Members see the new time.",
        )
        if moved:
            _note_skipped_time(new_start, occurrence.series.time_zone)
            return redirect(_occurrence_url(occurrence), 303)
    return render_form("meetups/move.html", form=form, circle=access.circle, occurrence=occurrence)


@bp.route("/<int:series_id>/<occurrence:key>/edit", methods=["GET", "POST"])
@login_required
@rerender_on_csrf_error
def edit(circle_id: int, series_id: int, key: str) -> Any:
    access, occurrence = occurrence_or_404(circle_id, series_id, key, host=True)
    form = MeetupForm()
    if not form.is_submitted():
        plan = meetups.plan_of(occurrence.series)
        form.process(data=plan.__dict__ | {"repeat": plan.repeat.value})
        form.start_date.data = local(occurrence.original_start, occurrence.series.time_zone).date()
    if form.validate_on_submit():
        plan = _plan(form)
        saved = attempt_form(
            lambda: meetup_actions.edit_series_from(db.session, occurrence, plan, now=utcnow()),
            form,
            "until_date",
            "Saved. Earlier meetups stay as they were.",
        )
        if saved:
            _note_skipped_time(
                datetime.combine(plan.start_date, plan.start_time), saved.value.time_zone
            )
            return redirect(url_for("circles.show", circle_id=circle_id), 303)
    return render_form("meetups/form.html", form=form, circle=access.circle, occurrence=occurrence)


def _ics(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-cache"  # may keep it, but must ask (ETag)
    return conditional(response, body)


@bp.get("/<int:series_id>/<occurrence:key>/calendar.ics")
@login_required
def occurrence_calendar(circle_id: int, series_id: int, key: str) -> Response:
    _access, occurrence = occurrence_or_404(circle_id, series_id, key)
    body = calendar_feed.occurrence_ics(
        db.session,
        occurrence,
        external_url("meetups.show", circle_id=circle_id, series_id=series_id, key=key),
        utcnow(),
    )
    return _ics(body, "meetup.ics")


@bp.get("/<int:series_id>/calendar.ics")
@login_required
def series_calendar(circle_id: int, series_id: int) -> Response:
    access = circle_or_404(circle_id)
    series = in_circle_or_404(MeetupSeries, series_id, access)
    url = external_url("circles.show", circle_id=circle_id)
    body = calendar_feed.series_ics(
        db.session, [series], access.circle.name, {series.id: url}, utcnow()
    )
    return _ics(body, "meetups.ics")
