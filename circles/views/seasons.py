"""Seasons: a circle's season page (recommit, host tools), my seasons, and my season summary."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user, login_required

from circles.errors import rerender_on_csrf_error
from circles.extensions import db
from circles.forms.circles import ConfirmForm
from circles.forms.seasons import (
    FixedMembershipForm,
    NextSeasonForm,
    RecommitForm,
    StartSeasonForm,
    TakeSeatForm,
)
from circles.models.base import utcnow
from circles.models.circle import Circle
from circles.models.season import SeasonWaitlist
from circles.services.circles import invites
from circles.services.circles.membership import membership
from circles.services.seasons import operations as season_actions
from circles.services.seasons import queries as seasons
from circles.services.seasons import rules
from circles.services.seasons.summary import summary as season_summary
from circles.views.access import CircleAccess, circle_or_404
from circles.views.helpers import attempt, attempt_form

bp = Blueprint("seasons", __name__)


def _season_page(access: CircleAccess, status: int = 200, **forms: Any) -> tuple[str, int]:
    now = utcnow()
    season = seasons.current(db.session, access.circle.id)
    mine = season and seasons.season_member(db.session, season.id, current_user.id)
    today = seasons.today_in(access.circle, now)
    context: dict[str, Any] = {
        "circle": access.circle,
        "me": access.me,
        "season": season,
        "last_season": seasons.latest_ended(db.session, access.circle.id),
        "my_choice": rules.Choice(mine.choice) if mine and mine.choice else None,
        "recommit_form": forms.get("recommit_form")
        or RecommitForm(formdata=None, choice=mine.choice if mine else None),
        "button": ConfirmForm(formdata=None),
    }
    if season is not None:
        context |= {
            "week": seasons.week_of(season, now),
            "recommit_open": seasons.recommit_open(season, now),
            "recommit_opens_on": rules.recommit_opens_on(season.starts_on, season.ends_on),
        }
    if access.me.is_host:
        start_form = forms.get("start_form") or StartSeasonForm(formdata=None, starts_on=today)
        context |= {
            "start_form": start_form,
            "next_form": forms.get("next_form") or NextSeasonForm(formdata=None),
            "fixed_form": FixedMembershipForm(
                formdata=None, fixed=bool(season and season.invites_next_season_only)
            ),
            "waitlist_count": seasons.waitlist_count(db.session, access.circle.id),
        }
        if season is not None:
            context |= {
                "answers": seasons.host_recommit(db.session, season),
                "can_start_next": rules.can_start_next(season.starts_on, season.ends_on, today),
            }
    return render_template("seasons/circle.html", **context), status


@bp.get("/circles/<int:circle_id>/season")
@login_required
def show(circle_id: int) -> tuple[str, int]:
    return _season_page(circle_or_404(circle_id))


def _season_action(
    access: CircleAccess,
    form: Any,
    name: str,
    action: Callable[[], object],
    field: str,
    success: str,
) -> Any:
    """Run a season form's action: back to the season page when done, else the page with the
    form (named `name` there) showing why, as a 400."""
    if form.validate_on_submit() and attempt_form(action, form, field, success):
        return redirect(url_for("seasons.show", circle_id=access.circle.id), 303)
    return _season_page(access, 400, **{name: form})


@bp.post("/circles/<int:circle_id>/season/start")
@login_required
@rerender_on_csrf_error
def start(circle_id: int) -> Any:
    access = circle_or_404(circle_id, host=True)
    form = StartSeasonForm()
    return _season_action(
        access,
        form,
        "start_form",
        lambda: season_actions.start_season(
            db.session,
            access.circle,
            current_user,
            starts_on=form.starts_on.data or date.min,  # DateField's InputRequired has run
            unit=form.unit.data or "",
            length=form.length.data or 0,
            fixed=bool(form.fixed.data),
            now=utcnow(),
        ),
        "length",
        "The season has started.",
    )


@bp.post("/circles/<int:circle_id>/season/next")
@login_required
@rerender_on_csrf_error
def start_next(circle_id: int) -> Any:
    access = circle_or_404(circle_id, host=True)
    form = NextSeasonForm()
    return _season_action(
        access,
        form,
        "next_form",
        lambda: season_actions.start_next_season(
            db.session,
            access.circle,
            current_user,
            unit=form.unit.data or "",
            length=form.length.data or 0,
            now=utcnow(),
        ),
        "length",
        "The next season has started.",
    )


@bp.post("/circles/<int:circle_id>/season/recommit")
@login_required
@rerender_on_csrf_error
def recommit(circle_id: int) -> Any:
    access = circle_or_404(circle_id)
    season = seasons.current(db.session, circle_id)
    if season is None:
        abort(404)
    form = RecommitForm()
    return _season_action(
        access,
        form,
        "recommit_form",
        lambda: season_actions.recommit(
            db.session, season, current_user, form.choice.data or "", utcnow()
        ),
        "choice",
        "Thank you. Only you and your host's counts know your answer.",
    )


@bp.post("/circles/<int:circle_id>/season/fixed")
@login_required
def fixed(circle_id: int) -> Any:
    circle_or_404(circle_id, host=True)
    season = seasons.current(db.session, circle_id)
    form = FixedMembershipForm()
    if season is None:
        abort(404)
    if not form.validate_on_submit():
        abort(400)
    on = bool(form.fixed.data)
    attempt(
        lambda: season_actions.set_fixed_membership(db.session, season, on),
        "Invite links now lead to the waitlist for the next season."
        if on
        else "Invite links let people join this season again.",
        "info",
    )
    return redirect(url_for("seasons.show", circle_id=circle_id), 303)


# My seasons: summaries, offered seats, waitlists and circles I paused.


def _my_seasons(status: int = 200, seat_form: TakeSeatForm | None = None) -> tuple[str, int]:
    return render_template(
        "seasons/mine.html",
        seasons=seasons.my_seasons(db.session, current_user),
        offers=seasons.my_offers(db.session, current_user),
        waiting=seasons.my_waiting(db.session, current_user),
        paused=seasons.paused_circles(db.session, current_user),
        seat_form=seat_form or TakeSeatForm(formdata=None),
        button=ConfirmForm(formdata=None),
    ), status


@bp.get("/me/seasons")
@login_required
def mine() -> tuple[str, int]:
    return _my_seasons()


def _my_entry_or_404(entry_id: int) -> SeasonWaitlist:
    entry = db.session.get(SeasonWaitlist, entry_id)
    if entry is None or entry.user_id != current_user.id:
        abort(404)  # someone else's waitlist place is not there, for me
    return entry


@bp.post("/me/seasons/offers/<int:entry_id>/take")
@login_required
@rerender_on_csrf_error
def take_seat(entry_id: int) -> Any:
    entry = _my_entry_or_404(entry_id)
    if entry.offered_at is None:
        abort(404)
    circle_id = entry.circle_id
    form = TakeSeatForm()
    if form.validate_on_submit():
        done = attempt_form(
            lambda: season_actions.take_seat(
                db.session, entry, current_user, agreed=bool(form.agree.data), now=utcnow()
            ),
            form,
            "agree",
            "Welcome to your circle.",
        )
        if done:
            return redirect(url_for("circles.show", circle_id=circle_id), 303)
    return _my_seasons(400, form)


@bp.post("/me/seasons/waitlist/<int:entry_id>/leave")
@login_required
def leave_waitlist(entry_id: int) -> Any:
    entry = _my_entry_or_404(entry_id)
    if ConfirmForm().validate_on_submit():
        attempt(
            lambda: season_actions.leave_waitlist(db.session, entry),
            "You're off the waitlist.",
            "info",
        )
    return redirect(url_for("seasons.mine"), 303)


@bp.post("/circles/<int:circle_id>/come-back")
@login_required
def come_back(circle_id: int) -> Any:
    circle = db.session.get(Circle, circle_id)
    if circle is None:
        abort(404)
    if membership(db.session, circle_id, current_user.id) is not None:
        return redirect(url_for("circles.show", circle_id=circle_id), 303)
    if circle_id not in {c.id for c in seasons.paused_circles(db.session, current_user)}:
        abort(404)  # only someone who paused there may come back
    if not ConfirmForm().validate_on_submit():
        abort(400)
    done = attempt(
        lambda: season_actions.come_back(db.session, circle, current_user, utcnow()), None
    )
    if done and done.value is not None:
        return redirect(url_for("circles.show", circle_id=circle_id), 303)
    return redirect(url_for("seasons.mine"), 303)


def _summary_or_404(season_id: int) -> Any:
    found = seasons.my_summary_season(db.session, current_user, season_id)
    if found is None:
        abort(404)  # a summary is its author's alone: anyone else finds nothing here
    return season_summary(db.session, found.season, found.me, current_user, utcnow())


@bp.get("/me/seasons/<int:season_id>")
@login_required
def summary(season_id: int) -> str:
    return render_template("seasons/summary.html", summary=_summary_or_404(season_id))


PRINT_CSS = Path(__file__).resolve().parents[2] / "static" / "print.css"


@bp.get("/me/seasons/<int:season_id>/summary.pdf")
@login_required
def summary_pdf(season_id: int) -> Response:
    found = _summary_or_404(season_id)
    import weasyprint  # a heavy import, paid only by those who download

    html = render_template("seasons/summary_print.html", summary=found)
    # No base URL and no fetching: the document is the page and one local stylesheet.
    pdf = weasyprint.HTML(string=html, url_fetcher=_no_fetching).write_pdf(
        stylesheets=[weasyprint.CSS(filename=str(PRINT_CSS))]
    )
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="season-{found.season.number}-summary.pdf"'
    )
    return response


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError("the summary PDF fetches nothing")


# The join page's waitlist, for circles that keep invites for the next season.
@bp.post("/join/<token>/waitlist")
@login_required
def join_waitlist(token: str) -> Any:
    invite = invites.find_invite(db.session, token)
    if invite is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    done = attempt(
        lambda: season_actions.join_waitlist(db.session, invite, current_user, utcnow()),
        "You're on the waitlist. When the next season starts and a seat is free, we'll tell you.",
    )
    if done is None:
        return redirect(url_for("join.show", token=token), 303)
    return redirect(url_for("seasons.mine"), 303)
