"""Pure (no database): who speaks in what order in a round.

The practice: the facilitator opens the check-in round and closes the check-out round, so
everyone else has heard them first or can take their time; other rounds keep the order set.
"""

from __future__ import annotations

from collections.abc import Sequence

from circles.services.meetups.formats import FacilitatorTurn


def round_order(
    people: Sequence[int],
    facilitator: int | None,
    turn: FacilitatorTurn | None,
    listening: int | None = None,
) -> list[int]:
    """The speaking order for a round: `people` in their order, with the facilitator moved
    to the front or the back when the step says so (and only when they are there), and
    without the one `listening` (the presenter, in a round of others' experience)."""
    order = [person for person in dict.fromkeys(people) if person != listening]
    if turn is None or facilitator is None or facilitator not in order:
        return order
    order.remove(facilitator)
    return [facilitator, *order] if turn is FacilitatorTurn.FIRST else [*order, facilitator]
