"""Account operations: each checks the password it needs before it changes anything."""

from __future__ import annotations

import pytest
from flask import Flask

from circles.extensions import db
from circles.models import User
from circles.services.accounts import operations as accounts
from circles.services.accounts.data import AccountError
from tests.conftest import PASSWORD


@pytest.fixture
def user(make_user, ctx) -> User:
    return db.session.get(User, make_user().id)


def test_a_password_change_needs_the_current_password(app: Flask, user: User) -> None:
    passwords = app.extensions["circles_passwords"]
    version = user.session_version

    with pytest.raises(AccountError) as refused:
        accounts.change_password(
            db.session, passwords, user, current="not it at all", new="a brand new passphrase"
        )

    assert refused.value.field == "current"
    assert passwords.verify(user.password_hash, PASSWORD)
    assert user.session_version == version
    accounts.change_password(
        db.session, passwords, user, current=PASSWORD, new="a brand new passphrase"
    )
    assert passwords.verify(user.password_hash, "a brand new passphrase")
    assert user.session_version == version + 1  # every other session ends


def test_deleting_an_account_needs_its_password(app: Flask, user: User) -> None:
    passwords = app.extensions["circles_passwords"]

    with pytest.raises(AccountError, match="isn't your password"):
        accounts.delete_account(db.session, passwords, user, "not it at all")
    assert db.session.get(User, user.id) is not None

    accounts.delete_account(db.session, passwords, user, PASSWORD)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0
