"""Every circle-scoped route, found by walking the URL map, is closed to outsiders.

A new route with a circle (or deeper) id fails here until it checks membership, and until
the sweep knows how to fill in its ids.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta
from typing import Any

from flask import Flask
from werkzeug.routing import Rule

from circles.extensions import db
from circles.models import Invite, Membership, PresenterNote
from circles.models.base import utcnow
from circles.services.checkins import operations as checkin_actions
from circles.services.circles import operations as circle_actions
from circles.services.meetups import operations as meetup_actions
from circles.services.meetups import presenting
from circles.services.meetups import series as meetups
from circles.services.meetups.recurrence import Repeat
from circles.services.prompts import deck as prompts
from circles.services.prompts import operations as prompt_actions
from circles.services.seasons import operations as season_actions
from tests.conftest import AuthActions

SCOPE_ARGUMENTS = {"circle_id"}


def circle_rules(app: Flask) -> list[Rule]:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if SCOPE_ARGUMENTS & rule.arguments),
        key=lambda rule: rule.rule,
    )


def _samples(
    app: Flask, make_user: Callable[..., Any], make_circle: Callable[..., Any]
) -> dict[str, Any]:
    """A circle with a host, a member and an invite; the ids every circle route may need."""
    host, member = make_user(), make_user()
    circle = make_circle(host, members=(member,))
    with app.app_context():
        made = circle_actions.create_invite(
            db.session, db.session.merge(circle), db.session.merge(host), utcnow()
        )
        db.session.commit()
        plan = meetups.Plan(
            start_date=date.today() + timedelta(days=1),  # noqa: DTZ011
            start_time=time(19, 0),
            duration_minutes=90,
            repeat=Repeat.WEEKLY,
            rotate_facilitator=True,
            format="forum",  # a presenter's routes need a format with a presenter
        )
        series = meetup_actions.schedule_series(
            db.session, db.session.merge(circle), db.session.merge(host), plan
        )
        db.session.commit()
        (first,) = meetups.upcoming(db.session, [circle.id], utcnow(), per_circle=1)
        presenting.volunteer(db.session, first, db.session.merge(host), utcnow())
        note = PresenterNote(
            series_id=series.id,
            occurrence_key=first.key,
            presenter_id=host.id,
            author_id=member.id,
            body="For you.",
        )
        db.session.add(note)
        prompts.sync_library(db.session)
        signal = checkin_actions.raise_signal(
            db.session, circle.id, db.session.merge(member), utcnow()
        )
        prompt = prompt_actions.write_prompt(
            db.session, db.session.merge(circle), db.session.merge(host), "Q?", anonymous=False
        )
        # A running season, so the season routes (recommit, fixed membership) have one.
        season_actions.start_season(
            db.session,
            db.session.merge(circle),
            db.session.merge(host),
            starts_on=date.today(),  # noqa: DTZ011
            now=utcnow(),
        )
        db.session.commit()
        membership_id = db.session.scalar(
            db.select(Membership.id).where(Membership.user_id == member.id)
        )
        ids = {
            "circle_id": circle.id,
            "membership_id": membership_id,
            "invite_id": made.invite.id,
            "series_id": series.id,
            "key": first.key,
            "prompt_id": prompt.id,
            "signal_id": signal.id,
            "with_user_id": member.id,
            "library_key": prompts.library_data()[0]["key"],
            "note_id": note.id,
        }
    return {"host": host, "ids": ids}


def _url(rule: Rule, ids: dict[str, Any]) -> str:
    missing = rule.arguments - ids.keys()
    assert not missing, f"teach the access sweep a sample for {missing} ({rule.rule})"
    return _fill(rule, ids)


def _fill(rule: Rule, ids: dict[str, Any]) -> str:
    path = rule.rule
    for name in rule.arguments:
        for converter in ("int:", "string:", "occurrence:", ""):
            path = path.replace(f"<{converter}{name}>", str(ids[name]))
    return path


def _methods(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


def test_the_sweep_finds_the_circle_routes(app: Flask) -> None:
    found = {rule.endpoint for rule in circle_rules(app)}
    assert {"circles.show", "hosting.manage", "hosting.create_invite"} <= found


def test_outsiders_get_404_and_anonymous_visitors_are_sent_to_log_in(
    app: Flask, make_user, make_circle
) -> None:
    samples = _samples(app, make_user, make_circle)
    outsider = app.test_client()
    AuthActions(outsider).login(make_user().email)
    anonymous = app.test_client()
    for rule in circle_rules(app):
        url = _url(rule, samples["ids"])
        for method in _methods(rule):
            status = outsider.open(url, method=method).status_code
            assert status == 404, f"{method} {url} gave a non-member {status}"
            response = anonymous.open(url, method=method)
            assert response.status_code == 302 and "/login" in response.headers["Location"], (
                f"{method} {url} gave an anonymous visitor {response.status_code}"
            )


def test_a_circle_that_does_not_exist_is_404_for_everyone(
    app: Flask, make_user, make_circle
) -> None:
    samples = _samples(app, make_user, make_circle)
    host = app.test_client()
    AuthActions(host).login(samples["host"].email)
    ids = samples["ids"] | {"circle_id": 999_999}
    for rule in circle_rules(app):
        for method in _methods(rule):
            status = host.open(_fill(rule, ids), method=method).status_code
            assert status == 404, f"{method} {rule.rule} on a missing circle gave {status}"


def test_members_reach_every_circle_route(app: Flask, make_user, make_circle) -> None:
    for rule in circle_rules(app):
        samples = _samples(app, make_user, make_circle)  # fresh: POSTs may change the circle
        host = app.test_client()
        AuthActions(host).login(samples["host"].email)
        url = _fill(rule, samples["ids"])
        for method in _methods(rule):
            status = host.open(url, method=method).status_code
            assert status not in (404, 500), f"{method} {url} gave its host {status}"


def test_ids_from_another_circle_are_404(app: Flask, make_user, make_circle) -> None:
    mine = _samples(app, make_user, make_circle)
    theirs = _samples(app, make_user, make_circle)
    host = app.test_client()
    AuthActions(host).login(mine["host"].email)
    for rule in circle_rules(app):
        shared = {"circle_id", "library_key"}  # the library belongs to no circle
        foreign = {k: v for k, v in theirs["ids"].items() if k not in shared}
        if not (rule.arguments & foreign.keys()):
            continue
        url = _fill(rule, mine["ids"] | foreign)
        for method in _methods(rule):
            assert host.open(url, method=method).status_code == 404, f"{method} {url}"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Invite)) == 2
