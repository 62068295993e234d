"""Pure (no database): which channels a reminder kind reaches a person by.

In-app is always on; push, email, both or in-app only are chosen per kind. Meetup reminders
default to email when the person has no device with push, since many people never allow push.
"""

from __future__ import annotations

import enum

from circles.services.reminders.kinds import Kind

MEETUP_KINDS = frozenset({Kind.meetup_soon, Kind.meetup_hour, Kind.rsvp_nudge})


class Channel(enum.StrEnum):
    PUSH = "push"
    EMAIL = "email"
    BOTH = "both"
    IN_APP = "in_app"
    AUTO = "auto"  # the default for meetup reminders: push on a device that has it, else email

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Channel.AUTO: "Push, or email without a device",
    Channel.PUSH: "Push",
    Channel.EMAIL: "Email",
    Channel.BOTH: "Push and email",
    Channel.IN_APP: "Only in the app",
}


def parse(stored: str) -> dict[Kind, Channel]:
    """The chosen channels from the stored "kind=channel;..." text (unknown parts ignored)."""
    chosen: dict[Kind, Channel] = {}
    for part in stored.split(";"):
        kind, _, channel = part.partition("=")
        if kind in Kind.__members__ and channel in Channel.__members__.values():
            chosen[Kind(kind)] = Channel(channel)
    return chosen


def store(chosen: dict[Kind, Channel]) -> str:
    return ";".join(f"{kind.value}={channel.value}" for kind, channel in sorted(chosen.items()))


def default(kind: Kind) -> Channel:
    return Channel.AUTO if kind in MEETUP_KINDS else Channel.PUSH


def choice(stored: str, kind: Kind) -> Channel:
    """What the person chose for this kind, or its default."""
    return parse(stored).get(kind, default(kind))


def by_email(stored: str, kind: Kind, has_push: bool) -> bool:
    """Whether this kind also goes out by email for this person."""
    channel = choice(stored, kind)
    return channel in (Channel.EMAIL, Channel.BOTH) or (channel is Channel.AUTO and not has_push)


def by_push(stored: str, kind: Kind) -> bool:
    return choice(stored, kind) in (Channel.PUSH, Channel.BOTH, Channel.AUTO)


def without_email(stored: str, kind: Kind) -> str:
    """The stored choices after a one-click unsubscribe from this kind's emails."""
    chosen = parse(stored)
    current = chosen.get(kind, default(kind))
    chosen[kind] = Channel.PUSH if current in (Channel.BOTH, Channel.AUTO) else Channel.IN_APP
    return store(chosen)
