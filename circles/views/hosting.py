"""Host tools: invites and members, in one place, for hosts only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from circles.extensions import db
from circles.forms.circles import ConfirmForm, InviteForm
from circles.forms.pulse import BuddiesForm
from circles.links import external_url
from circles.models.base import utcnow
from circles.models.circle import Invite, Membership
from circles.services.buddies import pairing as buddies
from circles.services.circles import invites
from circles.services.circles import membership as rules
from circles.services.circles import operations as circle_actions
from circles.views.access import CircleAccess, circle_or_404, in_circle_or_404
from circles.views.helpers import attempt

NEW_LINK_KEY = "new_invite_link"

bp = Blueprint("hosting", __name__, url_prefix="/circles/<int:circle_id>/host")


def _manage_page(access: CircleAccess, **extra: Any) -> str:
    members = rules.members_of(db.session, access.circle.id)
    working, used = invites.listed(db.session, access.circle.id, utcnow())
    shown = session.pop(NEW_LINK_KEY, None)
    new_link = shown["link"] if shown and shown.get("circle") == access.circle.id else None
    return render_template(
        "circles/manage.html",
        circle=access.circle,
        me=access.me,
        members=members,
        buddies=buddies.status(db.session, access.circle),
        can_step_down=rules.can_step_down(db.session, access.circle.id),
        invites=working,
        used_invites=used,
        new_link=new_link,
        invite_form=extra.pop("invite_form", None) or InviteForm(formdata=None),
        button=ConfirmForm(formdata=None),
        buddies_form=BuddiesForm(
            formdata=None, on=access.circle.buddies_on, period_days=access.circle.buddy_period_days
        ),
        **extra,
    )


@bp.get("")
@login_required
def manage(circle_id: int) -> str:
    return _manage_page(circle_or_404(circle_id, host=True))


@bp.get("/invites")
@login_required
def invites_page(circle_id: int) -> Any:
    circle_or_404(circle_id, host=True)
    return redirect(url_for("hosting.manage", circle_id=circle_id), 303)


@bp.post("/invites")
@login_required
def create_invite(circle_id: int) -> Any:
    access = circle_or_404(circle_id, host=True)
    form = InviteForm()
    if not form.validate_on_submit():
        return _manage_page(access, invite_form=form), 400
    done = attempt(
        lambda: circle_actions.create_invite(
            db.session,
            access.circle,
            current_user,
            utcnow(),
            valid_for=timedelta(days=int(form.valid_days.data or 7)),
            single_use=bool(form.single_use.data),
        ),
        None,
    )
    if done is None:
        return redirect(url_for("hosting.manage", circle_id=circle_id), 303)
    # The token lives only in the session until the next page shows it once: the database
    # keeps its hash, and a reload of that page makes no second link.
    session[NEW_LINK_KEY] = {
        "circle": circle_id,
        "link": external_url("join.show", token=done.value.token),
    }
    return redirect(url_for("hosting.manage", circle_id=circle_id, _anchor="new-link"), 303)


@bp.post("/invites/<int:invite_id>/revoke")
@login_required
def revoke_invite(circle_id: int, invite_id: int) -> Any:
    access = circle_or_404(circle_id, host=True)
    invite = in_circle_or_404(Invite, invite_id, access)
    if ConfirmForm().validate_on_submit():
        attempt(
            lambda: circle_actions.revoke_invite(db.session, invite, utcnow()),
            "That link no longer works.",
            "info",
        )
    return redirect(url_for("hosting.manage", circle_id=circle_id), 303)


def _member_action(circle_id: int, membership_id: int, action: str) -> Any:
    access = circle_or_404(circle_id, host=True)
    member = in_circle_or_404(Membership, membership_id, access)
    if ConfirmForm().validate_on_submit():
        if action == "remove":
            attempt(
                lambda: circle_actions.remove_member(db.session, member), "Removed from the circle."
            )
        else:
            attempt(lambda: circle_actions.make_host(db.session, member), "They're a host now.")
    return redirect(url_for("hosting.manage", circle_id=circle_id), 303)


@bp.post("/members/<int:membership_id>/remove")
@login_required
def remove_member(circle_id: int, membership_id: int) -> Any:
    return _member_action(circle_id, membership_id, "remove")


@bp.post("/members/<int:membership_id>/make-host")
@login_required
def make_host(circle_id: int, membership_id: int) -> Any:
    return _member_action(circle_id, membership_id, "make_host")


@bp.post("/step-down")
@login_required
def step_down(circle_id: int) -> Any:
    access = circle_or_404(circle_id, host=True)
    stepped_down = ConfirmForm().validate_on_submit() and attempt(
        lambda: circle_actions.step_down(db.session, access.me),
        "You're no longer a host. You're still in the circle.",
        "info",
    )
    if not stepped_down:
        return redirect(url_for("hosting.manage", circle_id=circle_id), 303)
    return redirect(url_for("circles.show", circle_id=circle_id), 303)


@bp.post("/missed-you")
@login_required
def missed_you(circle_id: int) -> Any:
    access = circle_or_404(circle_id, host=True)
    if ConfirmForm().validate_on_submit():
        on = request.form.get("on") == "y"
        attempt(
            lambda: circle_actions.set_missed_you_notes(db.session, access.circle, on),
            "Saved.",
        )
    return redirect(url_for("hosting.manage", circle_id=circle_id, _anchor="missed-heading"), 303)
