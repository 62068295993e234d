"""Every main page is valid HTML (the Nu Html Checker finds no error), as a person sees it."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from circles.extensions import db
from circles.models.base import utcnow
from circles.models.season import Season
from tests.conftest import PASSWORD, AuthActions
from tests.support.node import check_html
from tests.support.notifications import sent_reminder

SOON = date.today() + timedelta(days=9)  # noqa: DTZ011


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'name="csrf-token" content="([^"]+)"', page
    )
    assert found, "the page carries a CSRF token"
    return found.group(1)


def _logged_in(app: Flask, email: str) -> FlaskClient:
    """A client of an app with CSRF protection on, as in production, logged in as `email`."""
    client = app.test_client()
    token = _token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    return client


def _scene(app: Flask, make_user, make_circle) -> dict[str, str]:
    """A host with a circle, a member, a meetup with a prompt, load entries and a notification."""
    host = make_user(display_name="Hana")
    member = make_user(display_name="Mo")
    circle = make_circle(host, members=(member,), name="Harbour")
    setup = app.test_client()
    AuthActions(setup).login(host.email)
    setup.post(f"/circles/{circle.id}/host/buddies", data={"on": "y", "period_days": "14"})
    meetup = setup.post(
        f"/circles/{circle.id}/meetups/new",
        data={
            "start_date": SOON.isoformat(),
            "start_time": "19:00",
            "duration_minutes": "90",
            "repeat": "weekly",
            "video_url": "https://meet.example.org/circle",
            "format": "forum",
        },
    ).headers["Location"]
    setup.post(meetup + "/presenter/volunteer")
    setup.post(f"/circles/{circle.id}/prompts", data={"text": "What are you still carrying?"})
    # A season near its end: the recommit question and the host's next-season form show.
    started = setup.post(
        f"/circles/{circle.id}/season/start",
        data={
            "starts_on": (date.today() - timedelta(days=55)).isoformat(),  # noqa: DTZ011
            "length": "2",
            "unit": "months",
        },
    )
    assert started.status_code == 303
    invite = setup.post(
        f"/circles/{circle.id}/host/invites", data={"valid_days": "7"}, follow_redirects=True
    )
    join = re.search(r'value="https?://[^/"]+(/join/[^"]+)"', invite.get_data(as_text=True))
    assert join
    setup.post("/load/settings", data={"typical_week": "5"})  # a heavy week: the nudge card
    logged = setup.post("/log", data={"intensity": "5", "client_id": "markup-000001"})
    for n in range(2, 4):
        setup.post("/log", data={"intensity": "5", "client_id": f"markup-00000{n}"})
    peer = app.test_client()
    AuthActions(peer).login(member.email)
    peer.post(f"/circles/{circle.id}/checkins/signal", data={"kind": "checkin", "action": "raise"})
    with app.app_context():
        db.session.add(sent_reminder(host.id, "markup", utcnow()))
        db.session.commit()
        season_id = db.session.scalar(db.select(Season.id))
    return {
        "email": host.email,
        "circle": f"/circles/{circle.id}",
        "propose": f"/circles/{circle.id}/checkins/propose/{member.id}",
        "meetup": meetup,
        "entry": logged.headers["Location"],
        "join": join.group(1),
        "summary": f"/me/seasons/{season_id}",
    }


def test_every_main_page_has_no_html_error(
    app: Flask, make_app, mailbox, make_user, make_circle, tmp_path: Path
) -> None:
    scene = _scene(app, make_user, make_circle)
    # Pages as production renders them: with CSRF protection on, every form carries its token.
    app = make_app(WTF_CSRF_ENABLED=True, MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port)
    circle = scene["circle"]
    visitor = app.test_client()
    pages = {
        path: visitor.get(path)
        for path in (
            "/",
            "/login",
            "/signup",
            "/password/forgot",
            "/help",
            "/offline",
            scene["join"],
        )
    }
    person = _logged_in(app, scene["email"])
    for path in (
        "/",
        "/log",
        "/load",
        scene["entry"],
        "/circles",
        "/circles/new",
        circle,
        f"{circle}/host",
        f"{circle}/edit",
        f"{circle}/meetups/new",
        scene["meetup"],
        f"{scene['meetup']}/move",
        f"{scene['meetup']}/edit",
        f"{scene['meetup']}/run",
        f"{scene['meetup']}/my-prep-to-present",
        f"{scene['meetup']}/notes-for-me",
        f"{circle}/prompts",
        f"{circle}/prompts/library",
        f"{circle}/pulse",
        f"{circle}/season",
        "/me/seasons",
        scene["summary"],
        scene["propose"],
        "/notifications",
        "/me",
        "/me/delete",
        "/offline",
        "/offline/log",
        "/no/such/page",
    ):
        pages[f"logged-in {path}"] = person.get(path)
    for name, response in pages.items():
        expected = 404 if name.endswith("/no/such/page") else 200
        assert response.status_code == expected, name
    today = pages["logged-in /"].get_data(as_text=True)
    assert "A heavier week than your usual" in today and "could use a check-in" in today
    errors = check_html(
        {name: response.get_data(as_text=True) for name, response in pages.items()}, tmp_path
    )
    assert errors == [], "\n".join(errors)
