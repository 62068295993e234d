"""Ways to reach me: added on Me, shared per circle, shown as buttons to that circle only."""

from __future__ import annotations

from flask import Flask

from circles.extensions import db
from circles.models import ReachShare, ReachWay
from tests.conftest import logged_in
from tests.support.pages import text


def test_a_shared_phone_number_is_a_tel_link_for_the_circle_and_no_one_else(
    app: Flask, make_user, make_circle
) -> None:
    leader = make_user(display_name="Lee", time_zone="Europe/London")
    peer, outsider = make_user(display_name="Pia"), make_user(display_name="Oz")
    circle = make_circle(leader, members=(peer,))
    other = make_circle(outsider, members=(leader,), name="Other circle")
    lee = logged_in(app, leader)
    added = lee.post("/me/reach", data={"kind": "phone", "value": "07911 123456"})
    assert added.status_code == 303
    me = text(lee.get("/me"))
    assert "Phone (call and text): +44 7911 123456" in me and "Your circle sees this" in me
    assert 'href="tel:' not in logged_in(app, peer).get(f"/circles/{circle.id}").get_data(True)

    lee.post("/me/reach/sharing", data={"circles": [str(circle.id)]})
    page = logged_in(app, peer).get(f"/circles/{circle.id}").get_data(as_text=True)
    assert 'href="tel:+447911123456"' in page and 'href="sms:+447911123456"' in page
    elsewhere = logged_in(app, outsider).get(f"/circles/{other.id}").get_data(as_text=True)
    assert "+447911123456" not in elsewhere  # not shared with that circle

    lee.post(f"/circles/{circle.id}/checkins/signal", data={"kind": "checkin", "action": "raise"})
    today = logged_in(app, peer).get("/").get_data(as_text=True)
    assert "could use a check-in" in today and 'href="tel:+447911123456"' in today


def test_leaving_a_circle_stops_sharing_with_it(app: Flask, make_user, make_circle) -> None:
    host, member = make_user(), make_user()
    circle = make_circle(host, members=(member,))
    client = logged_in(app, member)
    client.post("/me/reach", data={"kind": "email", "value": "me@example.org"})
    client.post("/me/reach/sharing", data={"circles": [str(circle.id)]})
    client.post(f"/circles/{circle.id}/leave")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ReachShare)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(ReachWay)) == 1


def test_a_way_that_cannot_be_used_is_refused_with_the_input_kept(app: Flask, make_user) -> None:
    client = logged_in(app, make_user())
    refused = client.post("/me/reach", data={"kind": "phone", "value": "12"})
    assert refused.status_code == 400
    assert "Add the country code" in text(refused) and 'value="12"' in refused.get_data(True)
    assert client.post("/me/reach", data={"kind": "fax", "value": "1"}).status_code == 400
    assert (
        client.post("/me/reach/sharing", data={"circles": ["999999"]}).status_code == 303
    )  # not one of mine: nothing changes
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ReachShare)) == 0


def test_only_the_owner_can_remove_a_way(app: Flask, make_user) -> None:
    owner, other = make_user(), make_user()
    logged_in(app, owner).post("/me/reach", data={"kind": "telegram", "value": "@owner_here"})
    with app.app_context():
        way_id = db.session.scalar(db.select(ReachWay.id))
    assert logged_in(app, other).post(f"/me/reach/{way_id}/remove").status_code == 404
    assert logged_in(app, owner).post(f"/me/reach/{way_id}/remove").status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ReachWay)) == 0


def test_adding_a_way_says_who_sees_it(app: Flask, make_user, make_circle) -> None:
    leader = make_user()
    circle = make_circle(leader, members=(make_user(),))
    lee = logged_in(app, leader)
    first = lee.post("/me/reach", data={"kind": "email", "value": "lee@example.org"})
    assert "Only you see it until you choose circles" in text(lee.get(first.headers["Location"]))
    lee.post("/me/reach/sharing", data={"circles": [str(circle.id)]})
    second = lee.post("/me/reach", data={"kind": "phone", "value": "07911 123456"})
    assert "Circles you share with see it" in text(lee.get(second.headers["Location"]))
