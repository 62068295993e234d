"""Check-in requests: propose a call, coffee or messages to a member, and answer one."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from circles.extensions import db
from circles.forms.checkins import CheckinRequestForm, ChoiceError, RequestAnswerForm
from circles.forms.circles import ConfirmForm
from circles.forms.fields import add_error
from circles.models.base import utcnow
from circles.models.checkin import CheckinRequest, RequestWay
from circles.models.user import User
from circles.services.checkins import requests as checkin_requests
from circles.services.circles.membership import membership
from circles.timezones import wall_time_to_utc
from circles.views.access import circle_or_404
from circles.views.helpers import attempt, attempt_form

bp = Blueprint("checkin_requests", __name__)


def _other_member(circle_id: int, other_id: int) -> User:
    """The member named in the address, in this circle and not me; 404 otherwise."""
    if other_id == current_user.id:
        abort(404)
    if membership(db.session, circle_id, other_id) is None:
        abort(404)
    other = db.session.get(User, other_id)
    if other is None:
        abort(404)
    return other


def _propose(form: CheckinRequestForm, make: Any) -> Any:
    """Validate the times, then run `make(way, utc_times)`; the form again with why, or None."""
    if not form.validate_on_submit():
        return None
    try:
        local = form.local_times()
    except ChoiceError as refused:
        add_error(refused.field, str(refused))
        return None
    times = [wall_time_to_utc(moment, current_user.time_zone) for moment in local]
    return attempt_form(lambda: make(RequestWay(form.way.data), times), form, "date1", None)


@bp.route("/circles/<int:circle_id>/checkins/propose/<int:with_user_id>", methods=["GET", "POST"])
@login_required
def propose(circle_id: int, with_user_id: int) -> Any:
    access = circle_or_404(circle_id)
    other = _other_member(circle_id, with_user_id)
    form = CheckinRequestForm()
    done = _propose(
        form,
        lambda way, times: checkin_requests.propose(
            db.session, circle_id, current_user, other.id, way, times, utcnow()
        ),
    )
    if done is not None:
        flash(f"Sent. {other.display_name} will see it on Today.", "success")
        return redirect(url_for("main.index"), 303)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "checkins/propose.html", form=form, other=other, circle=access.circle, answering=None
    ), status


def _mine(request_id: int) -> CheckinRequest:
    try:
        return checkin_requests.find(db.session, request_id, current_user)
    except LookupError:
        abort(404)


@bp.route("/checkins/requests/<int:request_id>/counter", methods=["GET", "POST"])
@login_required
def counter(request_id: int) -> Any:
    asked = _mine(request_id)
    if asked.to_user_id != current_user.id:
        abort(404)
    form = CheckinRequestForm(data={"way": asked.way} if request.method == "GET" else None)
    done = _propose(
        form,
        lambda way, times: checkin_requests.counter(
            db.session, asked, current_user, way, times, utcnow()
        ),
    )
    if done is not None:
        flash(f"Sent. {asked.from_user.display_name} will see your times.", "success")
        return redirect(url_for("main.index"), 303)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "checkins/propose.html",
        form=form,
        other=asked.from_user,
        circle=None,
        answering=asked,
    ), status


@bp.post("/checkins/requests/<int:request_id>/accept")
@login_required
def accept(request_id: int) -> Any:
    asked = _mine(request_id)
    form = RequestAnswerForm()
    if not form.validate_on_submit() or (form.time.data or 0) >= len(asked.times):
        abort(400)
    chosen = asked.times[form.time.data or 0]
    attempt(
        lambda: checkin_requests.accept(db.session, asked, current_user, chosen, utcnow()),
        "Agreed. You'll both get a reminder an hour before.",
    )
    return redirect(url_for("main.index", _anchor="checkins"), 303)


def _answer(request_id: int, action: Any, said: str) -> Any:
    """Run a confirmed answer (`action(request, user, now)`) and go back to Today."""
    asked = _mine(request_id)
    if ConfirmForm().validate_on_submit():
        attempt(lambda: action(db.session, asked, current_user, utcnow()), said, "info")
    return redirect(url_for("main.index", _anchor="checkins"), 303)


@bp.post("/checkins/requests/<int:request_id>/not-now")
@login_required
def not_now(request_id: int) -> Any:
    return _answer(request_id, checkin_requests.not_now, "Answered: not now. That's fine.")


@bp.post("/checkins/requests/<int:request_id>/withdraw")
@login_required
def withdraw(request_id: int) -> Any:
    return _answer(request_id, checkin_requests.withdraw, "Taken back.")
