"""Home, health and the pages everyone can open."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user

from circles.extensions import db
from circles.forms.meetups import RsvpForm
from circles.models.base import utcnow
from circles.services import meetups, membership
from circles.services.meetup_board import board

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> str:
    """Welcome when logged out; Today when logged in."""
    if not current_user.is_authenticated:
        return render_template("welcome.html", next_url=None)
    cards = membership.circles_of(db.session, current_user)
    coming = meetups.upcoming(db.session, [card.circle.id for card in cards], utcnow(), 2)
    next_meetup = next((occ for occ in coming if not occ.cancelled), None)
    return render_template(
        "today.html",
        cards=cards,
        next_meetup=board(db.session, [next_meetup], current_user)[0] if next_meetup else None,
        rsvp_form=RsvpForm(formdata=None),
    )


@bp.get("/healthz")
def healthz() -> tuple[dict[str, Any], int]:
    """200 with the database's state when it answers, 503 when it does not."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return {"status": "degraded", "database": "unavailable"}, 503
    return {"status": "ok", "database": "ok", "dialect": db.engine.dialect.name}, 200


@bp.get("/help")
def help_page() -> str:
    return render_template("help.html")
