"""Presenting and the facilitator's screen: who presents, private prep, notes for the presenter.

Prep and notes are the presenter's alone; only the facilitator or a host ends a meetup; the
route sweep at the bottom checks every presenting and screen route for every role.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from circles.extensions import db
from circles.models import MeetupSeries, Notification, PresenterNote, PresenterPrep
from circles.models.base import utcnow
from circles.services.meetups import series as meetups
from circles.services.meetups.recurrence import Repeat
from circles.timezones import local
from tests.conftest import logged_in
from tests.support.pages import text

PREP = {
    "situation": "A team lead on my team cries in every 1:1 since the reorganisation.",
    "meaning": "I feel I am the only one holding them.",
    "tried": "Weekly walks.",
    "wanted": "Your experience of carrying this.",
    "not_wanted": "Advice on HR process.",
    "on_screen": "y",
}


def forum_now(app: Flask, circle_id: int, host_id: int, fmt: str = "forum") -> str:
    """A weekly, rotating series whose second meetup began ten minutes ago: its path.

    Rotation makes the second member who joined the facilitator of that meetup.
    """
    from circles.models import Circle, User
    from circles.services.meetups import operations as meetup_actions

    with app.app_context():
        circle, host = db.session.get(Circle, circle_id), db.session.get(User, host_id)
        began = local(utcnow() - timedelta(minutes=10), "Europe/London").replace(
            second=0, microsecond=0
        )
        plan = meetups.Plan(
            start_date=began.date() + timedelta(days=1),
            start_time=began.time(),
            duration_minutes=90,
            repeat=Repeat.WEEKLY,
            rotate_facilitator=True,
            format=fmt,
        )
        series = meetup_actions.schedule_series(db.session, circle, host, plan)
        db.session.commit()
        stored = db.session.get(MeetupSeries, series.id)
        stored.start_date = began.date() - timedelta(days=7)
        db.session.commit()
        (now_on,) = meetups.occurrences_between(
            db.session, [stored], utcnow() - timedelta(minutes=30), utcnow()
        )
        return f"/circles/{circle_id}/meetups/{stored.id}/{now_on.key}"


@pytest.fixture
def forum(app: Flask, make_user: Any, make_circle: Any) -> dict[str, Any]:
    host, fay, pia, bo = (make_user(display_name=n) for n in ("Hana", "Fay", "Pia", "Bo"))
    circle = make_circle(host, members=(fay, pia, bo))
    path = forum_now(app, circle.id, host.id)
    return {
        "path": path,
        "circle": circle,
        "users": {"host": host, "facilitator": fay, "presenter": pia, "member": bo},
        "clients": {
            role: logged_in(app, user)
            for role, user in {
                "host": host,
                "facilitator": fay,
                "presenter": pia,
                "member": bo,
            }.items()
        },
    }


def test_a_host_asks_a_member_who_accepts_prepares_in_private_and_reads_notes(
    app: Flask, forum: dict[str, Any]
) -> None:
    path, users, clients = forum["path"], forum["users"], forum["clients"]
    pia = users["presenter"]
    asked = clients["host"].post(path + "/presenter/ask", data={"member_id": str(pia.id)})
    assert asked.status_code == 303
    with app.app_context():
        (told,) = db.session.scalars(
            db.select(Notification).where(Notification.kind == "presenter_asked")
        ).all()
        assert told.user_id == pia.id and "Pia" not in told.body and "Hana" not in told.body
    assert "You asked Pia to present; no answer yet." in text(clients["host"].get(path))
    assert "You're asked to present" in text(clients["presenter"].get(path))
    assert clients["presenter"].get(path + "/my-prep-to-present").status_code == 404
    clients["presenter"].post(path + "/presenter/answer", data={"answer": "yes"})
    assert "You're presenting." in text(clients["presenter"].get(path))
    assert "Pia is presenting." in text(clients["member"].get(path))

    saved = clients["presenter"].post(path + "/my-prep-to-present", data=PREP)
    assert saved.status_code == 303
    assert PREP["situation"] in text(clients["presenter"].get(path + "/my-prep-to-present"))
    for role in ("host", "facilitator", "member"):
        assert clients[role].get(path + "/my-prep-to-present").status_code == 404
        assert PREP["situation"] not in text(clients[role].get(path))
    # Shown on the screen at her step, because she chose it.
    assert PREP["situation"] in text(clients["facilitator"].get(path + "/run"))
    assert PREP["situation"] not in text(clients["member"].get(path + "/run"))  # following

    note = "You held that team together; I did the same with walks and it helped me too."
    sent = clients["member"].post(path + "/notes-for-presenter", data={"body": note})
    assert sent.status_code == 303
    for role in ("member", "host", "facilitator"):
        assert note not in text(clients[role].get(path))
        assert clients[role].get(path + "/notes-for-me").status_code == 404
    assert "1 note is waiting" in text(clients["presenter"].get(path + "/notes-for-me"))
    there = [str(users[r].id) for r in ("facilitator", "presenter", "member")]
    clients["facilitator"].post(path + "/attendance", data={"present": there, "format": "forum"})
    notes_page = text(clients["presenter"].get(path + "/notes-for-me"))
    assert note in notes_page and "Bo" in notes_page
    with app.app_context():
        (stored,) = db.session.scalars(db.select(PresenterNote)).all()
        waiting = db.session.scalars(
            db.select(Notification).where(Notification.kind == "presenter_notes")
        ).all()
        assert [n.user_id for n in waiting] == [pia.id] and note not in waiting[0].body
    gone = f"{path}/notes-for-me/{stored.id}/delete"
    assert clients["member"].post(gone).status_code == 404
    assert clients["presenter"].post(gone).status_code == 303
    assert note not in text(clients["presenter"].get(path + "/notes-for-me"))


def test_only_one_presenter_and_only_in_formats_that_have_one(
    app: Flask, forum: dict[str, Any], make_user: Any, make_circle: Any
) -> None:
    path, clients = forum["path"], forum["clients"]
    assert clients["presenter"].post(path + "/presenter/volunteer").status_code == 303
    clients["member"].post(path + "/presenter/volunteer")
    assert "Pia is presenting at this meetup." in text(clients["member"].get(path))
    bo = forum["users"]["member"]
    clients["host"].post(path + "/presenter/ask", data={"member_id": str(bo.id)})
    assert "they can step back first" in text(clients["host"].get(path))
    clients["presenter"].post(path + "/presenter/step-back")
    assert "Nobody is presenting yet." in text(clients["member"].get(path))

    host = make_user(display_name="Lin")
    other = make_circle(host)
    round_path = forum_now(app, other.id, host.id, fmt="circle_round")
    lin = logged_in(app, host)
    lin.post(round_path + "/presenter/volunteer")
    assert "A Circle round meetup has no presenter." in text(lin.get(round_path))


@pytest.mark.parametrize(
    ("data", "says"),
    [({"body": ""}, "Write a note first."), ({"body": "x" * 1001}, "under 1000 characters")],
)
def test_bad_notes_are_refused_with_a_reason(
    forum: dict[str, Any], data: dict[str, str], says: str
) -> None:
    path, clients = forum["path"], forum["clients"]
    clients["presenter"].post(path + "/presenter/volunteer")
    refused = clients["member"].post(path + "/notes-for-presenter", data=data)
    assert refused.status_code == 400 and says in text(refused)
    stranger_id = "999999"
    asked = clients["host"].post(path + "/presenter/ask", data={"member_id": stranger_id})
    assert asked.status_code == 400


def test_the_screen_runs_for_the_facilitator_and_host_and_members_follow(
    app: Flask, forum: dict[str, Any], make_user: Any
) -> None:
    path, users, clients = forum["path"], forum["users"], forum["clients"]
    for role in ("facilitator", "host"):
        page = text(clients[role].get(path + "/run"))
        assert "Start the meetup" in page and "Who's here" in page
        assert "End the meetup and save who came" in page
        assert "Check-in round" in page and "Experience, not advice" in page
    follower = text(clients["member"].get(path + "/run"))
    assert "Fay runs the meetup from this screen" in follower
    assert "Start the meetup" not in follower and "Who's here" not in follower
    assert "The meetup's steps" in follower and "Run this meetup" not in follower
    assert logged_in(app, make_user()).get(path + "/run").status_code == 404
    assert "Run this meetup" in text(clients["facilitator"].get(path))
    assert "Follow the meetup's steps" in text(clients["member"].get(path))

    there = [str(users[r].id) for r in ("facilitator", "presenter", "member")]
    # The screen ends the meetup with fetch, asking for JSON: it is told where to go next.
    ended = clients["facilitator"].post(
        path + "/attendance",
        data={"present": there, "format": "forum"},
        headers={"Accept": "application/json"},
    )
    assert ended.status_code == 200 and ended.get_json() == {
        "saved": True,
        "url": ended.get_json()["url"],
    }
    assert ended.get_json()["url"].endswith(path + "#after-heading")
    assert "Saved: who came" in text(clients["facilitator"].get(path))
    history = text(clients["member"].get(f"/circles/{forum['circle'].id}"))
    assert "Forum" in history and "Bo, Fay, Pia" in history
    refused = clients["member"].post(path + "/attendance", data={"present": there})
    assert refused.status_code == 403
    # Someone who came can ask for a check-in with the facilitator or their buddy.
    clients["host"].post(
        f"/circles/{forum['circle'].id}/host/buddies", data={"on": "y", "period_days": "14"}
    )
    after = text(clients["member"].get(path))
    assert "I'd like a check-in after this" in after and "Fay (facilitator)" in after
    assert "(buddy)" in after
    assert "I'd like a check-in after this" not in text(clients["host"].get(path))  # not there


# Every presenting and screen route, for every role: (method, path suffix, {role: status}).
# The presenter has volunteered and written a note-worthy prep; Bo has sent one note.
SWEEP: list[tuple[str, str, dict[str, int]]] = [
    (
        "GET",
        "/run",
        {"outsider": 404, "member": 200, "presenter": 200, "facilitator": 200, "host": 200},
    ),
    (
        "GET",
        "/my-prep-to-present",
        {"outsider": 404, "member": 404, "facilitator": 404, "host": 404, "presenter": 200},
    ),
    (
        "GET",
        "/notes-for-me",
        {"outsider": 404, "member": 404, "facilitator": 404, "host": 404, "presenter": 200},
    ),
    (
        "POST",
        "/notes-for-me/{note}/delete",
        {"outsider": 404, "member": 404, "facilitator": 404, "host": 404},
    ),
    ("POST", "/attendance", {"outsider": 404, "member": 403, "presenter": 403}),
    (
        "POST",
        "/presenter/ask",
        {"outsider": 404, "member": 403, "presenter": 403, "facilitator": 403},
    ),
]


def test_every_route_for_every_role(app: Flask, forum: dict[str, Any], make_user: Any) -> None:
    path, users, clients = forum["path"], forum["users"], dict(forum["clients"])
    clients["outsider"] = logged_in(app, make_user(display_name="Out"))
    clients["presenter"].post(path + "/presenter/volunteer")
    clients["presenter"].post(path + "/my-prep-to-present", data=PREP)
    clients["member"].post(path + "/notes-for-presenter", data={"body": "For you."})
    with app.app_context():
        note_id = db.session.scalars(db.select(PresenterNote.id)).one()
    for method, suffix, expected in SWEEP:
        for role, status in expected.items():
            url = path + suffix.format(note=note_id)
            answer = clients[role].open(
                url, method=method, data={"member_id": str(users["member"].id)}
            )
            assert answer.status_code == status, (method, suffix, role)
    with app.app_context():
        assert db.session.scalars(db.select(PresenterNote)).all()  # nobody else deleted it
        assert db.session.scalars(db.select(PresenterPrep)).one().user_id == users["presenter"].id


def test_prep_and_notes_for_me_are_in_my_export_and_go_with_my_account(
    app: Flask, forum: dict[str, Any]
) -> None:
    path, clients = forum["path"], forum["clients"]
    clients["presenter"].post(path + "/presenter/volunteer")
    clients["presenter"].post(path + "/my-prep-to-present", data=PREP)
    clients["member"].post(path + "/notes-for-presenter", data={"body": "Thinking of you."})
    mine = clients["presenter"].get("/me/export").get_json()
    assert mine["prep_to_present"][0]["situation"] == PREP["situation"]
    assert mine["notes_for_me_as_presenter"][0]["body"] == "Thinking of you."
    theirs = clients["member"].get("/me/export").get_json()
    assert theirs["prep_to_present"] == [] and theirs["notes_for_me_as_presenter"] == []


def test_notes_wait_until_the_meetup_is_over(app: Flask, forum: dict[str, Any]) -> None:
    path, users, clients = forum["path"], forum["users"], forum["clients"]
    clients["presenter"].post(path + "/presenter/volunteer")
    clients["member"].post(path + "/notes-for-presenter", data={"body": "Breathe."})
    waiting = text(clients["presenter"].get(path + "/notes-for-me"))
    assert "1 note is waiting for you" in waiting and "Breathe." not in waiting
    there = [str(users[r].id) for r in ("facilitator", "presenter", "member")]
    clients["facilitator"].post(path + "/attendance", data={"present": there, "format": "forum"})
    assert "Breathe." in text(clients["presenter"].get(path + "/notes-for-me"))


def test_ending_a_meetup_that_has_not_begun_says_why(
    app: Flask, make_user: Any, make_circle: Any
) -> None:
    host = make_user(display_name="Hana")
    circle = make_circle(host)
    hana = logged_in(app, host)
    soon = hana.post(
        f"/circles/{circle.id}/meetups/new",
        data={
            "start_date": (utcnow() + timedelta(days=10)).date().isoformat(),
            "start_time": "19:00",
            "duration_minutes": "90",
            "repeat": "none",
            "format": "circle_round",
        },
    )
    path = soon.headers["Location"]
    assert "who came can be saved from half an hour before it starts" in text(
        hana.get(path + "/run")
    )
    refused = hana.post(
        path + "/attendance",
        data={"present": [str(host.id)], "format": "circle_round"},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 409
    assert refused.get_json() == {"error": "This meetup hasn't started yet."}
