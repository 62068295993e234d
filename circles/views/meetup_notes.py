"""An occurrence's prompt (set by hosts) and each member's private prep note."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user, login_required

from circles.extensions import db
from circles.forms.prompts import AssignPromptForm, PrepNoteForm
from circles.models.base import utcnow
from circles.models.prompt import DeckPrompt
from circles.services.meetups import prep_notes
from circles.services.prompts import deck as prompts
from circles.views.access import occurrence_or_404

bp = Blueprint("meetup_notes", __name__, url_prefix="/circles/<int:circle_id>/meetups")


def assign_form(circle_id: int, current: int | None) -> AssignPromptForm:
    """The host's prompt picker, filled with the circle's deck."""
    form = AssignPromptForm(formdata=None, prompt_id=current or 0)
    _fill_choices(form, circle_id)
    return form


def _fill_choices(form: AssignPromptForm, circle_id: int) -> None:
    entries = prompts.deck(db.session, circle_id, None)
    form.prompt_id.choices = [(0, "No prompt")] + [
        (e.prompt.id, e.prompt.text[:90] + ("…" if len(e.prompt.text) > 90 else ""))
        for e in entries
    ]


def _back(circle_id: int, series_id: int, key: str, anchor: str) -> Any:
    return redirect(
        url_for("meetups.show", circle_id=circle_id, series_id=series_id, key=key, _anchor=anchor),
        303,
    )


@bp.post("/<int:series_id>/<occurrence:key>/prompt")
@login_required
def assign(circle_id: int, series_id: int, key: str) -> Any:
    _access, occurrence = occurrence_or_404(circle_id, series_id, key, host=True)
    form = AssignPromptForm()
    _fill_choices(form, circle_id)
    if not form.validate_on_submit():
        abort(400)
    prompt = db.session.get(DeckPrompt, form.prompt_id.data) if form.prompt_id.data else None
    prompts.assign(db.session, occurrence, prompt)
    if prompt is not None:
        prompts.announce(db.session, occurrence, utcnow())
    db.session.commit()
    flash("The prompt for this meetup is set." if prompt else "No prompt for this meetup.", "info")
    return _back(circle_id, series_id, key, "prompt")


@bp.post("/<int:series_id>/<occurrence:key>/note")
@login_required
def note(circle_id: int, series_id: int, key: str) -> Any:
    _access, occurrence = occurrence_or_404(circle_id, series_id, key)
    form = PrepNoteForm()
    if not form.validate_on_submit():
        flash(" ".join(form.body.errors) or "That note couldn't be saved.", "warn")
        return _back(circle_id, series_id, key, "note")
    prep_notes.save_note(db.session, occurrence, current_user, form.body.data or "")
    db.session.commit()
    flash("Your note is saved. Only you can see it.", "success")
    return _back(circle_id, series_id, key, "note")
