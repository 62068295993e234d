"""Ways to reach someone: checked, normalised, linked in each service's official format."""

from __future__ import annotations

import pytest

from circles.services.reach.ways import ReachError, ReachKind, actions, normalise, shown


@pytest.mark.parametrize(
    ("kind", "typed", "zone", "stored"),
    [
        (ReachKind.PHONE, "07911 123456", "Europe/London", "+447911123456"),
        (ReachKind.PHONE, "+44 (0)7911 123 456", "America/New_York", "+447911123456"),
        (ReachKind.WHATSAPP, "(201) 555-0123", "America/New_York", "+12015550123"),
        (ReachKind.SIGNAL, "030 901820", "Europe/Berlin", "+4930901820"),
        (ReachKind.EMAIL, " Hana@Example.ORG ", "UTC", "Hana@example.org"),
        (ReachKind.TELEGRAM, "@hana_lead", "UTC", "hana_lead"),
        (ReachKind.TELEGRAM, "https://t.me/hana_lead", "UTC", "hana_lead"),
        (
            ReachKind.SCHEDULING,
            "https://cal.example.com/hana",
            "UTC",
            "https://cal.example.com/hana",
        ),
    ],
)
def test_each_kind_is_stored_normalised(
    kind: ReachKind, typed: str, zone: str, stored: str
) -> None:
    assert normalise(kind, typed, zone) == stored


@pytest.mark.parametrize(
    ("kind", "typed", "says"),
    [
        (ReachKind.PHONE, "123", "country code"),
        (ReachKind.PHONE, "call me maybe", "country code"),
        (ReachKind.EMAIL, "hana at example", "email address"),
        (ReachKind.TELEGRAM, "@ab", "5 to 32"),
        (ReachKind.SCHEDULING, "javascript:alert(1)", "https://"),
        (ReachKind.SCHEDULING, "http://cal.example.com/hana", "https://"),
        (ReachKind.WHATSAPP, "   ", "Fill this in"),
    ],
)
def test_what_cannot_be_used_is_refused_in_words(kind: ReachKind, typed: str, says: str) -> None:
    with pytest.raises(ReachError, match=says):
        normalise(kind, typed, "Europe/London")


def test_buttons_use_each_services_official_link() -> None:
    assert [(a.label, a.href) for a in actions(ReachKind.PHONE, "+447911123456")] == [
        ("Call", "tel:+447911123456"),
        ("Text", "sms:+447911123456"),
    ]
    assert actions(ReachKind.WHATSAPP, "+447911123456")[0].href == "https://wa.me/447911123456"
    assert actions(ReachKind.SIGNAL, "+447911123456")[0].href == (
        "https://signal.me/#p/+447911123456"
    )
    assert actions(ReachKind.TELEGRAM, "hana_lead")[0].href == "https://t.me/hana_lead"
    assert actions(ReachKind.EMAIL, "hana@example.org")[0].href == "mailto:hana@example.org"
    assert shown(ReachKind.PHONE, "+447911123456") == "+44 7911 123456"
