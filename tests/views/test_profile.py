"""Me: profile, time zone, quiet hours, password change."""

from __future__ import annotations

from datetime import time

import pytest
from flask import Flask
from flask.testing import FlaskClient

from circles.extensions import db
from circles.models import User
from tests.conftest import PASSWORD, AuthActions
from tests.support.pages import text

GOOD = {
    "display_name": "Sam",
    "time_zone": "America/New_York",
    "quiet_start": "21:00",
    "quiet_end": "08:00",
}


@pytest.fixture
def member(make_user, auth: AuthActions) -> User:
    user = make_user()
    auth.login(user.email)
    return user


def test_profile_saves_name_zone_and_quiet_hours(
    app: Flask, client: FlaskClient, member: User
) -> None:
    response = client.post("/me/profile", data=GOOD, follow_redirects=True)
    assert response.status_code == 200
    assert b"Saved." in response.data
    with app.app_context():
        saved = db.session.get(User, member.id)
        assert saved is not None
        assert (saved.display_name, saved.time_zone) == ("Sam", "America/New_York")
        assert (saved.quiet_start, saved.quiet_end) == (time(21, 0), time(8, 0))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"time_zone": "Europe/Atlantis"}, b"Choose a time zone"),
        ({"time_zone": "EST"}, b"Choose a time zone"),
        ({"quiet_end": ""}, b"Quiet hours need both a start and an end"),
        ({"quiet_start": ""}, b"Quiet hours need both a start and an end"),
        ({"quiet_start": "22:00", "quiet_end": "22:00"}, b"start and end at the same time"),
        ({"quiet_start": "25:99"}, b"Not a valid time value"),
        ({"display_name": ""}, b"Enter a name."),
        ({"display_name": "  "}, b"Enter a name."),
    ],
)
def test_profile_refuses_what_makes_no_sense_and_keeps_the_input(
    app: Flask, client: FlaskClient, member: User, change: dict[str, str], message: bytes
) -> None:
    response = client.post("/me/profile", data=GOOD | change)
    assert response.status_code == 400
    assert message in response.data
    assert b'value="Sam"' in response.data or "display_name" in change
    with app.app_context():
        saved = db.session.get(User, member.id)
        assert saved is not None and saved.time_zone == "Europe/London"  # nothing half-written


def test_quiet_hours_can_be_cleared(app: Flask, client: FlaskClient, member: User) -> None:
    client.post("/me/profile", data=GOOD)
    client.post("/me/profile", data=GOOD | {"quiet_start": "", "quiet_end": ""})
    with app.app_context():
        saved = db.session.get(User, member.id)
        assert saved is not None and saved.quiet_start is None and saved.quiet_end is None


def test_changing_the_password_keeps_this_device_and_ends_the_others(
    app: Flask, client: FlaskClient, member: User
) -> None:
    other = app.test_client()
    AuthActions(other).login(member.email)
    response = client.post(
        "/me/password", data={"current": PASSWORD, "password": "moss on the north wall"}
    )
    assert response.status_code == 302
    assert client.get("/me").status_code == 200
    assert other.get("/me").status_code == 302


def test_changing_the_password_needs_the_current_one(client: FlaskClient, member: User) -> None:
    response = client.post(
        "/me/password", data={"current": "wrong one", "password": "moss on the north wall"}
    )
    assert response.status_code == 400
    assert "isn't your current password" in text(response)


def test_me_needs_login(client: FlaskClient) -> None:
    response = client.get("/me")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("form", ["profile", "password"])
def test_reloading_a_form_that_failed_to_save_opens_the_page(
    client: FlaskClient, member: User, form: str
) -> None:
    refused = client.post(f"/me/{form}", data={})
    assert refused.status_code == 400  # shown at /me/{form}, where a reload is a GET
    reloaded = client.get(f"/me/{form}")
    assert reloaded.status_code == 302
    assert reloaded.headers["Location"] == f"/me#{form}-heading"
