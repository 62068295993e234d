"""Sign-up, confirmation, login, logout, sessions and password reset, as a browser sees them."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from circles.extensions import db
from circles.models import User
from tests.conftest import PASSWORD, AuthActions
from tests.support.mailbox import Mailbox, link_in
from tests.support.pages import text


def sign_up(client: FlaskClient, email: str, password: str = PASSWORD, **extra: str) -> bytes:
    data = {
        "email": email,
        "display_name": "Robin",
        "password": password,
        "time_zone": "Europe/Paris",
    }
    data.update(extra)
    response = client.post("/signup", data=data)
    assert response.status_code == 200
    return response.data


def test_sign_up_sends_a_link_that_confirms_and_logs_in(
    client: FlaskClient, mailbox: Mailbox
) -> None:
    body = sign_up(client, "Robin@Example.com")
    assert b"Check your email" in body

    assert client.get("/me").status_code == 302  # not logged in before confirming
    message = mailbox.wait_for("robin@example.com")
    response = client.get(link_in(message, "/confirm/"), follow_redirects=True)
    assert response.status_code == 200
    assert b"Hello, Robin" in response.data
    assert client.get("/me").status_code == 200


def test_confirmation_link_works_once(client: FlaskClient, mailbox: Mailbox) -> None:
    sign_up(client, "once@example.com")
    link = link_in(mailbox.wait_for("once@example.com"), "/confirm/")
    assert client.get(link).status_code == 302
    client.post("/logout")
    again = client.get(link)
    assert again.status_code == 400
    assert b"This link no longer works" in again.data


def test_unconfirmed_account_cannot_log_in(
    client: FlaskClient, auth: AuthActions, mailbox: Mailbox
) -> None:
    sign_up(client, "pending@example.com")
    response = auth.login("pending@example.com")
    assert response.status_code == 400
    assert client.get("/me").status_code == 302


def test_sign_up_does_not_reveal_a_registered_email(
    client: FlaskClient, make_user, mailbox: Mailbox
) -> None:
    make_user(email="known@example.com")
    known = sign_up(client, "known@example.com").replace(b"known@example.com", b"EMAIL")
    unknown = sign_up(client, "fresh@example.com").replace(b"fresh@example.com", b"EMAIL")
    assert known == unknown
    # The owner of the known address is told, and nobody gets a way in.
    notice = mailbox.wait_for("known@example.com")
    assert "already have an account" in notice.get_content()
    assert "/confirm/" not in notice.get_content()


def test_login_does_not_reveal_a_registered_email(
    client: FlaskClient, auth: AuthActions, make_user
) -> None:
    make_user(email="known@example.com")
    wrong_password = auth.login("known@example.com", "not the password at all")
    unknown_email = auth.login("nobody@example.com", "not the password at all")
    assert wrong_password.status_code == unknown_email.status_code == 400
    assert wrong_password.data.replace(b"known", b"X") == unknown_email.data.replace(
        b"nobody", b"X"
    )
    assert "don't match an account" in text(wrong_password)


def test_login_time_is_comparable_for_known_and_unknown_emails(
    auth: AuthActions, make_user
) -> None:
    make_user(email="known@example.com")

    def timed(email: str) -> float:
        start = time.perf_counter()
        auth.login(email, "not the password at all")
        return time.perf_counter() - start

    known = min(timed("known@example.com") for _ in range(5))
    unknown = min(timed("nobody@example.com") for _ in range(5))
    # Both verify an argon2 hash; without the dummy hash the unknown case is many times faster.
    assert unknown > known * 0.5


def test_password_reset_does_not_reveal_a_registered_email(
    client: FlaskClient, make_user, mailbox: Mailbox
) -> None:
    make_user(email="known@example.com")
    known = client.post("/password/forgot", data={"email": "known@example.com"})
    unknown = client.post("/password/forgot", data={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert known.data.replace(b"known", b"X") == unknown.data.replace(b"nobody", b"X")
    mailbox.wait_for("known@example.com")
    assert mailbox.sent_to("nobody@example.com") == []


def test_login_and_logout(client: FlaskClient, auth: AuthActions, make_user) -> None:
    user = make_user()
    assert auth.login(user.email).headers["Location"] == "/"
    assert client.get("/me").status_code == 200
    auth.logout()
    assert client.get("/me").status_code == 302


def test_login_email_is_case_insensitive(client: FlaskClient, auth: AuthActions, make_user) -> None:
    user = make_user(email="case@example.com")
    assert auth.login("CASE@Example.COM").status_code == 302
    assert user.email == "case@example.com"


def test_login_continues_to_a_same_site_next_page_only(client: FlaskClient, make_user) -> None:
    user = make_user()
    data = {"email": user.email, "password": PASSWORD}
    assert client.post("/login?next=/me", data=data).headers["Location"] == "/me"
    client.post("/logout")
    assert client.post("/login?next=//evil.example/x", data=data).headers["Location"] == "/"


def test_a_cookie_copied_before_logout_no_longer_works(
    app: Flask, auth: AuthActions, client: FlaskClient, make_user
) -> None:
    user = make_user()
    auth.login(user.email, remember=True)
    copied = {c.key: c.value for c in client._cookies.values()}
    assert "session" in copied and "remember_token" in copied
    auth.logout()

    thief = app.test_client()
    for key, value in copied.items():
        thief.set_cookie(key, value, domain="circles.test")
    assert thief.get("/me").status_code == 302


def test_remember_me_survives_closing_the_browser(
    app: Flask, auth: AuthActions, client: FlaskClient, make_user
) -> None:
    user = make_user()
    auth.login(user.email, remember=True)
    remember = client.get_cookie("remember_token", domain="circles.test")
    assert remember is not None
    assert remember.expires is not None
    assert remember.expires > datetime.now(UTC) + timedelta(days=7)

    reopened = app.test_client()  # a new browser session: only the persistent cookie is left
    reopened.set_cookie("remember_token", remember.value, domain="circles.test")
    assert reopened.get("/me").status_code == 200


def test_without_remember_me_the_session_ends_with_the_browser(
    app: Flask, auth: AuthActions, client: FlaskClient, make_user
) -> None:
    user = make_user()
    auth.login(user.email)
    assert client.get_cookie("remember_token", domain="circles.test") is None
    session_cookie = client.get_cookie("session", domain="circles.test")
    assert session_cookie is not None and session_cookie.expires is None  # a browser-session cookie


def test_a_session_ends_after_twelve_idle_hours(
    auth: AuthActions, client: FlaskClient, make_user
) -> None:
    user = make_user()
    auth.login(user.email)
    with client.session_transaction() as session:
        session["seen"] = (datetime.now(UTC) - timedelta(hours=12, minutes=1)).timestamp()
    assert client.get("/me").status_code == 302


def test_a_remembered_session_outlasts_the_idle_limit(
    auth: AuthActions, client: FlaskClient, make_user
) -> None:
    user = make_user()
    auth.login(user.email, remember=True)
    with client.session_transaction() as session:
        session["seen"] = (datetime.now(UTC) - timedelta(days=3)).timestamp()
    assert client.get("/me").status_code == 200


def _request_reset(client: FlaskClient, mailbox: Mailbox, email: str) -> str:
    client.post("/password/forgot", data={"email": email})
    return link_in(mailbox.wait_for(email), "/password/reset/")


NEW_PASSWORD = "lantern over the estuary"


def test_reset_link_sets_a_new_password_once_and_ends_other_sessions(
    app: Flask, client: FlaskClient, auth: AuthActions, make_user, mailbox: Mailbox
) -> None:
    user = make_user()
    other_device = app.test_client()
    AuthActions(other_device).login(user.email)
    assert other_device.get("/me").status_code == 200

    link = _request_reset(client, mailbox, user.email)
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.headers["Location"] == "/login"

    assert other_device.get("/me").status_code == 302
    assert auth.login(user.email, PASSWORD).status_code == 400
    assert auth.login(user.email, NEW_PASSWORD).status_code == 302
    used = client.get(link)
    assert used.status_code == 400 and b"This link no longer works" in used.data


def test_reset_link_expires_after_an_hour(
    client: FlaskClient, make_user, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user()
    link = _request_reset(client, mailbox, user.email)
    later = time.time() + 3601
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    response = client.get(link)
    assert response.status_code == 400
    assert b"This link no longer works" in response.data


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", b"at least 8 characters"),
        ("password123", b"Try a few unrelated words"),
        ("qwertyuiop", b"Try a few unrelated words"),
        ("robinrobin", b"Try a few unrelated words"),
    ],
)
def test_weak_and_common_passwords_are_refused(
    client: FlaskClient, mailbox: Mailbox, password: str, message: bytes
) -> None:
    response = client.post(
        "/signup",
        data={
            "email": "weak@example.com",
            "display_name": "Robin",
            "password": password,
            "time_zone": "UTC",
        },
    )
    assert response.status_code == 400
    assert message in response.data
    assert b'value="weak@example.com"' in response.data  # what was typed is kept


def test_sign_up_needs_a_real_time_zone(client: FlaskClient) -> None:
    response = client.post(
        "/signup",
        data={
            "email": "tz@example.com",
            "display_name": "Robin",
            "password": PASSWORD,
            "time_zone": "Mars/Olympus",
        },
    )
    assert response.status_code == 400
    assert b"Choose a time zone" in response.data


def test_logout_needs_a_post(client: FlaskClient, auth: AuthActions, make_user) -> None:
    user = make_user()
    auth.login(user.email)
    assert client.get("/logout").status_code == 405
    assert client.get("/me").status_code == 200


def test_new_accounts_are_stored_lower_cased_with_an_argon2id_hash(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    sign_up(client, "Mixed@Example.com")
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "mixed@example.com"))
        assert user is not None
        assert user.password_hash.startswith("$argon2id$")
        assert user.time_zone == "Europe/Paris"


def test_signing_up_again_never_replaces_an_unconfirmed_accounts_password(
    client: FlaskClient, auth: AuthActions, mailbox: Mailbox, app: Flask
) -> None:
    sign_up(client, "owner@example.com", password="the owner's own words")
    mailbox.wait_for("owner@example.com")
    mailbox.clear()
    # Someone else types the same address with their own password and name.
    sign_up(client, "owner@example.com", password="an intruder's password", display_name="Eve")
    newest = link_in(mailbox.wait_for("owner@example.com"), "/confirm/")

    client.get(newest)  # the owner opens the newest email
    client.post("/logout")

    assert auth.login("owner@example.com", "an intruder's password").status_code == 400
    assert auth.login("owner@example.com", "the owner's own words").status_code == 302
    with app.app_context():
        owner = db.session.scalar(db.select(User).where(User.email == "owner@example.com"))
        assert owner is not None and owner.display_name == "Robin"


def test_an_unconfirmed_account_can_reset_its_password_which_confirms_it(
    client: FlaskClient, auth: AuthActions, mailbox: Mailbox
) -> None:
    sign_up(client, "forgetful@example.com", password="a password long forgotten")
    mailbox.clear()

    client.post("/password/forgot", data={"email": "forgetful@example.com"})
    reset = link_in(
        mailbox.wait_for("forgetful@example.com", containing="/password/reset/"),
        "/password/reset/",
    )
    done = client.post(
        reset, data={"password": "a fresh start at last", "confirm": "a fresh start at last"}
    )

    assert done.status_code == 302
    assert auth.login("forgetful@example.com", "a fresh start at last").status_code == 302
    assert client.get("/me").status_code == 200
