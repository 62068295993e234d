"""Home and the pages everyone can open."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from circles.extensions import db
from circles.forms.circles import ConfirmForm
from circles.forms.meetups import RsvpForm
from circles.models.base import utcnow
from circles.services.buddies import pairing as buddies
from circles.services.checkins import requests as checkin_requests
from circles.services.checkins import signals as checkins
from circles.services.circles import membership
from circles.services.load import checks as burnout_checks
from circles.services.load import log as load
from circles.services.meetups import formats
from circles.services.meetups import series as meetups
from circles.services.meetups.board import board
from circles.services.reach import directory as reach
from circles.services.seasons import queries as season_queries
from circles.views.summaries import card_extras

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> str:
    """Welcome when logged out; Today when logged in."""
    if not current_user.is_authenticated:
        return render_template("welcome.html", next_url=None)
    now = utcnow()
    cards = membership.circles_of(db.session, current_user)
    circle_ids = [card.circle.id for card in cards]
    coming = meetups.upcoming(db.session, circle_ids, now, 2)
    next_meetup = next((occ for occ in coming if not occ.cancelled), None)
    load_board = load.dashboard(db.session, current_user, now)
    signals = checkins.active_signals(db.session, circle_ids, now)
    mine = {
        v.signal.circle_id
        for vs in signals.values()
        for v in vs
        if v.signal.user_id == current_user.id
    }
    circle_buddies = buddies.buddies_by_circle(
        db.session, [card.circle for card in cards], current_user
    )
    return render_template(
        "today.html",
        cards=cards,
        board=load_board,
        show_nudge=load.nudge_visible(
            current_user,
            load_board,
            burnout_checks.wants_checkin(db.session, current_user, load_board.high),
        ),
        signal_views=[view for views in signals.values() for view in views],
        raised_in=mine,
        circle_buddies=circle_buddies,
        hosts_any=any(card.membership.is_host for card in cards),
        extras=card_extras(circle_ids, now, coming=coming, signals=signals),
        button=ConfirmForm(formdata=None),
        next_meetup=board(db.session, [next_meetup], current_user)[0] if next_meetup else None,
        rsvp_form=RsvpForm(formdata=None),
        reach=reach.shared_in(db.session, circle_ids),
        plans=checkin_requests.plans_for(db.session, current_user, now),
        recommit=season_queries.recommit_asked(db.session, current_user, now),
    )


@bp.get("/help")
def help_page() -> str:
    return render_template("help.html", meetup_formats=list(formats.FORMATS.values()))
