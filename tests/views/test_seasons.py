"""Season pages: who may do what, refusals with 4xx and nothing half-written, private summaries."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader

from circles.extensions import db
from circles.models import Circle, Membership, Season, SeasonMember, SeasonWaitlist
from tests.conftest import logged_in
from tests.support.pages import text

TODAY = date.today()  # noqa: DTZ011


@pytest.fixture
def scene(app: Flask, make_user, make_circle) -> dict[str, Any]:
    host, ana, bo = (make_user(display_name=n) for n in ("Hana", "Ana", "Bo"))
    circle = make_circle(host, members=(ana, bo), name="Harbour", member_cap=4)
    return {
        "circle": circle,
        "url": f"/circles/{circle.id}/season",
        "host": logged_in(app, host),
        "ana": logged_in(app, ana),
        "bo": logged_in(app, bo),
        "users": {"host": host, "ana": ana, "bo": bo},
    }


def _start(scene: dict[str, Any], days_ago: int = 50, **extra: str) -> Any:
    data = {
        "starts_on": (TODAY - timedelta(days=days_ago)).isoformat(),
        "length": "2",
        "unit": "months",
        **extra,
    }
    return scene["host"].post(scene["url"] + "/start", data=data)


def _count(app: Flask, model: Any) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model)) or 0


def test_a_host_starts_a_season_and_members_see_its_week(app: Flask, scene) -> None:
    assert "Start season 1" in text(scene["host"].get(scene["url"]))
    assert "Start season 1" not in text(scene["ana"].get(scene["url"]))
    assert _start(scene, days_ago=10).status_code == 303
    page = text(scene["ana"].get(scene["url"]))
    assert "Week 2 of" in page
    assert "you can say whether you'd like to continue" in page
    assert "Season 1" in text(scene["ana"].get(f"/circles/{scene['circle'].id}"))


def test_only_a_host_starts_a_season(app: Flask, scene) -> None:
    data = {"starts_on": TODAY.isoformat(), "length": "6", "unit": "months"}
    assert scene["ana"].post(scene["url"] + "/start", data=data).status_code == 403
    assert _count(app, Season) == 0


@pytest.mark.parametrize(
    "data",
    [
        {"starts_on": "2026-02-30", "length": "6", "unit": "months"},
        {"starts_on": TODAY.isoformat(), "length": "0", "unit": "months"},
        {"starts_on": TODAY.isoformat(), "length": "13", "unit": "months"},
        {"starts_on": TODAY.isoformat(), "length": "1", "unit": "meetups"},
        {"starts_on": TODAY.isoformat(), "length": "6", "unit": "years"},
        {"starts_on": "1900-01-01", "length": "6", "unit": "months"},
        {"length": "6", "unit": "months"},
    ],
)
def test_bad_season_input_is_a_400_with_a_message_and_nothing_written(
    app: Flask, scene, data: dict[str, str]
) -> None:
    response = scene["host"].post(scene["url"] + "/start", data=data)
    assert response.status_code == 400
    assert "Some of this needs another look" in text(response)
    assert _count(app, Season) == 0 and _count(app, SeasonMember) == 0


def test_recommit_is_private_and_the_host_sees_counts_and_who_continues(app: Flask, scene) -> None:
    _start(scene)
    assert (
        scene["ana"].post(scene["url"] + "/recommit", data={"choice": "continue"}).status_code
        == 303
    )
    assert scene["bo"].post(scene["url"] + "/recommit", data={"choice": "pause"}).status_code == 303
    host_page = text(scene["host"].get(scene["url"]))
    assert "1 continuing: Ana" in host_page and "1 pausing" in host_page
    assert "Bo" not in host_page  # who pauses stays private until they step out
    assert "Your answer: Continue next season" in text(scene["ana"].get(scene["url"]))
    assert "Your answer: Pause" in text(scene["bo"].get(scene["url"]))
    bad = scene["ana"].post(scene["url"] + "/recommit", data={"choice": "maybe"})
    assert bad.status_code == 400 and "Not a valid choice" in text(bad)


def test_recommit_before_its_window_is_refused(app: Flask, scene) -> None:
    _start(scene, days_ago=0)
    refused = scene["ana"].post(scene["url"] + "/recommit", data={"choice": "leave"})
    assert refused.status_code == 400 and "two weeks before the end" in text(refused)
    with app.app_context():
        assert (
            db.session.scalar(
                db.select(SeasonMember.choice).where(SeasonMember.choice.is_not(None))
            )
            is None
        )


def test_the_next_season_starts_and_the_summary_is_its_authors_alone(
    app: Flask, scene, make_user
) -> None:
    _start(scene)
    scene["bo"].post(scene["url"] + "/recommit", data={"choice": "pause"})
    assert (
        scene["ana"]
        .post(scene["url"] + "/next", data={"length": "6", "unit": "months"})
        .status_code
        == 403
    )
    bad = scene["host"].post(scene["url"] + "/next", data={"length": "99", "unit": "months"})
    assert bad.status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Membership)) == 3
    done = scene["host"].post(scene["url"] + "/next", data={"length": "12", "unit": "meetups"})
    assert done.status_code == 303
    assert "Season 2" in text(scene["host"].get(scene["url"]))
    with app.app_context():
        first = db.session.scalar(db.select(Season.id).where(Season.number == 1))
        assert db.session.get(Circle, scene["circle"].id).member_count == 2
    # Bo paused: out of the circle, in its history, with a summary and a way back.
    assert scene["bo"].get(f"/circles/{scene['circle'].id}").status_code == 404
    mine = text(scene["bo"].get("/me/seasons"))
    assert "You paused with Harbour" in mine and "Harbour, season 1" in mine
    summary = scene["bo"].get(f"/me/seasons/{first}")
    assert summary.status_code == 200 and "Only you see this." in text(summary)
    outsider = logged_in(app, make_user())
    assert outsider.get(f"/me/seasons/{first}").status_code == 404
    assert outsider.get(f"/me/seasons/{first}/summary.pdf").status_code == 404
    pdf = scene["bo"].get(f"/me/seasons/{first}/summary.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == 1
    words = " ".join(reader.pages[0].extract_text().split())
    assert "Season 1 of Harbour" in words and "What changed" in words
    back = scene["bo"].post(f"/circles/{scene['circle'].id}/come-back")
    assert back.status_code == 303
    assert scene["bo"].get(f"/circles/{scene['circle'].id}").status_code == 200


def test_invites_for_the_next_season_only_lead_to_the_waitlist(
    app: Flask, scene, make_user
) -> None:
    _start(scene, fixed="y")
    made = scene["host"].post(
        f"/circles/{scene['circle'].id}/host/invites",
        data={"valid_days": "7"},
        follow_redirects=True,
    )
    found = re.search(r'value="https?://[^/"]+(/join/[^"]+)"', made.get_data(as_text=True))
    assert found
    join = found.group(1)
    newcomer = logged_in(app, make_user(display_name="Noor"))
    page = text(newcomer.get(join))
    assert re.search(r"The circle is in week \d+ of its season 1", page)
    assert "Join the waitlist for the next season" in page
    refused = newcomer.post(join, data={"agree": "y"})
    assert refused.status_code == 400 and "waitlist" in text(refused)
    assert newcomer.post(join + "/waitlist").status_code == 303
    assert "on the waitlist for the next season of Harbour" in text(newcomer.get("/me/seasons"))
    assert "1 person is on the waitlist" in text(scene["host"].get(scene["url"]))
    # The next season offers Noor the seat Bo freed; Noor takes it with the agreement.
    scene["bo"].post(scene["url"] + "/recommit", data={"choice": "leave"})
    scene["host"].post(scene["url"] + "/next", data={"length": "6", "unit": "months"})
    assert "A seat in Harbour" in text(newcomer.get("/me/seasons"))
    with app.app_context():
        entry = db.session.scalar(db.select(SeasonWaitlist.id))
    assert (
        scene["ana"].post(f"/me/seasons/offers/{entry}/take", data={"agree": "y"}).status_code
        == 404
    )
    assert newcomer.post(f"/me/seasons/offers/{entry}/take").status_code == 400
    assert newcomer.post(f"/me/seasons/offers/{entry}/take", data={"agree": "y"}).status_code == 303
    assert newcomer.get(f"/circles/{scene['circle'].id}").status_code == 200


def test_a_host_turns_fixed_membership_on_and_off(app: Flask, scene) -> None:
    _start(scene)
    assert scene["ana"].post(scene["url"] + "/fixed", data={"fixed": "y"}).status_code == 403
    assert scene["host"].post(scene["url"] + "/fixed", data={"fixed": "y"}).status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(Season.invites_next_season_only)) is True
    scene["host"].post(scene["url"] + "/fixed")
    with app.app_context():
        assert db.session.scalar(db.select(Season.invites_next_season_only)) is False


def test_someone_elses_waitlist_place_is_not_found(app: Flask, scene, make_user) -> None:
    stranger = make_user()
    with app.app_context():
        entry = SeasonWaitlist(circle_id=scene["circle"].id, user_id=stranger.id)
        db.session.add(entry)
        db.session.commit()
        entry_id = entry.id
    assert scene["ana"].post(f"/me/seasons/waitlist/{entry_id}/leave").status_code == 404
    assert _count(app, SeasonWaitlist) == 1
    assert (
        logged_in(app, stranger).post(f"/me/seasons/waitlist/{entry_id}/leave").status_code == 303
    )
    assert _count(app, SeasonWaitlist) == 0


def test_coming_back_is_only_for_those_who_paused(app: Flask, scene, make_user) -> None:
    outsider = logged_in(app, make_user())
    assert outsider.post(f"/circles/{scene['circle'].id}/come-back").status_code == 404
    assert scene["ana"].post(f"/circles/{scene['circle'].id}/come-back").status_code == 303


def test_today_asks_about_next_season_until_answered(app: Flask, scene) -> None:
    _start(scene)  # two months from 50 days ago: the recommit window is open
    assert "Next season in Harbour" in text(scene["ana"].get("/"))
    scene["ana"].post(scene["url"] + "/recommit", data={"choice": "continue"})
    assert "Next season in Harbour" not in text(scene["ana"].get("/"))
    assert "Next season in Harbour" in text(scene["bo"].get("/"))  # Bo hasn't answered yet


def test_today_does_not_ask_before_the_window(app: Flask, scene) -> None:
    _start(scene, days_ago=1)
    assert "Next season in" not in text(scene["ana"].get("/"))
