"""Export my data and delete my account."""

from __future__ import annotations

from flask import Flask

from circles.extensions import db
from circles.models import BuddyRound, Circle, DeckPrompt, LoadEntry, PromptAssignment, User
from circles.models.base import utcnow
from tests.conftest import PASSWORD, logged_in
from tests.support.pages import text


def test_export_has_my_data_and_not_other_peoples(app: Flask, make_user, make_circle) -> None:
    me, peer = make_user(display_name="Me"), make_user(display_name="Peer")
    circle = make_circle(me, members=(peer,), name="Harbour")
    mine, theirs = logged_in(app, me), logged_in(app, peer)
    mine.post("/log", data={"intensity": "4", "client_id": "export-0001"})
    theirs.post("/log", data={"intensity": "2", "client_id": "export-0002"})
    theirs.post(
        f"/circles/{circle.id}/prompts", data={"text": "Peer's question?", "anonymous": "y"}
    )
    mine.post(f"/circles/{circle.id}/prompts", data={"text": "My question?"})
    mine.post("/me/reach", data={"kind": "telegram", "value": "@my_handle"})
    theirs.post("/me/reach", data={"kind": "telegram", "value": "@peer_handle"})
    response = mine.get("/me/export")
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.json
    assert data["profile"]["display_name"] == "Me"
    assert [c["name"] for c in data["circles"]] == ["Harbour"]
    assert [e["intensity"] for e in data["load_entries"]] == [4]
    assert [p["text"] for p in data["prompts_written"]] == ["My question?"]
    assert "Peer's question?" not in response.get_data(as_text=True)
    assert [w["value"] for w in data["ways_to_reach_me"]] == ["my_handle"]
    assert "peer_handle" not in response.get_data(as_text=True)


def test_deleting_needs_the_password_and_removes_everything_mine(
    app: Flask, make_user, make_circle
) -> None:
    host, me = make_user(), make_user()
    circle = make_circle(host, members=(me,))
    client = logged_in(app, me)
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
    response = logged_in(app, host).post("/me/delete", data={"password": PASSWORD})
    assert response.status_code == 400
    assert "You're the only host of Harbour" in text(response)
    with app.app_context():
        assert db.session.get(User, host.id) is not None


def test_a_circle_only_i_am_in_closes_with_my_account(app: Flask, make_user, make_circle) -> None:
    me = make_user()
    circle = make_circle(me)
    logged_in(app, me).post("/me/delete", data={"password": PASSWORD})
    with app.app_context():
        assert db.session.get(Circle, circle.id) is None


def test_deleting_takes_my_prompts_out_of_decks_and_history_and_me_out_of_buddy_rounds(
    app: Flask, make_user, make_circle
) -> None:
    host, me, third = make_user(display_name="Hana"), make_user(), make_user(display_name="Bo")
    circle = make_circle(host, members=(me, third))
    mine, hosting = logged_in(app, me), logged_in(app, host)
    mine.post(f"/circles/{circle.id}/prompts", data={"text": "Canary-4471 question?"})
    hosting.post(f"/circles/{circle.id}/host/buddies", data={"on": "y", "period_days": "14"})
    with app.app_context():
        prompt = db.session.scalar(db.select(DeckPrompt).where(DeckPrompt.author_id == me.id))
        db.session.add(
            PromptAssignment(
                circle_id=circle.id,
                series_id=_series(circle.id),
                occurrence_key="20260101T190000Z",
                occurrence_start=utcnow(),
                prompt_id=prompt.id,
                text=prompt.text,
            )
        )
        db.session.commit()
    assert "Canary-4471" in text(hosting.get(f"/circles/{circle.id}/prompts"))

    assert "The prompts you wrote are deleted" in text(mine.get("/me/delete"))
    mine.post("/me/delete", data={"password": PASSWORD})

    assert "Canary-4471" not in text(hosting.get(f"/circles/{circle.id}/prompts"))
    with app.app_context():
        kept = db.session.scalars(db.select(PromptAssignment.text)).all()
        assert kept == ["A prompt from someone who has left"]
        rounds = db.session.scalars(db.select(BuddyRound)).all()
        assert rounds  # the pairing made before the deletion is still there, without me
        for row in rounds:
            assert str(me.id) not in row.roster.split(",")
            assert all(str(me.id) not in g.split(",") for g in row.groups.split(";"))


def _series(circle_id: int) -> int:
    from datetime import time, timedelta

    from circles.services.meetups import operations as meetup_actions
    from circles.services.meetups.recurrence import Repeat
    from circles.services.meetups.series import Plan

    circle = db.session.get(Circle, circle_id)
    host = db.session.get(User, circle.created_by_id) if circle else None
    plan = Plan(
        start_date=utcnow().date() + timedelta(days=3),
        start_time=time(19, 0),
        duration_minutes=60,
        repeat=Repeat.WEEKLY,
    )
    return meetup_actions.schedule_series(db.session, circle, host, plan).id
