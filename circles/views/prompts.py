"""The circle's prompt deck and the built-in library."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from circles.errors import rerender_on_csrf_error
from circles.extensions import db
from circles.forms.circles import ConfirmForm
from circles.forms.prompts import PromptForm, RotationForm
from circles.models.base import utcnow
from circles.models.prompt import DeckPrompt
from circles.services.prompts import deck as prompts
from circles.services.prompts import operations as prompt_actions
from circles.views.access import CircleAccess, circle_or_404, in_circle_or_404
from circles.views.helpers import attempt, attempt_form, render_form

bp = Blueprint("prompts", __name__, url_prefix="/circles/<int:circle_id>/prompts")


def _deck_page(access: CircleAccess, form: PromptForm | None = None) -> Any:
    return render_form(
        "prompts/deck.html",
        circle=access.circle,
        me=access.me,
        entries=prompts.deck(db.session, access.circle.id, current_user.id, access.me.is_host),
        used=prompts.history(db.session, access.circle.id, utcnow()),
        form=form or PromptForm(formdata=None),
        rotation=RotationForm(formdata=None, on=access.circle.rotate_prompts),
        button=ConfirmForm(formdata=None),
    )


@bp.get("")
@login_required
def deck(circle_id: int) -> Any:
    return _deck_page(circle_or_404(circle_id))


@bp.post("")
@login_required
@rerender_on_csrf_error
def write(circle_id: int) -> Any:
    access = circle_or_404(circle_id)
    form = PromptForm()
    if form.validate_on_submit():
        written = attempt_form(
            lambda: prompt_actions.write_prompt(
                db.session,
                access.circle,
                current_user,
                form.text.data or "",
                anonymous=bool(form.anonymous.data),
            ),
            form,
            "text",
            "Added to the deck.",
        )
        if written:
            return redirect(url_for("prompts.deck", circle_id=circle_id), 303)
    return _deck_page(access, form)


@bp.get("/library")
@login_required
def library(circle_id: int) -> str:
    access = circle_or_404(circle_id)
    in_deck = {e.prompt.library_key for e in prompts.deck(db.session, circle_id, current_user.id)}
    return render_template(
        "prompts/library.html",
        circle=access.circle,
        grouped=prompts.library(db.session),
        categories=prompts.CATEGORIES,
        in_deck=in_deck,
        button=ConfirmForm(formdata=None),
    )


@bp.post("/library/<library_key>")
@login_required
def add_from_library(circle_id: int, library_key: str) -> Any:
    access = circle_or_404(circle_id)
    if ConfirmForm().validate_on_submit():
        attempt(
            lambda: prompt_actions.add_from_library(
                db.session, access.circle, library_key, current_user
            ),
            "Added to the deck.",
        )
    return redirect(
        url_for("prompts.library", circle_id=circle_id, _anchor=f"p-{library_key}"), 303
    )


@bp.route("/<int:prompt_id>/edit", methods=["GET", "POST"])
@login_required
@rerender_on_csrf_error
def edit(circle_id: int, prompt_id: int) -> Any:
    access = circle_or_404(circle_id)
    prompt = in_circle_or_404(DeckPrompt, prompt_id, access)
    if not prompts.can_edit(prompt, current_user.id):
        abort(403)
    form = PromptForm(obj=prompt)
    if form.validate_on_submit():
        saved = attempt_form(
            lambda: prompt_actions.edit_prompt(
                db.session, prompt, form.text.data or "", anonymous=bool(form.anonymous.data)
            ),
            form,
            "text",
            "Saved.",
        )
        if saved:
            return redirect(url_for("prompts.deck", circle_id=circle_id), 303)
    return render_form("prompts/edit.html", circle=access.circle, prompt=prompt, form=form)


@bp.post("/<int:prompt_id>/remove")
@login_required
def remove(circle_id: int, prompt_id: int) -> Any:
    access = circle_or_404(circle_id)
    prompt = in_circle_or_404(DeckPrompt, prompt_id, access)
    if not prompts.can_remove(prompt, current_user.id, access.me.is_host):
        abort(403)
    if ConfirmForm().validate_on_submit():
        attempt(
            lambda: prompt_actions.remove_prompt(db.session, prompt),
            "Removed from the deck.",
            "info",
        )
    return redirect(url_for("prompts.deck", circle_id=circle_id), 303)


@bp.post("/<int:prompt_id>/vote")
@login_required
def vote(circle_id: int, prompt_id: int) -> Any:
    access = circle_or_404(circle_id)
    prompt = in_circle_or_404(DeckPrompt, prompt_id, access)
    if ConfirmForm().validate_on_submit():
        attempt(lambda: prompt_actions.toggle_vote(db.session, prompt, current_user), None)
    return redirect(url_for("prompts.deck", circle_id=circle_id, _anchor=f"d-{prompt_id}"), 303)


@bp.post("/rotation")
@login_required
def rotation(circle_id: int) -> Any:
    access = circle_or_404(circle_id, host=True)
    form = RotationForm()
    if form.validate_on_submit():
        attempt(
            lambda: prompt_actions.set_rotation(
                db.session, access.circle, bool(form.on.data), utcnow()
            ),
            "Prompt rotation is on." if form.on.data else "Prompt rotation is off.",
            "info",
        )
    return redirect(url_for("prompts.deck", circle_id=circle_id), 303)
