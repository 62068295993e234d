"""The care loop, end to end, with the README's run command: a heavy week reaches a real person.

The leader logs a heavy week, the nudge appears, they tell the circle; within a worker pass the
peer gets it in the app, by email (local SMTP) and by push (local push service), says "I'll
reach out", sees the leader's shared phone number as a tel: link, and proposes a time; the
leader accepts and sees who will reach out.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from playwright.sync_api import expect

from circles.models import PushSubscription, User
from circles.models.base import utcnow
from circles.services.accounts.passwords import Passwords
from circles.services.circles import membership
from circles.services.circles import operations as circle_actions
from circles.services.reach import operations as reach_actions
from circles.services.reach.ways import ReachKind
from tests.browser.conftest import PHONE, screenshot
from tests.deploy.test_serve import copy_project, readme_run_command, runnable_steps
from tests.support.console import Console, free_port
from tests.support.mailbox import Mailbox
from tests.support.push_service import LocalPushService

pytestmark = pytest.mark.browser

PASSWORD = "a long walk by the harbour"


def _people(database: Path, push: LocalPushService) -> None:
    """Lee (the leader, phone shared) and Pia (a peer with a device and email reminders)."""
    engine = sa.create_engine(f"sqlite:///{database}", connect_args={"timeout": 30})
    hashed = Passwords(time_cost=1, memory_cost=8192).hash(PASSWORD)
    with so.Session(engine) as session:
        lee, pia = (
            User(
                email=email,
                display_name=name,
                password_hash=hashed,
                time_zone="Europe/London",
                email_confirmed_at=utcnow(),
                typical_week=5,
                reminder_channels=channels,
            )
            for email, name, channels in (
                ("lee@example.com", "Lee", ""),
                ("pia@example.com", "Pia", "peer_signal=both"),
            )
        )
        session.add_all([lee, pia])
        session.flush()
        circle = circle_actions.create_circle(
            session,
            lee,
            name="Harbour circle",
            purpose="Leaders of growing teams.",
            time_zone="Europe/London",
            agreement=membership.DEFAULT_AGREEMENT,
        )
        membership.add_member(session, circle.id, pia, utcnow())
        reach_actions.add_way(session, lee, ReachKind.PHONE, "07911 123456")
        reach_actions.set_sharing(session, lee, circle, True)
        device = push.new_subscription()
        session.add(
            PushSubscription(
                user_id=pia.id,
                endpoint=device["endpoint"],
                p256dh=device["keys"]["p256dh"],
                auth=device["keys"]["auth"],
                device="Pia's phone",
            )
        )
        session.commit()
    engine.dispose()


@pytest.fixture
def running(tmp_path: Path, mailbox: Mailbox) -> Iterator[tuple[str, LocalPushService]]:
    """The README's run command in a fresh copy, with its two people; yields the base URL."""
    copy = copy_project(tmp_path)
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PORT": str(port),
        "WORKER_INTERVAL_SECONDS": "0.5",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(mailbox.port),
        "PYTHONUNBUFFERED": "1",
    }
    *setup, serve = runnable_steps(readme_run_command())
    for argv in setup:
        subprocess.run(argv, cwd=copy, env=env, check=True, capture_output=True)
    with LocalPushService() as push:
        _people(copy / "instance" / "circles.sqlite3", push)
        with Console([*serve, "--workers", "2"], cwd=copy, env=env) as console:
            console.wait_for(f"Circles ready at http://127.0.0.1:{port}", timeout=120)
            yield f"http://127.0.0.1:{port}", push


def _phone(browser: Any, base: str) -> Any:
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, base_url=base
    )
    page = context.new_page()
    return page


def _log_in(page: Any, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_heavy_week_becomes_a_call_with_a_peer(
    browser: Any, running: tuple[str, LocalPushService], mailbox: Mailbox
) -> None:
    base, push = running
    lee, pia = _phone(browser, base), _phone(browser, base)
    _log_in(lee, "lee@example.com")
    for _ in range(3):
        lee.goto("/log")
        lee.get_by_role("button", name="5 Very heavy").click()
    lee.goto("/")
    expect(lee.get_by_role("heading", name="A heavier week than your usual")).to_be_visible()
    screenshot(lee, "care-loop-1-nudge")
    lee.get_by_role("button", name="Tell my circle I could use a check-in").click()
    expect(lee.get_by_text("Your circle knows you could use a check-in.")).to_be_visible()

    # One worker pass: push to Pia's device, an email digest, and the in-app list.
    delivered = push.wait_for(1, timeout=60)
    assert delivered[0].json["body"] == "Someone in your circle could use a check-in"
    digest = mailbox.wait_for("pia@example.com", timeout=60)
    assert "could use a check-in" in digest.get_body(("plain",)).get_content()
    assert "Lee" not in digest.get_body(("plain",)).get_content()  # no names in reminders

    _log_in(pia, "pia@example.com")
    pia.goto("/notifications")
    expect(pia.get_by_text("Someone in your circle could use a check-in").first).to_be_visible()
    pia.goto("/")
    expect(pia.get_by_text("Lee could use a check-in.")).to_be_visible()
    call = pia.get_by_role("link", name="Call").first
    assert call.get_attribute("href") == "tel:+447911123456"
    pia.get_by_role("button", name="I'll reach out").click()
    screenshot(pia, "care-loop-2-peer")
    pia.get_by_role("link", name="Propose a time").first.click()
    tomorrow = (utcnow() + timedelta(days=1)).date().isoformat()
    pia.get_by_label("First choice: day").fill(tomorrow)
    pia.get_by_label("Time").first.fill("18:30")
    pia.get_by_role("button", name="Send").click()
    expect(pia.get_by_text("Waiting for Lee to answer")).to_be_visible()

    lee.goto("/")
    expect(lee.get_by_text("Pia will reach out.")).to_be_visible()
    expect(lee.get_by_text("Pia proposes a call. Which time suits you?")).to_be_visible()
    lee.get_by_role("button", name="18:30").click()
    expect(lee.get_by_text("A call with Pia")).to_be_visible()
    screenshot(lee, "care-loop-3-agreed")
    pia.goto("/")
    expect(pia.get_by_text("A call with Lee")).to_be_visible()
    assert pia.get_by_role("link", name="Call").first.get_attribute("href") == "tel:+447911123456"
