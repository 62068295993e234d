"""Me: choosing reminder kinds and removing a device, as a person does from the settings page."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from circles.extensions import db
from circles.models import PushSubscription, User
from circles.services.reminders.channels import Channel
from circles.services.reminders.kinds import Kind
from tests.conftest import logged_in
from tests.support.pages import text


def _device(app: Flask, user: Any, name: str) -> int:
    with app.app_context():
        row = PushSubscription(
            user_id=user.id,
            endpoint=f"https://push.example/{name}",
            p256dh="BPx" + "a" * 84,
            auth="a" * 22,
            device=name,
        )
        db.session.add(row)
        db.session.commit()
        return row.id


def test_turning_a_kind_off_keeps_the_others_on(app: Flask, make_user) -> None:
    user = make_user()
    client = logged_in(app, user)
    every_other_kind = {kind.value: "y" for kind in Kind if kind is not Kind.rsvp_nudge}

    saved = client.post("/me/reminders", data=every_other_kind, follow_redirects=True)

    assert saved.status_code == 200 and "Saved." in text(saved)
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored is not None
        assert not stored.wants(Kind.rsvp_nudge)
        assert all(stored.wants(kind) for kind in Kind if kind is not Kind.rsvp_nudge)
    page = client.get("/me").get_data(as_text=True)
    assert not _checked(page, "rsvp_nudge")
    assert _checked(page, "meetup_soon")


def test_removing_a_device_stops_its_reminders_and_only_the_owner_can(
    app: Flask, make_user
) -> None:
    owner, other = make_user(), make_user()
    phone = _device(app, owner, "Phone")
    laptop = _device(app, owner, "Laptop")

    refused = logged_in(app, other).post(f"/me/devices/{phone}/remove", follow_redirects=True)
    removed = logged_in(app, owner).post(f"/me/devices/{phone}/remove", follow_redirects=True)

    assert refused.status_code == 200
    assert "That device won't get reminders any more." in text(removed)
    with app.app_context():
        left = db.session.scalars(db.select(PushSubscription.id)).all()
    assert left == [laptop]  # the other person's request removed nothing
    assert "Laptop, since" in text(removed) and "Phone, since" not in text(removed)


def _checked(page: str, name: str) -> bool:
    box = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert box, name
    return " checked" in box.group(0)


def test_every_kind_turned_off_or_given_a_channel_fits_its_column() -> None:
    columns = User.__table__.c  # PostgreSQL refuses a longer value; SQLite would keep it
    assert len(",".join(kind.value for kind in Kind)) <= columns.reminders_off.type.length
    widest = max(len(channel.value) for channel in Channel)
    pairs = ";".join(f"{kind.value}={'x' * widest}" for kind in Kind)
    assert len(pairs) <= columns.reminder_channels.type.length


def test_each_channel_choice_is_labelled_with_its_reminder_as_written(
    app: Flask, make_user
) -> None:
    page = logged_in(app, make_user()).get("/me").get_data(as_text=True)
    assert "How: when I haven&#39;t said if I&#39;m coming" in page  # "I" stays a capital
