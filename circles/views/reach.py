"""Ways to reach me: add, remove, and choose which circles see them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required

from circles.extensions import db
from circles.forms.circles import ConfirmForm
from circles.forms.reach import ReachSharingForm, ReachWayForm
from circles.services.circles import membership
from circles.services.reach import directory
from circles.services.reach import operations as reach_actions
from circles.services.reach.ways import ReachKind
from circles.views.helpers import attempt, attempt_form

bp = Blueprint("reach", __name__, url_prefix="/me/reach")


def sharing_form(submitted: bool = False) -> ReachSharingForm:
    """The sharing checkboxes, one per circle of the current user, ticked where shared."""
    form = ReachSharingForm() if submitted else ReachSharingForm(formdata=None)
    form.circles.choices = [
        (card.circle.id, card.circle.name)
        for card in membership.circles_of(db.session, current_user)
    ]
    if not submitted:
        form.circles.data = sorted(directory.shared_circles(db.session, current_user))
    return form


def page_data(way_form: ReachWayForm | None = None) -> dict[str, Any]:
    """What the Me page shows in "Ways to reach me"."""
    return {
        "reach_ways": directory.mine(db.session, current_user),
        "reach_form": way_form or ReachWayForm(formdata=None),
        "reach_sharing": sharing_form(),
    }


def _back() -> Any:
    return redirect(url_for("me.index", _anchor="reach"), 303)


@bp.post("")
@login_required
def add() -> Any:
    form = ReachWayForm()
    if form.validate_on_submit():
        done = attempt_form(
            lambda: reach_actions.add_way(
                db.session, current_user, ReachKind(form.kind.data), form.value.data or ""
            ),
            form,
            "value",
            "Added. Circles you share with see it."
            if directory.shared_circles(db.session, current_user)
            else "Added. Only you see it until you choose circles to share with below.",
        )
        if done is not None:
            return _back()
    from circles.views.me import me_page  # the Me page shows this form; imported late (cycle)

    return me_page(reach_form=form)


@bp.post("/<int:way_id>/remove")
@login_required
def remove(way_id: int) -> Any:
    if ConfirmForm().validate_on_submit():
        attempt(
            lambda: reach_actions.remove_way(
                db.session, directory.find_mine(db.session, current_user, way_id)
            ),
            "Removed.",
            "info",
        )
    return _back()


@bp.post("/sharing")
@login_required
def sharing() -> Any:
    form = sharing_form(submitted=True)
    if form.validate_on_submit():
        chosen = set(form.circles.data or [])
        attempt(
            lambda: reach_actions.choose_circles(db.session, current_user, chosen),
            "Saved. Only the circles you ticked see how to reach you.",
        )
    return _back()
