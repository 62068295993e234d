"""Emailed and shared links never follow the Host header; X-Forwarded-* only from a proxy."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask, request, url_for

from circles.links import base_url, served_url
from tests.conftest import PASSWORD
from tests.support.mailbox import Mailbox, link_in

EVIL = "http://evil.example"


def _mail_app(make_app: Callable[..., Flask], mailbox: Mailbox, **settings: object) -> Flask:
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port, **settings)


def test_a_forged_host_gets_no_reset_link_to_its_own_site(
    make_app: Callable[..., Flask], mailbox: Mailbox, make_user
) -> None:
    app = _mail_app(make_app, mailbox)  # PUBLIC_URL unset; SERVER_NAME is circles.test
    user = make_user()
    client = app.test_client()
    response = client.post(
        "/password/forgot", data={"email": user.email}, base_url=EVIL, headers={"Host": "evil"}
    )
    assert response.status_code == 200
    body = mailbox.wait_for(user.email).get_content()
    assert "evil" not in body
    assert "http://circles.test/password/reset/" in body
    # The link that did go out works on the real site.
    reset = client.post(
        link_in(mailbox.wait_for(user.email), "/password/reset/"),
        data={"password": "a brand new harbour", "confirm": "a brand new harbour"},
    )
    assert reset.status_code == 302


def test_a_forged_host_gets_no_confirmation_link_either(
    make_app: Callable[..., Flask], mailbox: Mailbox
) -> None:
    app = _mail_app(make_app, mailbox, PUBLIC_URL="https://circles.example.org", SERVER_NAME=None)
    client = app.test_client()
    form = {
        "email": "new@example.com",
        "display_name": "New",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "time_zone": "Europe/London",
    }
    # With PUBLIC_URL set, only its host is trusted: a forged Host is refused outright.
    assert client.post("/signup", data=form, base_url=EVIL).status_code == 400
    assert mailbox.sent_to("new@example.com") == []
    assert (
        client.post("/signup", data=form, base_url="https://circles.example.org").status_code == 200
    )
    body = mailbox.wait_for("new@example.com").get_content()
    assert "https://circles.example.org/confirm/" in body


def test_without_public_url_or_server_name_links_name_the_development_server(
    make_app: Callable[..., Flask], mailbox: Mailbox, make_user
) -> None:
    app = _mail_app(make_app, mailbox, SERVER_NAME=None)
    user = make_user()
    app.test_client().post("/password/forgot", data={"email": user.email}, base_url=EVIL)
    body = mailbox.wait_for(user.email).get_content()
    assert "http://127.0.0.1:5000/password/reset/" in body and "evil" not in body


def test_extra_trusted_hosts_let_a_local_health_probe_in(make_app: Callable[..., Flask]) -> None:
    app = make_app(
        PUBLIC_URL="https://circles.example.org",
        EXTRA_TRUSTED_HOSTS=["localhost"],
        SERVER_NAME=None,
    )
    client = app.test_client()
    assert client.get("/healthz", base_url="http://localhost").status_code == 200
    assert client.get("/healthz", base_url="http://other.example").status_code == 400


def test_the_calendar_link_on_me_starts_with_public_url(
    make_app: Callable[..., Flask], make_user
) -> None:
    app = make_app(PUBLIC_URL="https://circles.example.org/", SERVER_NAME=None)
    user = make_user()
    client = app.test_client()
    site = "https://circles.example.org"
    client.post("/login", data={"email": user.email, "password": PASSWORD}, base_url=site)
    page = client.get("/me", base_url=site).get_data(as_text=True)
    assert "https://circles.example.org/calendar/" in page
    assert "webcal://circles.example.org/calendar/" in page


def test_a_new_invite_link_starts_with_public_url(
    make_app: Callable[..., Flask], make_user, make_circle
) -> None:
    app = make_app(PUBLIC_URL="https://circles.example.org", SERVER_NAME=None)
    host = make_user()
    circle = make_circle(host)
    client = app.test_client()
    site = "https://circles.example.org"
    client.post("/login", data={"email": host.email, "password": PASSWORD}, base_url=site)
    page = client.post(
        f"/circles/{circle.id}/host/invites",
        data={"valid_days": "7"},
        base_url=site,
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "https://circles.example.org/join/" in page


def _with_probe(app: Flask) -> Flask:
    """A route that shows what the app believes about the request."""

    def probe() -> dict[str, str | None]:
        return {
            "client": request.remote_addr,
            "scheme": request.scheme,
            "external": url_for("main.index", _external=True),
        }

    app.add_url_rule("/probe", "probe", probe)
    return app


FORWARDED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}


def test_forwarded_headers_are_ignored_without_a_configured_proxy(
    make_app: Callable[..., Flask],
) -> None:
    client = _with_probe(make_app(SERVER_NAME=None)).test_client()
    seen = client.get("/probe", headers=FORWARDED, environ_base={"REMOTE_ADDR": "10.0.0.5"}).json
    assert seen == {"client": "10.0.0.5", "scheme": "http", "external": "http://localhost/"}


def test_forwarded_headers_from_the_configured_proxy_are_honoured(
    make_app: Callable[..., Flask],
) -> None:
    client = _with_probe(make_app(SERVER_NAME=None, PROXY_HOPS=1)).test_client()
    seen = client.get("/probe", headers=FORWARDED, environ_base={"REMOTE_ADDR": "10.0.0.5"}).json
    assert seen == {"client": "203.0.113.9", "scheme": "https", "external": "https://localhost/"}


def test_with_one_hop_only_the_address_the_proxy_saw_counts(
    make_app: Callable[..., Flask],
) -> None:
    client = _with_probe(make_app(SERVER_NAME=None, PROXY_HOPS=1)).test_client()
    # A client's own X-Forwarded-For comes first; the proxy appends the address it saw.
    headers = {"X-Forwarded-For": "198.51.100.1, 203.0.113.9"}
    assert client.get("/probe", headers=headers).json["client"] == "203.0.113.9"


@pytest.mark.parametrize(("hops", "expected"), [(0, [400, 400, 429]), (1, [400, 400, 400])])
def test_rate_limits_count_the_real_client_address(
    make_app: Callable[..., Flask], hops: int, expected: list[int]
) -> None:
    app = make_app(
        RATELIMIT_ENABLED=True,
        AUTH_RATE_LIMIT="2 per minute",
        ACCOUNT_RATE_LIMIT="100 per minute",
        PROXY_HOPS=hops,
    )
    client = app.test_client()
    statuses = [
        client.post(
            "/login",
            data={"email": f"someone{n}@example.com", "password": "x"},
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
            environ_base={"REMOTE_ADDR": "10.0.0.5"},
        ).status_code
        for n in range(3)
    ]
    assert statuses == expected


@pytest.mark.parametrize(
    ("host", "port", "opened_at"),
    [
        ("127.0.0.1", 5188, "http://127.0.0.1:5188"),
        ("0.0.0.0", 8000, "http://127.0.0.1:8000"),  # every address: this machine's
        ("::", 8000, "http://127.0.0.1:8000"),
        ("::1", 8000, "http://[::1]:8000"),
        ("circles.local", 80, "http://circles.local:80"),
    ],
)
def test_without_a_public_url_links_go_where_circles_serve_listens(
    host: str, port: int, opened_at: str
) -> None:
    assert base_url({"SERVED_URL": served_url(host, port)}) == opened_at
    assert base_url({"SERVED_URL": served_url(host, port), "PUBLIC_URL": EVIL}) == EVIL
