"""The private calendar feed, opened by calendar apps with a secret token instead of a login."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, request, url_for
from flask_login import current_user, login_required

from circles.extensions import db
from circles.forms.circles import ConfirmForm
from circles.links import external_url
from circles.models.base import utcnow
from circles.services.checkins import requests as checkin_requests
from circles.services.meetups import calendar as calendar_feed
from circles.views.helpers import attempt

bp = Blueprint("calendar", __name__)


def conditional(response: Response, body: bytes) -> Response:
    """ETag from the content; a calendar app asking with If-None-Match gets a 304 if unchanged."""
    response.set_etag(calendar_feed.version_tag(body))
    response.make_conditional(request)  # turns it into a 304 in place
    return response


@bp.get("/calendar/<token>.ics")
def feed(token: str) -> Response:
    user = calendar_feed.user_for_token(db.session, current_app.config["SECRET_KEY"], token)
    if user is None:
        abort(404)
    series = calendar_feed.feed_series(db.session, user)
    urls = {s.id: external_url("circles.show", circle_id=s.circle_id) for s in series}
    now = utcnow()
    agreed = checkin_requests.plans_for(db.session, user, now).agreed
    home = external_url("main.index")
    extra = [calendar_feed.checkin_event(request, user, home, now) for request in agreed]
    body = calendar_feed.series_ics(db.session, series, "Circles meetups", urls, now, extra)
    response = Response(body, mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, max-age=900"
    return conditional(response, body)


@bp.post("/me/calendar/regenerate")
@login_required
def regenerate() -> Any:
    if ConfirmForm().validate_on_submit():
        attempt(
            lambda: calendar_feed.regenerate(db.session, current_user),
            "You have a new calendar link. The old one no longer works.",
        )
    return redirect(url_for("me.index", _anchor="calendar"), 303)
