"""Presenting at a meetup: volunteering or being asked, the private prep, notes for them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # stubs lag 3.3

from circles.errors import rerender_on_csrf_error
from circles.extensions import db
from circles.forms.circles import ConfirmForm
from circles.forms.presenting import (
    AskToPresentForm,
    PrepForm,
    PresentAnswerForm,
    PresenterNoteForm,
)
from circles.models.base import utcnow
from circles.services.circles import membership as rules
from circles.services.meetups import attendance, presenting
from circles.services.meetups.series import Occurrence
from circles.views.access import CircleAccess, occurrence_or_404
from circles.views.helpers import attempt, attempt_form, render_form, safe_next

bp = Blueprint("presenting", __name__, url_prefix="/circles/<int:circle_id>/meetups")


def _ask_form(circle_id: int, submitted: bool = False) -> AskToPresentForm:
    form = AskToPresentForm() if submitted else AskToPresentForm(formdata=None)
    form.member_id.choices = [
        SelectChoice(user.id, user.display_name)
        for _m, user in rules.members_of(db.session, circle_id)
    ]
    return form


def page_context(access: CircleAccess, occurrence: Occurrence) -> dict[str, Any]:
    """What the meetup page shows about presenting (Forum and Case formats only)."""
    if not occurrence.meeting_format.has_presenter or occurrence.cancelled:
        return {"presenting": None}
    found = presenting.presenter_of(db.session, occurrence)
    mine = found is not None and found.user.id == current_user.id
    now = utcnow()
    return {
        "presenting": {
            "presenter": found,
            "mine": mine,
            "open": occurrence.end > now,
            "ask_form": _ask_form(access.circle.id) if access.me.is_host else None,
            "note_form": PresenterNoteForm(formdata=None)
            if found is not None and found.presenting and not mine
            else None,
            "notes_open": presenting.notes_open(occurrence, now),
            "notes_for_me": len(presenting.notes_for(db.session, occurrence, current_user)),
        }
    }


def _back(occurrence: Occurrence) -> Any:
    fallback = url_for(
        "meetups.show",
        circle_id=occurrence.circle_id,
        series_id=occurrence.series.id,
        key=occurrence.key,
        _anchor="presenting-heading",
    )
    return redirect(safe_next(request.args.get("next")) or fallback, 303)


@bp.post("/<int:series_id>/<occurrence:key>/presenter/volunteer")
@login_required
def volunteer(circle_id: int, series_id: int, key: str) -> Any:
    _access, occurrence = occurrence_or_404(circle_id, series_id, key)
    if ConfirmForm().validate_on_submit():
        attempt(
            lambda: presenting.volunteer(db.session, occurrence, current_user, utcnow()),
            "You're presenting at this meetup. Your prep is private to you.",
        )
    return _back(occurrence)


@bp.post("/<int:series_id>/<occurrence:key>/presenter/ask")
@login_required
def ask(circle_id: int, series_id: int, key: str) -> Any:
    _access, occurrence = occurrence_or_404(circle_id, series_id, key, host=True)
    form = _ask_form(circle_id, submitted=True)
    if not form.validate_on_submit():
        abort(400, "Choose a member of the circle.")
    done = attempt(
        lambda: presenting.ask(
            db.session, occurrence, current_user, form.member_id.data or 0, utcnow()
        ),
        None,
    )
    if done is not None:
        asked = done.value
        flash(
            "You're presenting at this meetup."
            if asked.id == current_user.id
            else f"Asked {asked.display_name}. They'll answer yes or no.",
            "success",
        )
    return _back(occurrence)


@bp.post("/<int:series_id>/<occurrence:key>/presenter/answer")
@login_required
def answer(circle_id: int, series_id: int, key: str) -> Any:
    _access, occurrence = occurrence_or_404(circle_id, series_id, key)
    form = PresentAnswerForm()
    if not form.validate_on_submit():
        abort(400, "Answer yes or no.")
    accept = form.answer.data == "yes"
    attempt(
        lambda: presenting.answer(db.session, occurrence, current_user, accept, utcnow()),
        "Thank you. You're presenting; your prep is private to you."
        if accept
        else "Thanks for saying. Nobody else is told you were asked.",
    )
    return _back(occurrence)


@bp.post("/<int:series_id>/<occurrence:key>/presenter/step-back")
@login_required
def step_back(circle_id: int, series_id: int, key: str) -> Any:
    access, occurrence = occurrence_or_404(circle_id, series_id, key)
    if ConfirmForm().validate_on_submit():
        attempt(
            lambda: presenting.step_back(
                db.session, occurrence, current_user, host=access.me.is_host
            ),
            "Nobody is presenting at this meetup now.",
            "info",
        )
    return _back(occurrence)


@bp.route("/<int:series_id>/<occurrence:key>/my-prep-to-present", methods=["GET", "POST"])
@login_required
@rerender_on_csrf_error
def prep(circle_id: int, series_id: int, key: str) -> Any:
    access, occurrence = occurrence_or_404(circle_id, series_id, key)
    mine = presenting.my_prep(db.session, occurrence, current_user)
    if not presenting.is_presenter(db.session, occurrence, current_user) and mine is None:
        abort(404)  # the prep page exists only for the presenter, and shows only their own
    form = PrepForm(obj=mine) if request.method == "GET" else PrepForm()
    if form.validate_on_submit():
        answers = presenting.Prep(
            situation=form.situation.data or "",
            meaning=form.meaning.data or "",
            tried=form.tried.data or "",
            wanted=form.wanted.data or "",
            not_wanted=form.not_wanted.data or "",
            on_screen=bool(form.on_screen.data),
        )
        if attempt_form(
            lambda: presenting.save_prep(db.session, occurrence, current_user, answers),
            form,
            "situation",
            "Your prep is saved. The facilitator's screen shows it at your step; no one else's."
            if answers.on_screen
            else "Your prep is saved. Only you see it.",
        ):
            return redirect(request.path, 303)
    return render_form(
        "meetups/prep_to_present.html", form=form, circle=access.circle, occurrence=occurrence
    )


@bp.post("/<int:series_id>/<occurrence:key>/notes-for-presenter")
@login_required
def send_note(circle_id: int, series_id: int, key: str) -> Any:
    _access, occurrence = occurrence_or_404(circle_id, series_id, key)
    form = PresenterNoteForm()
    if not form.validate_on_submit():
        message = next(iter(form.errors.values()), ["Write a note first."])
        abort(400, str(message[0]) if isinstance(message, list) else "Write a note first.")
    attempt(
        lambda: presenting.send_note(
            db.session, occurrence, current_user, form.body.data or "", utcnow()
        ),
        "Sent. Only the presenter will read it; it isn't shown to you again.",
    )
    return _back(occurrence)


@bp.get("/<int:series_id>/<occurrence:key>/notes-for-me")
@login_required
def notes_for_me(circle_id: int, series_id: int, key: str) -> Any:
    access, occurrence = occurrence_or_404(circle_id, series_id, key)
    notes = presenting.notes_for(db.session, occurrence, current_user)
    if not notes and not presenting.is_presenter(db.session, occurrence, current_user):
        abort(404)
    # Read afterwards: not while presenting, so the notes wait until the meetup is over.
    over = occurrence.end <= utcnow() or attendance.run_of(db.session, occurrence) is not None
    return render_template(
        "meetups/notes_for_me.html",
        notes=notes if over else [],
        waiting=0 if over else len(notes),
        circle=access.circle,
        occurrence=occurrence,
        button=ConfirmForm(formdata=None),
    )


@bp.post("/<int:series_id>/<occurrence:key>/notes-for-me/<int:note_id>/delete")
@login_required
def delete_note(circle_id: int, series_id: int, key: str, note_id: int) -> Any:
    _access, occurrence = occurrence_or_404(circle_id, series_id, key)
    if ConfirmForm().validate_on_submit():
        attempt(lambda: presenting.delete_note(db.session, current_user, note_id), "Deleted.")
    return redirect(
        url_for(
            "presenting.notes_for_me",
            circle_id=circle_id,
            series_id=series_id,
            key=occurrence.key,
        ),
        303,
    )
