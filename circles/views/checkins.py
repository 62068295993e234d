"""Check-in signals in a circle: raise or withdraw mine, answer a peer's, close the loop."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user, login_required

from circles.extensions import db
from circles.forms.checkins import CheckedInForm, SignalForm
from circles.forms.circles import ConfirmForm
from circles.models.base import utcnow
from circles.models.checkin import CheckinSignal, SignalKind
from circles.services.checkins import operations as checkin_actions
from circles.views.access import circle_or_404, in_circle_or_404
from circles.views.helpers import attempt, safe_next

bp = Blueprint("checkins", __name__, url_prefix="/circles/<int:circle_id>/checkins")

RAISED = {
    SignalKind.CHECKIN: "Your circle can see you could use a check-in, for the next 3 days.",
    SignalKind.MEETUP_TIME: "Your circle knows you'd like some time at the next meetup.",
}


def _back(circle_id: int) -> Any:
    return redirect(
        safe_next(request.args.get("next")) or url_for("circles.show", circle_id=circle_id), 303
    )


@bp.post("/signal")
@login_required
def signal(circle_id: int) -> Any:
    circle_or_404(circle_id)
    form = SignalForm()
    if not form.validate_on_submit():
        abort(400)
    kind = SignalKind(form.kind.data)
    if form.action.data == "raise":
        attempt(
            lambda: checkin_actions.raise_signal(
                db.session, circle_id, current_user, utcnow(), kind
            ),
            RAISED[kind],
        )
    else:
        attempt(
            lambda: checkin_actions.withdraw_signal(
                db.session, circle_id, current_user, kind, utcnow()
            ),
            "Taken back.",
            "info",
        )
    return _back(circle_id)


@bp.post("/<int:signal_id>/answer")
@login_required
def answer(circle_id: int, signal_id: int) -> Any:
    access = circle_or_404(circle_id)
    signal = in_circle_or_404(CheckinSignal, signal_id, access)
    if ConfirmForm().validate_on_submit():
        attempt(
            lambda: checkin_actions.answer_signal(db.session, signal, current_user, utcnow()),
            "Thank you. They'll see you're reaching out.",
        )
    return _back(circle_id)


@bp.post("/checked-in")
@login_required
def checked_in(circle_id: int) -> Any:
    circle_or_404(circle_id)
    form = CheckedInForm()
    if not form.validate_on_submit():
        abort(400)
    attempt(
        lambda: checkin_actions.record_checkin(
            db.session, circle_id, current_user, form.member.data or 0, utcnow()
        ),
        "Noted. Thank you for checking in.",
    )
    return _back(circle_id)
