"""The prompt deck, the library, prompts on meetups and private prep notes, as members see them."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from circles.extensions import db
from circles.models import DeckPrompt
from circles.services.prompts import deck as prompts
from tests.conftest import logged_in
from tests.support.pages import text

SOON = date.today() + timedelta(days=5)  # noqa: DTZ011


@pytest.fixture
def circle_people(app: Flask, make_user, make_circle):
    host = make_user(display_name="Hana")
    ari, bo = make_user(display_name="Ari"), make_user(display_name="Bo")
    circle = make_circle(host, members=(ari, bo))
    with app.app_context():
        prompts.sync_library(db.session)
        db.session.commit()
    return {
        "id": circle.id,
        "host": logged_in(app, host),
        "ari": logged_in(app, ari),
        "bo": logged_in(app, bo),
    }


def _write(client: FlaskClient, circle_id: int, question: str, anonymous: bool = False):
    data = {"text": question} | ({"anonymous": "y"} if anonymous else {})
    return client.post(f"/circles/{circle_id}/prompts", data=data)


def _prompt_id(app: Flask, question: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(DeckPrompt.id).where(DeckPrompt.text == question))


def _meetup(client: FlaskClient, circle_id: int) -> str:
    response = client.post(
        f"/circles/{circle_id}/meetups/new",
        data={
            "start_date": SOON.isoformat(),
            "start_time": "19:00",
            "duration_minutes": "90",
            "repeat": "weekly",
        },
    )
    return response.headers["Location"]


def test_members_add_from_the_library_write_and_vote(app: Flask, circle_people) -> None:
    cid = circle_people["id"]
    library = text(circle_people["ari"].get(f"/circles/{cid}/prompts/library"))
    assert "Checking in" in library and "Celebrating" in library
    first = prompts.library_data()[0]
    circle_people["ari"].post(f"/circles/{cid}/prompts/library/{first['key']}")
    assert "✓ In the deck" in text(circle_people["ari"].get(f"/circles/{cid}/prompts/library"))
    _write(circle_people["bo"], cid, "What did you say no to this month?")
    pid = _prompt_id(app, "What did you say no to this month?")
    circle_people["ari"].post(f"/circles/{cid}/prompts/{pid}/vote")
    deck = text(circle_people["host"].get(f"/circles/{cid}/prompts"))
    assert deck.index("What did you say no to") < deck.index(first["text"])  # most wanted first
    assert "From Bo · 1 would like to discuss" in deck
    assert "From the library · No one has picked this yet" in deck


def test_anonymous_prompts_never_show_their_author(app: Flask, circle_people) -> None:
    cid = circle_people["id"]
    _write(circle_people["bo"], cid, "Who do you call when it gets too much?", anonymous=True)
    for viewer in ("host", "ari"):
        response = circle_people[viewer].get(f"/circles/{cid}/prompts")
        assert "Added anonymously" in text(response)
        # Not in the page, not in the source (as a word: a random token may hold the letters).
        assert not re.search(r"\bBo\b", response.get_data(as_text=True))
    own = circle_people["bo"].get(f"/circles/{cid}/prompts").get_data(as_text=True)
    assert "Edit" in own  # the author can still edit it


def test_prompt_text_is_escaped_and_limited(app: Flask, circle_people) -> None:
    cid = circle_people["id"]
    _write(circle_people["ari"], cid, "<script>alert(1)</script> What <b>helps</b>?")
    page = circle_people["bo"].get(f"/circles/{cid}/prompts").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; What &lt;b&gt;helps&lt;/b&gt;?" in page
    too_long = _write(circle_people["ari"], cid, "Why? " * 80)
    assert too_long.status_code == 400
    assert "Keep a prompt under 300 characters." in text(too_long)
    assert "Why? Why?" in text(too_long)  # what was typed is kept


def test_authors_edit_their_own_and_hosts_remove_any(app: Flask, circle_people) -> None:
    cid = circle_people["id"]
    _write(circle_people["ari"], cid, "Draft question?")
    pid = _prompt_id(app, "Draft question?")
    assert circle_people["bo"].get(f"/circles/{cid}/prompts/{pid}/edit").status_code == 403
    assert circle_people["bo"].post(f"/circles/{cid}/prompts/{pid}/remove").status_code == 403
    circle_people["ari"].post(
        f"/circles/{cid}/prompts/{pid}/edit", data={"text": "Better question?"}
    )
    assert "Better question?" in text(circle_people["bo"].get(f"/circles/{cid}/prompts"))
    circle_people["host"].post(f"/circles/{cid}/prompts/{pid}/remove")
    assert "Better question?" not in text(circle_people["bo"].get(f"/circles/{cid}/prompts"))


def test_an_assigned_prompt_shows_on_the_meetup_page(app: Flask, circle_people) -> None:
    cid = circle_people["id"]
    location = _meetup(circle_people["host"], cid)
    _write(circle_people["ari"], cid, "What are you still carrying?")
    pid = _prompt_id(app, "What are you still carrying?")
    assert (
        circle_people["ari"].post(location + "/prompt", data={"prompt_id": pid}).status_code == 403
    )
    circle_people["host"].post(location + "/prompt", data={"prompt_id": pid})
    page = text(circle_people["bo"].get(location))
    assert "The prompt What are you still carrying?" in page
    today = text(circle_people["bo"].get("/"))
    assert "Next meetup" in today and "Prompt: “What are you still carrying?”" in today


def test_turning_rotation_on_gives_the_next_meetup_the_most_wanted_prompt(
    app: Flask, circle_people
) -> None:
    cid = circle_people["id"]
    location = _meetup(circle_people["host"], cid)
    _write(circle_people["ari"], cid, "Less wanted?")
    _write(circle_people["ari"], cid, "Most wanted?")
    circle_people["bo"].post(f"/circles/{cid}/prompts/{_prompt_id(app, 'Most wanted?')}/vote")
    circle_people["host"].post(f"/circles/{cid}/prompts/rotation", data={"on": "y"})
    assert "The prompt Most wanted?" in text(circle_people["ari"].get(location))


def test_prep_notes_are_private_to_their_author(app: Flask, circle_people) -> None:
    cid = circle_people["id"]
    location = _meetup(circle_people["host"], cid)
    secret = "Nervous about talking about my manager"
    saved = circle_people["ari"].post(
        location + "/note", data={"body": secret}, follow_redirects=True
    )
    assert "Only you can see it." in text(saved)
    assert secret in saved.get_data(as_text=True)
    for other in ("host", "bo"):
        page = circle_people[other].get(location).get_data(as_text=True)
        assert secret not in page
    for other in ("host", "bo"):
        assert secret not in circle_people[other].get(f"/circles/{cid}").get_data(as_text=True)
    circle_people["ari"].post(location + "/note", data={"body": ""})
    assert secret not in circle_people["ari"].get(location).get_data(as_text=True)


def test_a_long_prep_note_is_refused_with_a_message(circle_people) -> None:
    location = _meetup(circle_people["host"], circle_people["id"])
    response = circle_people["ari"].post(
        location + "/note", data={"body": "x" * 4001}, follow_redirects=True
    )
    assert "Keep the note under 4000 characters." in text(response)


def test_the_history_lists_prompts_used(app: Flask, circle_people) -> None:
    cid = circle_people["id"]
    deck = text(circle_people["ari"].get(f"/circles/{cid}/prompts"))
    assert "Prompts we've used" not in deck  # nothing used yet
    assert re.search(r"The deck is empty", deck)


def test_the_same_question_twice_is_refused_with_the_input_kept(app: Flask, circle_people) -> None:
    cid = circle_people["id"]
    assert _write(circle_people["ari"], cid, "What are you carrying?").status_code == 303
    again = _write(circle_people["bo"], cid, "  what are you CARRYING?  ")
    assert again.status_code == 400
    assert "That question is in the deck already." in text(again)
    assert "what are you CARRYING?" in text(again)
    pid = _prompt_id(app, "What are you carrying?")
    kept = circle_people["ari"].post(  # saving it unchanged is no repeat of itself
        f"/circles/{cid}/prompts/{pid}/edit", data={"text": "What are you carrying?"}
    )
    assert kept.status_code == 303
    deck = text(circle_people["host"].get(f"/circles/{cid}/prompts"))
    assert deck.count("What are you carrying?") == 1
