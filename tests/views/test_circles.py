"""Circles as members and hosts use them: start, invite, join, manage, leave, close."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from circles.extensions import db
from circles.models import Circle, Invite, Membership
from tests.conftest import AuthActions
from tests.support.pages import text


def _invite_link(client: FlaskClient, circle_id: int, **form: str) -> str:
    made = client.post(f"/circles/{circle_id}/host/invites", data={"valid_days": "7", **form})
    assert made.status_code == 303  # a reload of the page that follows makes no second link
    response = client.get(made.headers["Location"])
    assert response.status_code == 200
    match = re.search(r'value="https?://[^/"]+(/join/[^"]+)"', response.get_data(as_text=True))
    assert match, "the new link is shown once"
    return match.group(1)


def _member_client(app: Flask, user) -> FlaskClient:
    client = app.test_client()
    AuthActions(client).login(user.email)
    return client


def test_starting_a_circle_makes_me_its_host(
    app: Flask, client: FlaskClient, auth, make_user
) -> None:
    user = make_user(time_zone="Asia/Tokyo")
    auth.login(user.email)
    form = client.get("/circles/new")
    assert b"Asia/Tokyo" in form.data
    assert "What is said in the circle stays in the circle" in text(form)
    response = client.post(
        "/circles/new",
        data={
            "name": "Friday peers",
            "purpose": "For new managers",
            "member_cap": "6",
            "time_zone": "Asia/Tokyo",
            "agreement": "Stays here.",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "Host tools" in text(page)
    home = text(client.get("/"))
    assert "Friday peers" in home and "1 of 6 seats" in home


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "Give the circle a name."),
        ({"name": "   "}, "Give the circle a name."),  # spaces alone are no name
        ({"member_cap": "11"}, "A circle has 3 to 10 seats."),
        ({"member_cap": "2"}, "A circle has 3 to 10 seats."),
        ({"time_zone": "Moon/Base"}, "Choose a time zone"),
        ({"agreement": ""}, "A circle needs an agreement everyone accepts."),
        ({"agreement": " \n\t "}, "A circle needs an agreement everyone accepts."),
    ],
)
def test_a_bad_circle_form_says_why_and_keeps_the_input(
    client: FlaskClient, auth, make_user, change: dict[str, str], message: str
) -> None:
    auth.login(make_user().email)
    data = {
        "name": "Kept name",
        "purpose": "Kept purpose",
        "member_cap": "8",
        "time_zone": "UTC",
        "agreement": "Kept agreement",
    } | change
    response = client.post("/circles/new", data=data)
    assert response.status_code == 400
    assert message in text(response)
    assert "Kept purpose" in text(response)


def test_an_invite_link_brings_someone_in_through_sign_up(
    app: Flask, client: FlaskClient, make_user, make_circle, mailbox
) -> None:
    host = make_user()
    circle = make_circle(host, name="Harbour circle", purpose="Leaders in care work")
    link = _invite_link(_member_client(app, host), circle.id)

    landing = client.get(link)
    page = text(landing)
    assert "You've been invited to join" in page and "Harbour circle" in page
    assert "Leaders in care work" in page and "7 seats left" in page
    assert "What is said in the circle stays in the circle" in page

    signup = re.search(r'href="(/signup\?next=[^"]+)"', landing.get_data(as_text=True))
    assert signup
    client.post(
        signup.group(1).replace("&amp;", "&"),
        data={
            "email": "newcomer@example.com",
            "display_name": "Nia",
            "password": "quiet harbour at dawn",
            "time_zone": "UTC",
        },
    )
    from tests.support.mailbox import link_in

    email = mailbox.wait_for("newcomer@example.com")
    assert "join Harbour circle" in email.get_content()
    confirmed = client.get(link_in(email, "/confirm/"))
    assert confirmed.headers["Location"] == link  # the invite is not lost

    refused = client.post(link, data={})
    assert refused.status_code == 400
    assert "accept the circle's agreement" in text(refused)
    joined = client.post(link, data={"agree": "y"}, follow_redirects=True)
    assert "Welcome to Harbour circle." in text(joined)
    assert "Nia" in text(joined)


def test_dead_invites_say_why_and_show_only_the_name(app: Flask, make_user, make_circle) -> None:
    host = make_user()
    circle = make_circle(host, name="Quiet circle", purpose="Secret purpose")
    host_client = _member_client(app, host)
    link = _invite_link(host_client, circle.id)
    with app.app_context():
        invite = db.session.scalar(db.select(Invite))
        invite_id = invite.id
    host_client.post(f"/circles/{circle.id}/host/invites/{invite_id}/revoke")

    guest = _member_client(app, make_user())
    response = guest.get(link)
    assert response.status_code == 410
    page = text(response)
    assert "Quiet circle" in page and "withdrawn" in page
    assert "Secret purpose" not in page and "stays in the circle" not in page


def test_a_full_circle_says_so(app: Flask, make_user, make_circle) -> None:
    host = make_user()
    circle = make_circle(host, member_cap=3, members=(make_user(), make_user()))
    link = _invite_link(_member_client(app, host), circle.id)
    response = _member_client(app, make_user()).get(link)
    assert response.status_code == 410
    assert "This circle is full" in text(response)


def test_unknown_invite_links_are_404(client: FlaskClient) -> None:
    assert client.get("/join/not-a-real-token").status_code == 404


def test_two_people_racing_for_the_last_seat(app: Flask, make_user, make_circle) -> None:
    host = make_user()
    circle = make_circle(host, member_cap=3, members=(make_user(),))
    link = _invite_link(_member_client(app, host), circle.id)
    racers = [_member_client(app, make_user()) for _ in range(4)]
    start = threading.Barrier(len(racers))
    results: list[Any] = [None] * len(racers)

    def race(index: int) -> None:
        start.wait()
        response = racers[index].post(link, data={"agree": "y"})
        results[index] = (response.status_code, text(response))

    threads = [threading.Thread(target=race, args=(i,)) for i in range(len(racers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    statuses = sorted(status for status, _ in results)
    assert statuses == [303, 410, 410, 410]
    assert all("This circle is full" in body for status, body in results if status == 410)
    with app.app_context():
        assert db.session.get(Circle, circle.id).member_count == 3
        count = db.session.scalar(
            db.select(db.func.count())
            .select_from(Membership)
            .where(Membership.circle_id == circle.id)
        )
        assert count == 3


def test_hosts_manage_members_and_the_last_host_stays(app: Flask, make_user, make_circle) -> None:
    host, member = make_user(), make_user(display_name="Mo")
    circle = make_circle(host, members=(member,))
    client = _member_client(app, host)
    with app.app_context():
        theirs = db.session.scalar(db.select(Membership).where(Membership.user_id == member.id))
        mine = db.session.scalar(db.select(Membership).where(Membership.user_id == host.id))
        their_id, my_id = theirs.id, mine.id

    refused = client.post(f"/circles/{circle.id}/host/step-down", follow_redirects=True)
    assert "A circle needs a host" in text(refused)
    refused = client.post(f"/circles/{circle.id}/leave", follow_redirects=True)
    assert "A circle needs a host" in text(refused)

    client.post(f"/circles/{circle.id}/host/members/{their_id}/make-host")
    page = text(client.post(f"/circles/{circle.id}/host/step-down", follow_redirects=True))
    assert "no longer a host" in page
    assert client.get(f"/circles/{circle.id}/host").status_code == 403

    mo = _member_client(app, member)
    mo.post(f"/circles/{circle.id}/host/members/{my_id}/remove")
    assert client.get(f"/circles/{circle.id}").status_code == 404


def test_a_member_leaves(app: Flask, make_user, make_circle) -> None:
    host, member = make_user(), make_user()
    circle = make_circle(host, members=(member,))
    client = _member_client(app, member)
    response = client.post(f"/circles/{circle.id}/leave", follow_redirects=True)
    assert "You've left the circle." in text(response)
    assert client.get(f"/circles/{circle.id}").status_code == 404


def test_closing_needs_confirmation_and_removes_it_for_everyone(
    app: Flask, make_user, make_circle
) -> None:
    host, member = make_user(), make_user()
    circle = make_circle(host, members=(member,))
    client = _member_client(app, host)
    unconfirmed = client.post(f"/circles/{circle.id}/close", data={})
    assert unconfirmed.status_code == 400
    assert "Tick the box to confirm" in text(unconfirmed)
    client.post(f"/circles/{circle.id}/close", data={"understood": "y"})
    assert _member_client(app, member).get(f"/circles/{circle.id}").status_code == 404


def test_the_circle_page_lists_members_with_the_host_marked(
    app: Flask, make_user, make_circle
) -> None:
    host, member = make_user(display_name="Hana"), make_user(display_name="Mo")
    circle = make_circle(host, members=(member,))
    page = text(_member_client(app, member).get(f"/circles/{circle.id}"))
    assert "Hana" in page and "Mo (you)" in page and "Host" in page
    assert "Host tools" not in page  # visible to hosts only


def test_invites_list_their_expiry_and_use_count(app: Flask, make_user, make_circle) -> None:
    host = make_user()
    circle = make_circle(host)
    client = _member_client(app, host)
    link = _invite_link(client, circle.id, single_use="y")
    _member_client(app, make_user()).post(link, data={"agree": "y"})
    page = text(client.get(f"/circles/{circle.id}/host"))
    assert "Used links" in page and "for one person: used." in page
    assert "Links that still work" not in page
    _invite_link(client, circle.id, valid_days="3")
    page = text(client.get(f"/circles/{circle.id}/host"))
    working = page.split("Links that still work")[1].split("Used links")[0]
    assert "Works until" in working and "Used 0 times." in working


def test_a_new_invite_link_is_shown_once_and_a_reload_makes_no_second(
    app: Flask, make_user, make_circle
) -> None:
    host = make_user()
    circle = make_circle(host)
    client = _member_client(app, host)
    _invite_link(client, circle.id)
    again = client.get(f"/circles/{circle.id}/host")
    assert "Your new invite link" not in text(again)
    assert text(again).count("Used 0 times.") == 1
    old_address = client.get(f"/circles/{circle.id}/host/invites")
    assert old_address.status_code == 303
    assert old_address.headers["Location"].endswith(f"/circles/{circle.id}/host")


def test_sign_up_from_an_invite_names_the_circle(
    app: Flask, client: FlaskClient, make_user, make_circle
) -> None:
    host = make_user()
    circle = make_circle(host, name="Harbour circle")
    link = _invite_link(_member_client(app, host), circle.id)
    page = text(client.get(f"/signup?next={link}"))
    assert "You've been invited to join Harbour circle" in page
    assert "Harbour circle" not in text(client.get("/signup?next=/join/not-a-token"))


def test_circle_cards_show_the_next_meetup_and_a_signal_dot(
    app: Flask, make_user, make_circle
) -> None:
    from datetime import date, timedelta

    host, peer = make_user(), make_user(display_name="Alex")
    circle = make_circle(host, members=(peer,), name="Harbour circle")
    hosting = _member_client(app, host)
    soon = (date.today() + timedelta(days=3)).isoformat()  # noqa: DTZ011
    hosting.post(
        f"/circles/{circle.id}/meetups/new",
        data={
            "start_date": soon,
            "start_time": "19:00",
            "duration_minutes": "90",
            "repeat": "weekly",
        },
    )
    _member_client(app, peer).post(
        f"/circles/{circle.id}/checkins/signal", data={"kind": "checkin", "action": "raise"}
    )
    cards = text(hosting.get("/circles"))
    assert "Next:" in cards and "someone could use a check-in" in cards
    assert "someone could use a check-in" not in text(_member_client(app, peer).get("/circles"))


def test_a_double_tap_on_join_makes_one_membership_and_no_error(
    app: Flask, make_user, make_circle
) -> None:
    host = make_user()
    circle = make_circle(host)
    link = _invite_link(_member_client(app, host), circle.id)
    guest = make_user()
    taps = [_member_client(app, guest) for _ in range(3)]
    start = threading.Barrier(len(taps))
    statuses: list[int] = []

    def tap(client: FlaskClient) -> None:
        start.wait()
        statuses.append(client.post(link, data={"agree": "y"}).status_code)

    threads = [threading.Thread(target=tap, args=(c,)) for c in taps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert all(status in (302, 303) for status in statuses), statuses
    with app.app_context():
        assert db.session.get(Circle, circle.id).member_count == 2
