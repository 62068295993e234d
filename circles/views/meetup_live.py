"""The facilitator's screen for the meetup itself ("Run this meetup"); members may follow it."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from circles.extensions import db
from circles.forms.presenting import PresenterNoteForm
from circles.models.base import utcnow
from circles.services.meetups import attendance, live, presenting
from circles.services.meetups.board import board
from circles.services.prompts import deck as prompts
from circles.views.access import occurrence_or_404

bp = Blueprint("meetup_live", __name__, url_prefix="/circles/<int:circle_id>/meetups")


@bp.get("/<int:series_id>/<occurrence:key>/run")
@login_required
def run(circle_id: int, series_id: int, key: str) -> str:
    access, occurrence = occurrence_or_404(circle_id, series_id, key)
    (view,) = board(db.session, [occurrence], current_user)
    assignment = prompts.assignment_for(db.session, occurrence)
    screen = live.screen(
        db.session,
        view,
        current_user,
        is_host=access.me.is_host,
        prompt=assignment.text if assignment else None,
        now=utcnow(),
    )
    may_note = (
        screen.presenter is not None
        and screen.presenter.id != current_user.id
        and presenting.notes_open(occurrence, utcnow())
    )
    return render_template(
        "meetups/run.html",
        circle=access.circle,
        occurrence=occurrence,
        screen=screen,
        note_form=PresenterNoteForm(formdata=None) if may_note else None,
        cancelled=occurrence.cancelled,
        too_early=occurrence.start - attendance.EARLY_START > utcnow(),
    )
