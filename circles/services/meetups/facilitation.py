"""Pure (no database): facilitator rotation; who can't make it is skipped, not lost."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def rotate(
    members: Sequence[int], occurrence_keys: Sequence[str], absent: Mapping[str, set[int]]
) -> dict[str, int | None]:
    """The facilitator of each occurrence, in order.

    Members queue in the given order. Each occurrence takes the first member in the queue who is
    not absent from it, and that member goes to the back. Anyone passed over keeps their place at
    the front, so they facilitate the next meetup they can make.
    """
    return replay(members, occurrence_keys, absent)[0]


def replay(
    queue: Sequence[int], occurrence_keys: Sequence[str], absent: Mapping[str, set[int]]
) -> tuple[dict[str, int | None], list[int]]:
    """``rotate`` from a queue in any state: the facilitators and the queue afterwards.

    Replaying a history in two parts, the second from the queue the first left, chooses exactly
    what replaying it at once does; a stored queue can stand in for the first part.
    """
    queue = list(queue)
    chosen: dict[str, int | None] = {}
    for key in occurrence_keys:
        away = absent.get(key, set())
        pick = next((member for member in queue if member not in away), None)
        chosen[key] = pick
        if pick is not None:
            queue.remove(pick)
            queue.append(pick)
    return chosen, queue
