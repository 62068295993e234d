"""Export my data and delete my account."""

from __future__ import annotations

from flask import Flask

from circles.extensions import db
from circles.models import Circle, LoadEntry, User
from tests.conftest import PASSWORD, AuthActions
from tests.support.pages import text


def _client(app: Flask, user):
    client = app.test_client()
    AuthActions(client).login(user.email)
    return client


def test_export_has_my_data_and_not_other_peoples(app: Flask, make_user, make_circle) -> None:
    me, peer = make_user(display_name="Me"), make_user(display_name="Peer")
    circle = make_circle(me, members=(peer,), name="Harbour")
    mine, theirs = _client(app, me), _client(app, peer)
    mine.post("/log", data={"intensity": "4", "client_id": "export-0001"})
    theirs.post("/log", data={"intensity": "2", "client_id": "export-0002"})
    theirs.post(
        f"/circles/{circle.id}/prompts", data={"text": "Peer's question?", "anonymous": "y"}
    )
    mine.post(f"/circles/{circle.id}/prompts", data={"text": "My question?"})
    response = mine.get("/me/export")
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.json
    assert data["profile"]["display_name"] == "Me"
    assert [c["name"] for c in data["circles"]] == ["Harbour"]
    assert [e["intensity"] for e in data["load_entries"]] == [4]
    assert [p["text"] for p in data["prompts_written"]] == ["My question?"]
    assert "Peer's question?" not in response.get_data(as_text=True)


def test_deleting_needs_the_password_and_removes_everything_mine(
    app: Flask, make_user, make_circle
) -> None:
    host, me = make_user(), make_user()
    circle = make_circle(host, members=(me,))
    client = _client(app, me)
    client.post("/log", data={"intensity": "4", "client_id": "delete-0001"})
    wrong = client.post("/me/delete", data={"password": "not it"})
    assert wrong.status_code == 400 and "That isn't your password." in text(wrong)
    done = client.post("/me/delete", data={"password": PASSWORD})
    assert done.status_code == 303
    assert client.get("/me").status_code == 302
    with app.app_context():
        assert db.session.get(User, me.id) is None
        assert db.session.scalar(db.select(db.func.count()).select_from(LoadEntry)) == 0
        assert db.session.get(Circle, circle.id).member_count == 1


def test_the_only_host_of_a_shared_circle_hands_over_first(
    app: Flask, make_user, make_circle
) -> None:
    host, peer = make_user(), make_user()
    make_circle(host, members=(peer,), name="Harbour")
    response = _client(app, host).post("/me/delete", data={"password": PASSWORD})
    assert response.status_code == 400
    assert "You're the only host of Harbour" in text(response)
    with app.app_context():
        assert db.session.get(User, host.id) is not None


def test_a_circle_only_i_am_in_closes_with_my_account(app: Flask, make_user, make_circle) -> None:
    me = make_user()
    circle = make_circle(me)
    _client(app, me).post("/me/delete", data={"password": PASSWORD})
    with app.app_context():
        assert db.session.get(Circle, circle.id) is None
