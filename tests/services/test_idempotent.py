"""A row that a double tap inserts twice at the same moment is stored once."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask

from circles.extensions import db
from circles.models import LoadEntry, User
from circles.services.idempotent import add_once


def _entry(user_id: int, intensity: int) -> LoadEntry:
    return LoadEntry(
        user_id=user_id, client_id="tap-0001", intensity=intensity, local_date=date(2026, 6, 1)
    )


def _find(user_id: int):
    return lambda: db.session.scalar(
        sa.select(LoadEntry).where(LoadEntry.user_id == user_id, LoadEntry.client_id == "tap-0001")
    )


def test_when_another_request_stored_it_first_that_row_is_returned(app: Flask, make_user) -> None:
    user_id = make_user().id
    with app.app_context():
        # The other request: its own connection, committed between our check and our insert.
        with so.Session(db.engine) as other:
            other.add(_entry(user_id, intensity=2))
            other.commit()
        kept = add_once(db.session, _entry(user_id, intensity=5), _find(user_id))
        db.session.commit()

        assert kept.intensity == 2  # the first one stands; ours was not stored
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LoadEntry)) == 1


def test_a_constraint_failure_that_is_not_a_repeat_is_raised(app: Flask, make_user) -> None:
    user_id = make_user().id
    with app.app_context():
        db.session.get(User, user_id)
        with pytest.raises(sa.exc.IntegrityError):
            add_once(db.session, _entry(user_id + 999, intensity=3), lambda: None)
