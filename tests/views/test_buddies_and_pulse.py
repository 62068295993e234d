"""Buddies and the pulse as members and hosts see them."""

from __future__ import annotations

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


def test_pulse_results_stay_hidden_until_three_answer_and_never_show_anyones_answers(
    app: Flask, make_user, make_circle
) -> None:
    people = [make_user(display_name=f"P{n}") for n in range(3)]
    circle = make_circle(people[0], members=tuple(people[1:]))
    answers = {f"item{n}": "6" for n in range(7)} | {"item0": "2", "item2": "2", "item4": "2"}
    first = logged_in(app, people[0])
    form = text(first.get(f"/circles/{circle.id}/pulse"))
    assert "Seven short questions about this circle." in form
    assert "If I make a mistake in this circle" in form or "mistake" in form
    first.post(f"/circles/{circle.id}/pulse", data=answers)
    logged_in(app, people[1]).post(f"/circles/{circle.id}/pulse", data=answers)
    page = text(first.get(f"/circles/{circle.id}"))
    assert "This month: 2 answered so far." in page
    assert "You've answered this month." in page
    logged_in(app, people[2]).post(f"/circles/{circle.id}/pulse", data=answers)
    page = text(first.get(f"/circles/{circle.id}"))
    assert "This month: 3 answered so far." in page
    assert "6.0" not in page  # the month is still open: a moving average would give people away
    with app.app_context():  # the month closes
        from circles.models import PulseResponse

        for row in db.session.scalars(db.select(PulseResponse)):
            row.month = row.month.replace(year=row.month.year - 1)
        db.session.commit()
    page = text(first.get(f"/circles/{circle.id}"))
    assert "6.0" in page
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
