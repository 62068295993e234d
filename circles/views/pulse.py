"""The circle safety pulse (members) and the buddy setting (hosts)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user, login_required

from circles.errors import rerender_on_csrf_error
from circles.extensions import db
from circles.forms.pulse import BuddiesForm, BuddyMetForm, PulseForm
from circles.models.base import utcnow
from circles.services.buddies import operations as buddy_actions
from circles.services.buddies import pairing
from circles.services.pulse import operations as pulse_actions
from circles.services.pulse import results as pulse
from circles.timezones import local_date
from circles.views.access import circle_or_404
from circles.views.helpers import attempt, render_form

bp = Blueprint("pulse", __name__, url_prefix="/circles/<int:circle_id>")


@bp.route("/pulse", methods=["GET", "POST"])
@login_required
@rerender_on_csrf_error
def answer(circle_id: int) -> Any:
    access = circle_or_404(circle_id)
    today = local_date(utcnow(), current_user.time_zone)
    done = pulse.answered_this_month(db.session, circle_id, current_user, today)
    form = PulseForm()
    if not done and form.validate_on_submit():
        attempt(
            lambda: pulse_actions.answer_pulse(
                db.session, circle_id, current_user, form.answers(), today
            ),
            "Thank you. Your answers count only in the circle's average.",
        )
        return redirect(url_for("circles.show", circle_id=circle_id, _anchor="pulse"), 303)
    return render_form("pulse/answer.html", circle=access.circle, form=form, done=done)


def _buddies_said(on: bool, short_by: int) -> str:
    if not on:
        return "Buddies are off."
    if short_by == 0:
        return "Buddies are on: everyone has been paired."
    people = "one more person has" if short_by == 1 else "two more people have"
    return f"Buddies are on. Pairs are made once {people} joined."


@bp.post("/host/buddies")
@login_required
def set_buddies(circle_id: int) -> Any:
    access = circle_or_404(circle_id, host=True)
    form = BuddiesForm()
    if form.validate_on_submit():
        result = attempt(
            lambda: buddy_actions.set_buddies(
                db.session, access.circle, bool(form.on.data), utcnow(), form.period_days.data or 14
            ),
            None,
        )
        if result is not None:
            flash(_buddies_said(bool(form.on.data), result.value.short_by), "info")
    return redirect(url_for("hosting.manage", circle_id=circle_id, _anchor="buddies"), 303)


@bp.post("/buddies/met")
@login_required
def buddy_met(circle_id: int) -> Any:
    access = circle_or_404(circle_id)
    form = BuddyMetForm()
    if not form.validate_on_submit():
        abort(400)
    answer = form.answer.data or ""
    done = attempt(
        lambda: buddy_actions.answer_met(db.session, access.circle, current_user, answer, utcnow()),
        {"yes": "Good to hear.", "skip": "Skipped."}.get(answer),
        "info",
    )
    if done is not None and answer == "not_yet":
        mine = pairing.my_buddies(db.session, access.circle, current_user)
        if mine:  # "not yet" leads straight to proposing a time
            return redirect(
                url_for("checkin_requests.propose", circle_id=circle_id, with_user_id=mine[0].id),
                303,
            )
    return redirect(url_for("circles.show", circle_id=circle_id, _anchor="buddy-heading"), 303)
