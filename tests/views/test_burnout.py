"""The burnout check on My load: private, two taps, and it can start the check-in nudge."""

from __future__ import annotations

import pytest
from flask import Flask

from circles.extensions import db
from circles.models import BurnoutCheck, Notification
from circles.services.load.burnout import calls_for_checkin
from tests.conftest import logged_in
from tests.support.pages import text


@pytest.mark.parametrize(
    ("latest_first", "heavy", "nudge"),
    [
        ([], True, False),
        ([3], False, False),
        ([3], True, True),
        ([2], True, False),
        ([3, 4], False, True),
        ([4, 2], False, False),
        ([5, 3, 1], False, True),
    ],
)
def test_the_rule_for_a_nudge(latest_first: list[int], heavy: bool, nudge: bool) -> None:
    assert calls_for_checkin(latest_first, heavy) is nudge


def test_two_burnout_answers_in_a_row_start_the_nudge_and_stay_private(
    app: Flask, make_user, make_circle
) -> None:
    user, peer = make_user(), make_user()
    make_circle(user, members=(peer,))
    client = logged_in(app, user)
    page = text(client.get("/load"))
    assert "A burnout check" in page and "how would you rate your level of burnout?" in page
    assert client.post("/load/burnout", data={"answer": "3"}).status_code == 303
    assert "A heavier week" not in text(client.get("/"))  # one answer alone is not enough
    client.post("/load/burnout", data={"answer": "4"})
    today = text(client.get("/"))
    assert "Who could you talk to?" in today  # the check-in nudge
    with app.app_context():
        kinds = db.session.scalars(db.select(Notification.kind)).all()
        assert kinds == ["load_checkin"]
        assert db.session.scalar(db.select(db.func.count()).select_from(BurnoutCheck)) == 2
    assert "Last time, " in text(client.get("/load"))
    assert "Last time, " not in text(logged_in(app, peer).get("/load"))  # the author's alone
    export = client.get("/me/export").json
    assert [c["answer"] for c in export["burnout_checks"]] == [3, 4]


def test_the_last_answer_shows_the_crisis_line_and_bad_answers_are_refused(
    app: Flask, make_user
) -> None:
    client = logged_in(app, make_user())
    client.post("/load/burnout", data={"answer": "5"})
    page = text(client.get("/load"))
    assert "Please talk to someone today" in page
    refused = client.post("/load/burnout", data={"answer": "9"})
    assert refused.status_code == 400 and "Some of this needs another look" in text(refused)
