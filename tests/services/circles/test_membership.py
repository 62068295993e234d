"""Circle rules, tested without HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from circles.extensions import db
from circles.models import Circle, Membership, User
from circles.models.base import utcnow
from circles.services.circles import invites, membership
from circles.services.circles import operations as circle_actions
from circles.services.circles.invites import InviteState, JoinRefused


@pytest.fixture
def host(make_user, ctx) -> User:
    return db.session.merge(make_user(display_name="Hana"))


def _circle(host: User, cap: int = 8) -> Circle:
    circle = circle_actions.create_circle(
        db.session,
        host,
        name="  Tuesday peers ",
        purpose="p",
        member_cap=cap,
        time_zone="Europe/London",
        agreement=membership.DEFAULT_AGREEMENT,
    )
    db.session.commit()
    return circle


def _invite(circle: Circle, host: User, **options) -> str:
    made = circle_actions.create_invite(db.session, circle, host, utcnow(), **options)
    db.session.commit()
    return made.token


def test_the_creator_hosts_and_takes_the_first_seat(host: User) -> None:
    circle = _circle(host)
    assert circle.name == "Tuesday peers"
    assert circle.member_count == 1 and circle.seats_left == 7
    mine = membership.membership(db.session, circle.id, host.id)
    assert mine is not None and mine.is_host and mine.agreed_at is not None


def test_the_cap_must_be_between_three_and_ten_in_the_database(host: User) -> None:
    with pytest.raises(sa.exc.IntegrityError):
        _circle(host, cap=11)
    db.session.rollback()


def test_joining_needs_the_agreement(host: User, make_user) -> None:
    circle = _circle(host)
    token = _invite(circle, host)
    guest = db.session.merge(make_user())
    invite = invites.find_invite(db.session, token)
    assert invite is not None
    with pytest.raises(membership.MembershipError, match="accept the circle's agreement"):
        circle_actions.join_circle(db.session, invite, guest, agreed=False, now=utcnow())
    joined = circle_actions.join_circle(db.session, invite, guest, agreed=True, now=utcnow())
    db.session.commit()
    assert joined.role == "member" and joined.agreed_at is not None
    assert db.session.get(Circle, circle.id).member_count == 2


def test_only_the_hash_of_an_invite_token_is_stored(host: User) -> None:
    circle = _circle(host)
    token = _invite(circle, host)
    assert len(token) >= 32  # at least 128 bits of randomness, base64url
    stored = db.session.scalars(sa.select(invites.Invite.token_hash)).all()
    assert token not in stored and invites.hash_token(token) in stored


@pytest.mark.parametrize(
    ("spoil", "state"),
    [
        (
            lambda invite: setattr(invite, "expires_at", utcnow() - timedelta(seconds=1)),
            InviteState.EXPIRED,
        ),
        (lambda invite: setattr(invite, "revoked_at", utcnow()), InviteState.REVOKED),
        (lambda invite: setattr(invite, "use_count", 1), InviteState.USED_UP),
    ],
)
def test_expired_revoked_and_used_invites_refuse_to_join(
    host: User, make_user, spoil, state
) -> None:
    circle = _circle(host)
    token = _invite(circle, host, single_use=True)
    invite = invites.find_invite(db.session, token)
    spoil(invite)
    db.session.commit()
    guest = db.session.merge(make_user())
    with pytest.raises(JoinRefused) as refused:
        circle_actions.join_circle(db.session, invite, guest, agreed=True, now=utcnow())
    assert refused.value.state is state
    db.session.rollback()
    assert membership.membership(db.session, circle.id, guest.id) is None


def test_a_single_use_invite_admits_one_person(host: User, make_user) -> None:
    circle = _circle(host)
    invite = invites.find_invite(db.session, _invite(circle, host, single_use=True))
    first, second = db.session.merge(make_user()), db.session.merge(make_user())
    circle_actions.join_circle(db.session, invite, first, agreed=True, now=utcnow())
    db.session.commit()
    with pytest.raises(JoinRefused, match="already been used"):
        circle_actions.join_circle(db.session, invite, second, agreed=True, now=utcnow())


def test_a_full_circle_refuses_the_next_person(host: User, make_user) -> None:
    circle = _circle(host, cap=3)
    invite = invites.find_invite(db.session, _invite(circle, host))
    for _ in range(2):
        circle_actions.join_circle(
            db.session, invite, db.session.merge(make_user()), agreed=True, now=utcnow()
        )
        db.session.commit()
    with pytest.raises(JoinRefused, match="full"):
        circle_actions.join_circle(
            db.session, invite, db.session.merge(make_user()), agreed=True, now=utcnow()
        )
    db.session.rollback()
    assert db.session.get(Circle, circle.id).member_count == 3


def test_the_database_refuses_more_members_than_seats(host: User) -> None:
    circle = _circle(host, cap=3)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.update(Circle).where(Circle.id == circle.id).values(member_count=4))
    db.session.rollback()


def test_joining_twice_keeps_one_membership(host: User, make_user) -> None:
    circle = _circle(host)
    invite = invites.find_invite(db.session, _invite(circle, host))
    guest = db.session.merge(make_user())
    circle_actions.join_circle(db.session, invite, guest, agreed=True, now=utcnow())
    circle_actions.join_circle(db.session, invite, guest, agreed=True, now=utcnow())
    db.session.commit()
    assert db.session.get(Circle, circle.id).member_count == 2


def test_the_last_host_cannot_leave_or_step_down(host: User) -> None:
    circle = _circle(host)
    mine = membership.membership(db.session, circle.id, host.id)
    with pytest.raises(membership.LastHost):
        circle_actions.leave(db.session, mine)
    with pytest.raises(membership.LastHost):
        circle_actions.step_down(db.session, mine)


def test_a_host_hands_over_then_steps_down_or_leaves(host: User, make_user) -> None:
    circle = _circle(host)
    other = db.session.merge(make_user())
    theirs = membership.add_member(db.session, circle.id, other, utcnow())
    circle_actions.make_host(db.session, theirs)
    mine = membership.membership(db.session, circle.id, host.id)
    circle_actions.step_down(db.session, mine)
    assert not mine.is_host
    circle_actions.leave(db.session, mine)
    db.session.commit()
    assert db.session.get(Circle, circle.id).member_count == 1


def test_a_member_leaves_and_frees_a_seat(host: User, make_user) -> None:
    circle = _circle(host)
    other = db.session.merge(make_user())
    theirs = membership.add_member(db.session, circle.id, other, utcnow())
    db.session.commit()
    circle_actions.leave(db.session, theirs)
    db.session.commit()
    assert db.session.get(Circle, circle.id).member_count == 1
    assert membership.membership(db.session, circle.id, other.id) is None


def test_the_cap_cannot_drop_below_the_members(host: User, make_user) -> None:
    circle = _circle(host)
    for _ in range(3):
        membership.add_member(db.session, circle.id, db.session.merge(make_user()), utcnow())
    with pytest.raises(membership.MembershipError, match="can't be lower"):
        circle_actions.update_circle(
            db.session, circle, name="n", purpose="", member_cap=3, time_zone="UTC", agreement="a"
        )


def test_closing_removes_the_circle_with_its_members_and_invites(host: User, make_user) -> None:
    circle = _circle(host)
    _invite(circle, host)
    membership.add_member(db.session, circle.id, db.session.merge(make_user()), utcnow())
    circle_actions.close_circle(db.session, circle)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Membership)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(invites.Invite)) == 0


def test_a_user_can_belong_to_several_circles(host: User) -> None:
    first, second = _circle(host), _circle(host)
    cards = membership.circles_of(db.session, host)
    assert {card.circle.id for card in cards} == {first.id, second.id}
