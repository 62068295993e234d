"""An occurrence's prompt (set by hosts) and each member's private prep note."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user, login_required

from circles.extensions import db
from circles.forms.prompts import AssignPromptForm, PrepNoteForm
from circles.models.base import utcnow
from circles.services.meetups import operations as meetup_actions
from circles.services.prompts import deck as prompts
from circles.services.prompts import operations as prompt_actions
from circles.views.access import occurrence_or_404
from circles.views.helpers import attempt

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
    prompt = prompts.in_deck(db.session, circle_id, form.prompt_id.data)
    attempt(
        lambda: prompt_actions.assign_prompt(db.session, occurrence, prompt, utcnow()),
        "The prompt for this meetup is set." if prompt else "No prompt for this meetup.",
        "info",
    )
    return _back(circle_id, series_id, key, "prompt")


@bp.post("/<int:series_id>/<occurrence:key>/note")
@login_required
def note(circle_id: int, series_id: int, key: str) -> Any:
    _access, occurrence = occurrence_or_404(circle_id, series_id, key)
    form = PrepNoteForm()
    if not form.validate_on_submit():
        flash(" ".join(form.body.errors) or "That note couldn't be saved.", "warn")
        return _back(circle_id, series_id, key, "note")
    attempt(
        lambda: meetup_actions.save_prep_note(
            db.session, occurrence, current_user, form.body.data or ""
        ),
        "Your note is saved. Only you can see it.",
    )
    return _back(circle_id, series_id, key, "note")
