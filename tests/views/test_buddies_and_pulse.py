"""Buddies and the pulse as members and hosts see them."""

from __future__ import annotations

import re

from flask import Flask

from circles.extensions import db
from tests.conftest import logged_in
from tests.support.pages import text


def test_a_host_turns_on_buddies_and_each_member_sees_theirs(
    app: Flask, make_user, make_circle
) -> None:
    host, ari = make_user(display_name="Hana"), make_user(display_name="Ari")
    circle = make_circle(host, members=(ari,))
    assert (
        logged_in(app, ari).post(f"/circles/{circle.id}/host/buddies", data={"on": "y"}).status_code
        == 403
    )
    logged_in(app, host).post(
        f"/circles/{circle.id}/host/buddies", data={"on": "y", "period_days": "14"}
    )
    page = text(logged_in(app, ari).get(f"/circles/{circle.id}"))
    assert "You and Hana are buddies until" in page
    assert "Hana and Ari" in text(logged_in(app, host).get(f"/circles/{circle.id}/host"))
    assert "We talked: I checked in with Hana" in page


def test_a_host_alone_is_told_truthfully_when_pairs_will_be_made(
    app: Flask, make_user, make_circle
) -> None:
    host = make_user(display_name="Hana")
    circle = make_circle(host)
    client = logged_in(app, host)
    said = client.post(
        f"/circles/{circle.id}/host/buddies",
        data={"on": "y", "period_days": "14"},
        follow_redirects=True,
    )
    assert "Pairs are made once one more person has joined." in text(said)
    assert "everyone has been paired" not in text(said)


def _age_answers(app: Flask, months: int) -> None:
    """Move every stored pulse answer `months` months back: those months are over."""
    from circles.models import PulseResponse

    with app.app_context():
        for row in db.session.scalars(db.select(PulseResponse)):
            total = row.month.year * 12 + row.month.month - 1 - months
            row.month = row.month.replace(year=total // 12, month=total % 12 + 1)
        db.session.commit()


def test_the_pulse_pools_finished_months_until_five_answers_from_three_people(
    app: Flask, make_user, make_circle
) -> None:
    people = [make_user(display_name=f"P{n}") for n in range(3)]
    circle = make_circle(people[0], members=tuple(people[1:]))
    answers = {f"item{n}": "6" for n in range(7)} | {"item0": "2", "item2": "2", "item4": "2"}
    first = logged_in(app, people[0])
    form = text(first.get(f"/circles/{circle.id}/pulse"))
    assert "Seven short questions about this circle." in form
    for person in people:
        logged_in(app, person).post(f"/circles/{circle.id}/pulse", data=answers)
    page = text(first.get(f"/circles/{circle.id}"))
    assert "This month: 3 answered so far." in page and "You've answered this month." in page
    assert "2 more answers and your circle sees its result." in page
    _age_answers(app, 2)  # that month is over: still only 3 answers
    page = text(first.get(f"/circles/{circle.id}"))
    assert "2 more answers and your circle sees its result." in page and "6.0" not in page
    for person in people[:2]:
        logged_in(app, person).post(f"/circles/{circle.id}/pulse", data=answers)
    page = text(first.get(f"/circles/{circle.id}"))
    assert "the result shows once this month is over" in page and "6.0" not in page
    _age_answers(app, 1)
    page = text(first.get(f"/circles/{circle.id}"))
    assert re.search(r"\(higher is safer\): 6\.0 ?, from 5 answers from", page)
    assert "P1" not in page.split("Circle pulse")[1].split("Our agreement")[0]


def test_an_incomplete_pulse_is_refused_with_the_answers_kept(
    app: Flask, make_user, make_circle
) -> None:
    user = make_user()
    circle = make_circle(user)
    response = logged_in(app, user).post(
        f"/circles/{circle.id}/pulse", data={"item0": "5", "item1": "9"}
    )
    assert response.status_code == 400
    assert "Choose an answer for this one." in text(response)
    assert 'value="5" checked' in response.get_data(as_text=True) or "checked" in response.get_data(
        as_text=True
    )


def test_today_offers_a_check_in_with_the_buddy_when_the_week_runs_heavy(
    app: Flask, make_user, make_circle
) -> None:
    host, ari = make_user(display_name="Hana"), make_user(display_name="Ari")
    circle = make_circle(host, members=(ari,), name="Harbour")
    logged_in(app, host).post(
        f"/circles/{circle.id}/host/buddies", data={"on": "y", "period_days": "14"}
    )
    ari_client = logged_in(app, ari)
    assert "Check in with your buddy" not in text(ari_client.get("/"))  # a calm week: no card

    ari_client.post("/load/settings", data={"typical_week": "5"})
    for n in range(3):
        ari_client.post("/log", data={"intensity": "5", "client_id": f"heavy-{n:06d}"})
    today = ari_client.get("/")

    assert "A heavier week than your usual" in text(today)
    assert "Check in with your buddy, Hana" in text(today)
    assert f'href="/circles/{circle.id}#buddy-heading"' in today.get_data(as_text=True)


def test_a_week_into_a_pairing_buddies_say_whether_they_met_and_not_yet_proposes_a_time(
    app: Flask, make_user, make_circle
) -> None:
    from datetime import timedelta

    from circles.models import BuddyRound, Notification

    host, ari = make_user(display_name="Hana"), make_user(display_name="Ari")
    circle = make_circle(host, members=(ari,))
    hana = logged_in(app, host)
    hana.post(f"/circles/{circle.id}/host/buddies", data={"on": "y", "period_days": "14"})
    with app.app_context():
        asks = db.session.scalars(
            db.select(Notification).where(Notification.kind == "buddy_met")
        ).all()
        assert len(asks) == 2 and all("Hana" not in n.body and "Ari" not in n.body for n in asks)
    page = text(logged_in(app, ari).get(f"/circles/{circle.id}"))
    assert "did you and Hana meet?" not in page  # not yet a week
    with app.app_context():  # a week passes
        pairing = db.session.scalar(db.select(BuddyRound))
        pairing.starts_on -= timedelta(days=7)
        db.session.commit()
    ari_client = logged_in(app, ari)
    assert "A week in: did you and Hana meet?" in text(ari_client.get(f"/circles/{circle.id}"))
    not_yet = ari_client.post(f"/circles/{circle.id}/buddies/met", data={"answer": "not_yet"})
    assert not_yet.status_code == 303
    assert not_yet.headers["Location"].endswith(f"/circles/{circle.id}/checkins/propose/{host.id}")
    assert "did you and Hana meet?" not in text(ari_client.get(f"/circles/{circle.id}"))
    assert (
        hana.post(f"/circles/{circle.id}/buddies/met", data={"answer": "maybe"}).status_code == 400
    )
    hana.post(f"/circles/{circle.id}/buddies/met", data={"answer": "yes"})
    with app.app_context():
        from circles.models.base import utcnow
        from circles.services.reminders.relevance import still_relevant

        for ask in db.session.scalars(
            db.select(Notification).where(Notification.kind == "buddy_met")
        ):
            assert not still_relevant(db.session, ask, utcnow())  # both answered: no reminder goes
