"""Circles: my list, starting one, a circle's page, editing, leaving, closing."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from circles.errors import rerender_on_csrf_error
from circles.extensions import db
from circles.forms.circles import CircleForm, CloseCircleForm, ConfirmForm
from circles.forms.fields import add_error
from circles.forms.meetups import RsvpForm
from circles.models.base import utcnow
from circles.models.circle import DEFAULT_CAP
from circles.services.buddies import pairing as buddies
from circles.services.checkins import signals as checkins
from circles.services.circles import membership as rules
from circles.services.circles import operations as circle_actions
from circles.services.meetups import attendance
from circles.services.meetups import series as meetups
from circles.services.meetups.board import board
from circles.services.pulse import results as pulse
from circles.services.pulse.scoring import ITEMS as PULSE_ITEMS
from circles.services.reach import directory as reach
from circles.services.seasons import queries as seasons
from circles.timezones import local_date
from circles.views.access import circle_or_404
from circles.views.helpers import attempt, attempt_form, render_form
from circles.views.summaries import card_extras

bp = Blueprint("circles", __name__, url_prefix="/circles")


@bp.get("")
@login_required
def index() -> str:
    cards = rules.circles_of(db.session, current_user)
    extras = card_extras([card.circle.id for card in cards], utcnow())
    return render_template("circles/index.html", cards=cards, extras=extras)


@bp.route("/new", methods=["GET", "POST"])
@login_required
@rerender_on_csrf_error
def new() -> Any:
    form = CircleForm()
    if not form.is_submitted():
        form.time_zone.data = current_user.time_zone
        form.agreement.data = rules.DEFAULT_AGREEMENT
    if form.validate_on_submit():
        made = attempt_form(
            lambda: circle_actions.create_circle(
                db.session,
                current_user,
                name=form.name.data or "",
                purpose=form.purpose.data or "",
                member_cap=form.member_cap.data or DEFAULT_CAP,
                time_zone=form.time_zone.data or "UTC",
                agreement=form.agreement.data or "",
            ),
            form,
            "name",
            "Your circle is ready. Invite a few people you trust.",
        )
        if made:
            return redirect(url_for("hosting.manage", circle_id=made.value.id))
    return render_form("circles/form.html", form=form, circle=None)


@bp.get("/<int:circle_id>")
@login_required
def show(circle_id: int) -> str:
    access = circle_or_404(circle_id)
    now = utcnow()
    coming = meetups.upcoming(db.session, [circle_id], now)
    signal_views = checkins.active_signals(db.session, [circle_id], now).get(circle_id, [])
    past = attendance.history(db.session, circle_id)
    season = seasons.current(db.session, circle_id)
    return render_template(
        "circles/show.html",
        circle=access.circle,
        me=access.me,
        members=rules.members_of(db.session, circle_id),
        meetups=board(db.session, coming, current_user),
        rsvp_form=RsvpForm(formdata=None),
        leave_form=ConfirmForm(),
        button=ConfirmForm(formdata=None),
        signal_views=signal_views,
        my_buddies=buddies.my_buddies(db.session, access.circle, current_user),
        buddy_until=buddies.current_until(db.session, access.circle),
        ask_if_met=buddies.met_question_due(db.session, access.circle, current_user, now),
        pulse_results=pulse.results(db.session, circle_id, local_date(now, current_user.time_zone)),
        pulse_pool=pulse.pooled(db.session, circle_id, local_date(now, current_user.time_zone)),
        pulse_items=PULSE_ITEMS,
        pulse_done=pulse.answered_this_month(
            db.session, circle_id, current_user, local_date(now, current_user.time_zone)
        ),
        my_signals={v.signal.kind for v in signal_views if v.signal.user_id == current_user.id},
        reach=reach.shared_in(db.session, [circle_id]),
        past=past,
        attended=sum(1 for meeting in past if current_user.id in meeting.present_ids),
        season=season,
        season_week=seasons.week_of(season, now) if season else None,
        recommit_open=bool(season and seasons.recommit_open(season, now)),
    )


@bp.route("/<int:circle_id>/edit", methods=["GET", "POST"])
@login_required
@rerender_on_csrf_error
def edit(circle_id: int) -> Any:
    access = circle_or_404(circle_id, host=True)
    form = CircleForm(obj=access.circle)
    if form.validate_on_submit():
        saved = attempt_form(
            lambda: circle_actions.update_circle(
                db.session,
                access.circle,
                name=form.name.data or "",
                purpose=form.purpose.data or "",
                member_cap=form.member_cap.data or DEFAULT_CAP,
                time_zone=form.time_zone.data or "UTC",
                agreement=form.agreement.data or "",
            ),
            form,
            "member_cap",
            "Saved.",
        )
        if saved:
            return redirect(url_for("circles.show", circle_id=circle_id))
    return render_form("circles/form.html", form=form, circle=access.circle)


@bp.post("/<int:circle_id>/leave")
@login_required
def leave(circle_id: int) -> Any:
    access = circle_or_404(circle_id)
    if ConfirmForm().validate_on_submit() and not attempt(
        lambda: circle_actions.leave(db.session, access.me), "You've left the circle.", "info"
    ):
        return redirect(url_for("circles.show", circle_id=circle_id), 303)
    return redirect(url_for("circles.index"), 303)


@bp.route("/<int:circle_id>/close", methods=["GET", "POST"])
@login_required
@rerender_on_csrf_error
def close(circle_id: int) -> Any:
    access = circle_or_404(circle_id, host=True)
    form = CloseCircleForm()
    if form.validate_on_submit():
        if form.understood.data:
            attempt(
                lambda: circle_actions.close_circle(db.session, access.circle),
                "The circle is closed.",
                "info",
            )
            return redirect(url_for("circles.index"), 303)
        add_error(form.understood, "Tick the box to confirm, or go back.")
    return render_form("circles/close.html", form=form, circle=access.circle)
