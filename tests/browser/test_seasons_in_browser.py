"""Seasons on phone-sized Chromium: a season ends, members recommit, the next season starts; a
member reads their season summary and downloads it as a one-page PDF; the circle pulse says how
many more answers it needs, then shows a result once the month is over."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect
from pypdf import PdfReader

from circles.extensions import db
from circles.models import BurnoutCheck, Circle, LoadEntry, PulseResponse, User
from circles.models.base import utcnow
from circles.services.pulse.scoring import month_of
from circles.services.seasons import operations as season_actions
from circles.timezones import local_date
from tests.browser.conftest import PHONE, screenshot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _phone(browser: Any, live_server: str) -> Any:
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, base_url=live_server
    )
    return context, context.new_page()


def _log_in(page: Any, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Me")).to_be_visible()


def _season_near_its_end(app: Flask, host: Any, members: list[Any], name: str) -> int:
    """A circle whose two-month season started 50 days ago: the recommit window is open."""
    now = utcnow()
    with app.app_context():
        circle = db.session.scalar(db.select(Circle).where(Circle.name == name))
        assert circle is not None
        today = local_date(now, circle.time_zone)
        season_actions.start_season(
            db.session,
            circle,
            db.session.get(User, host.id),
            starts_on=today - timedelta(days=50),
            length=2,
            now=now,
        )
        first = members[0]
        for day in range(50):  # heavy early weeks that ease off
            db.session.add(
                LoadEntry(
                    user_id=first.id,
                    client_id=f"season-{day:03d}",
                    local_date=today - timedelta(days=50 - day),
                    intensity=5 if day < 20 else 2,
                )
            )
        db.session.add_all(
            [
                BurnoutCheck(user_id=first.id, answer=3, checked_at=now - timedelta(days=49)),
                BurnoutCheck(user_id=first.id, answer=2, checked_at=now - timedelta(days=1)),
            ]
        )
        db.session.commit()
        return circle.id


def test_a_season_ends_members_recommit_and_a_summary_downloads_as_pdf(
    browser: Any, live_server: str, served_app: Flask, make_user: Any, make_circle: Any
) -> None:
    host, ana, bo = (make_user(display_name=n) for n in ("Hana", "Ana", "Bo"))
    make_circle(host, members=(ana, bo), name="Harbour circle")
    circle_id = _season_near_its_end(served_app, host, [ana, bo], "Harbour circle")

    ana_context, ana_page = _phone(browser, live_server)
    _log_in(ana_page, ana.email)
    ana_page.goto(f"/circles/{circle_id}")
    expect(ana_page.get_by_role("heading", name="Season 1")).to_be_visible()
    ana_page.get_by_role("link", name="Next season: will you carry on?").click()
    expect(ana_page.get_by_text("Only you see your answer.")).to_be_visible()
    ana_page.get_by_label("Continue next season").check()
    screenshot(ana_page, "season-recommit")
    ana_page.get_by_role("button", name="Save my answer").click()
    expect(ana_page.get_by_text("Your answer: Continue next season")).to_be_visible()

    bo_context, bo_page = _phone(browser, live_server)
    _log_in(bo_page, bo.email)
    bo_page.goto(f"/circles/{circle_id}/season")
    bo_page.get_by_label("Pause for a season").check()
    bo_page.get_by_role("button", name="Save my answer").click()
    expect(bo_page.get_by_text("Your answer: Pause for a season")).to_be_visible()

    host_context, host_page = _phone(browser, live_server)
    _log_in(host_page, host.email)
    host_page.goto(f"/circles/{circle_id}/season")
    expect(host_page.get_by_text("1 continuing: Ana")).to_be_visible()
    expect(host_page.get_by_text("1 pausing")).to_be_visible()
    expect(host_page.get_by_text("Bo", exact=True)).to_have_count(0)
    host_page.get_by_label("Length").fill("12")
    host_page.get_by_label("Counted in").select_option("meetups")
    screenshot(host_page, "season-host")
    host_page.get_by_role("button", name="Start season 2").click()
    expect(host_page.get_by_text("The next season has started.")).to_be_visible()
    expect(host_page.get_by_role("heading", name="Season 2")).to_be_visible()
    host_context.close()

    # Bo stepped out for a season: not in the circle now, and free to come back.
    bo_page.goto("/me/seasons")
    expect(bo_page.get_by_text("You paused with Harbour circle.")).to_be_visible()
    bo_context.close()

    # Ana reads the summary of season 1, which is hers alone, and downloads it.
    ana_page.goto("/me")
    ana_page.get_by_role("link", name="Open your seasons").click()
    ana_page.get_by_role("link", name="Harbour circle, season 1").click()
    expect(ana_page.get_by_role("heading", name="Your season")).to_be_visible()
    expect(ana_page.get_by_text("Only you see this.")).to_be_visible()
    expect(ana_page.get_by_text("Your 1:1s got lighter over the season.")).to_be_visible()
    screenshot(ana_page, "season-summary")
    with ana_page.expect_download() as downloading:
        ana_page.get_by_role("link", name="Download as PDF").click()
    download = downloading.value
    assert download.suggested_filename == "season-1-summary.pdf"
    path = download.path()
    assert path is not None
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    words = " ".join(reader.pages[0].extract_text().split())
    assert "Season 1 of Harbour circle" in words
    assert "Your 1:1s got lighter over the season." in words
    ana_context.close()


def _answer_pulse(page: Any, circle_id: int) -> None:
    page.goto(f"/circles/{circle_id}/pulse")
    for item in page.locator("fieldset.pulse-item").all():
        item.locator("label.choice").nth(5).click()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Your answers count only in the circle's average.")).to_be_visible()


def test_the_pulse_says_how_many_more_answers_then_shows_a_result(
    browser: Any, live_server: str, served_app: Flask, make_user: Any, make_circle: Any
) -> None:
    people = [make_user(display_name=n) for n in ("Hana", "Ana", "Bo", "Cy", "Di")]
    circle = make_circle(people[0], members=tuple(people[1:]), name="Pulse circle")
    today = local_date(utcnow(), "Europe/London")
    last_month = month_of(month_of(today) - timedelta(days=1))
    with served_app.app_context():
        for person in people[:3]:  # three answers from last month: not enough alone
            db.session.add(
                PulseResponse(
                    circle_id=circle.id,
                    user_id=person.id,
                    month=last_month,
                    answers="6,6,6,6,6,6,6",
                )
            )
        db.session.commit()

    context, page = _phone(browser, live_server)
    _log_in(page, people[3].email)
    page.goto(f"/circles/{circle.id}#pulse")
    expect(page.get_by_text("2 more answers and your circle sees its result.")).to_be_visible()
    _answer_pulse(page, circle.id)
    expect(page.get_by_text("1 more answer and your circle sees its result.")).to_be_visible()
    screenshot(page, "pulse-more-answers")
    context.close()

    context, page = _phone(browser, live_server)
    _log_in(page, people[4].email)
    _answer_pulse(page, circle.id)
    expect(
        page.get_by_text("Enough answers are in: the result shows once this month is over.")
    ).to_be_visible()

    # The month ends: this month's answers now belong to a finished month.
    with served_app.app_context():
        for row in db.session.scalars(
            db.select(PulseResponse).where(PulseResponse.month == month_of(today))
        ):
            row.month = last_month
        db.session.commit()
    page.reload()
    expect(page.get_by_text("How safe the circle feels, 1 to 7")).to_be_visible()
    expect(page.get_by_text("from 5 answers")).to_be_visible()
    screenshot(page, "pulse-result")
    context.close()
