"""Opening an invite link: see the circle and its agreement, then join by accepting it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from circles.errors import rerender_on_csrf_error
from circles.extensions import db
from circles.forms.circles import JoinForm
from circles.models.base import utcnow
from circles.models.circle import Invite
from circles.services.circles import invites
from circles.services.circles import operations as circle_actions
from circles.services.circles.membership import membership
from circles.services.seasons import queries as seasons
from circles.views.helpers import attempt_form

bp = Blueprint("join", __name__, url_prefix="/join")


def _invite_or_404(token: str) -> Invite:
    invite = invites.find_invite(db.session, token)
    if invite is None:
        abort(404)
    return invite


def _refused(invite: Invite, message: str) -> tuple[str, int]:
    # Only the circle's name: a dead link reveals nothing else about the circle.
    return render_template("join/refused.html", name=invite.circle.name, message=message), 410


@bp.route("/<token>", methods=["GET", "POST"])
@rerender_on_csrf_error
def show(token: str) -> Any:
    invite = _invite_or_404(token)
    circle = invite.circle
    if current_user.is_authenticated and membership(db.session, circle.id, current_user.id):
        return redirect(url_for("circles.show", circle_id=circle.id))
    state = invites.state_of(invite, utcnow())
    if state is not invites.InviteState.OPEN:
        return _refused(invite, invites.STATE_MESSAGES[state])
    form = JoinForm()
    if current_user.is_authenticated and form.validate_on_submit():
        try:
            joined = attempt_form(
                lambda: circle_actions.join_circle(
                    db.session, invite, current_user, agreed=bool(form.agree.data), now=utcnow()
                ),
                form,
                "agree",
                f"Welcome to {circle.name}.",
                passes=invites.JoinRefused,
            )
        except invites.JoinRefused as refused:
            return _refused(invite, str(refused))
        if joined:
            return redirect(url_for("circles.show", circle_id=circle.id), 303)
    status = 400 if request.method == "POST" else 200
    season = seasons.current(db.session, circle.id)
    return render_template(
        "join/show.html",
        circle=circle,
        form=form,
        token=token,
        season=season,
        season_week=seasons.week_of(season, utcnow()) if season else None,
        waiting=current_user.is_authenticated
        and seasons.on_waitlist(db.session, circle.id, current_user.id) is not None,
    ), status
