"""Pure (no database): fair rotating 1:1 buddy pairs in a circle, one set of groups per period.

The schedule is the round-robin "circle method" over the members in the order given (for
example by join date): the first member keeps their seat and the others move one seat on each
round; the two people sitting opposite each other are buddies.

- Even n: rounds 0 .. n-2 pair every member with every other member exactly once (a
  1-factorization of the complete graph); then the cycle repeats.
- Odd n >= 5: a phantom seat is added, and whoever sits opposite it (the one who would sit out)
  joins one of that round's pairs, making a trio. Every member is that extra person exactly once
  per cycle of n rounds, and every two members are buddies at least once per cycle. Which pair
  takes the extra person is chosen per round (see ``_trio_hosts``) so that, for n = 7 and 9, no
  two members are together more than twice per cycle. For n = 5 that cannot be done: 5 rounds
  of a trio and a pair are 20 pairings for 10 pairs, so every pair would need exactly two, and
  none of the 32 ways to place the 5 trios on the circle method's rounds gives that. Two pairs
  meet three times, the fewest possible.
- n = 1: the member alone; n = 2: the same pair every round; n = 3: the same trio every round.

Everything here works on positions in ``members``; the ids are only carried through.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from functools import cache

MAX_MEMBERS = 10
"""The largest circle the schedule is computed for (the circle member cap)."""

_Pair = tuple[int, int]


def cycle_length(n: int) -> int:
    """The number of rounds after which the groups repeat, for a circle of ``n`` members.

    1 for n <= 3 (the groups never change: alone, one pair, one trio), n - 1 for even n >= 4,
    n for odd n >= 5. Raises ValueError for a negative n.
    """
    if n < 0:
        raise ValueError("a circle cannot have a negative number of members")
    if n <= 3:
        return 1
    return n - 1 if n % 2 == 0 else n


def _circle_round(n: int, round_index: int) -> tuple[int | None, list[_Pair]]:
    """The plain circle method for ``n`` >= 2 members in round ``round_index``, in positions.

    Returns the position opposite the phantom seat (None for even n) and the real pairs, each
    sorted, sorted by their first position.
    """
    seats: list[int | None] = list(range(1, n))
    if n % 2 == 1:
        seats.append(None)
    shift = round_index % len(seats)
    table = [0, *seats[len(seats) - shift :], *seats[: len(seats) - shift]]
    bye: int | None = None
    pairs: list[_Pair] = []
    for i in range(len(table) // 2):
        first, second = table[i], table[-1 - i]
        if first is None:
            bye = second
        elif second is None:
            bye = first
        else:
            pairs.append((min(first, second), max(first, second)))
    pairs.sort()
    return bye, pairs


_Round = tuple[int, list[_Pair]]


def _search_trio_hosts(
    rounds: Sequence[_Round], triples_allowed: int, trio_cap: int
) -> tuple[int, ...] | None:
    """Depth-first: a trio host per round such that at most ``triples_allowed`` pairs of members
    meet three times (none more) and nobody is in the trio more than ``trio_cap`` times.

    In round r the pairs are tried from index r mod k on, so the first answer rotates the hosts.
    """
    width = len(rounds[0][1])
    extras: Counter[_Pair] = Counter()
    in_trio: Counter[int] = Counter()
    chosen: list[int] = []
    triples = 0

    def place(r: int) -> bool:
        nonlocal triples
        if r == len(rounds):
            return True
        bye, pairs = rounds[r]
        for step in range(width):
            index = (r + step) % width
            trio = (bye, *pairs[index])
            met = [(min(bye, host), max(bye, host)) for host in pairs[index]]
            new_triples = sum(1 for pair in met if extras[pair] == 1)
            if (
                any(extras[pair] >= 2 for pair in met)
                or triples + new_triples > triples_allowed
                or any(in_trio[member] >= trio_cap for member in trio)
            ):
                continue
            extras.update(met)
            in_trio.update(trio)
            triples += new_triples
            chosen.append(index)
            if place(r + 1):
                return True
            extras.subtract(met)
            in_trio.subtract(trio)
            triples -= new_triples
            chosen.pop()
        return False

    return tuple(chosen) if place(0) else None


@cache
def _trio_hosts(n: int) -> tuple[int, ...]:
    """For odd ``n`` >= 3: per round of the n-round cycle, the index of the pair the extra
    person joins.

    The first choice (see ``_search_trio_hosts``) that needs the fewest pairs of members to meet
    three times per cycle and, within that, the lowest cap on how often one member is in the
    trio. It depends only on n, so it is worked out once per circle size (under a millisecond
    for n <= 10).
    """
    rounds: list[_Round] = []
    for r in range(n):
        bye, pairs = _circle_round(n, r)
        if bye is None:
            raise ValueError("trio hosts are only needed for an odd number of members")
        rounds.append((bye, pairs))
    for triples_allowed in range(n * n):
        for trio_cap in range(3, n + 1):
            hosts = _search_trio_hosts(rounds, triples_allowed, trio_cap)
            if hosts is not None:
                return hosts
    raise AssertionError("unreachable: some choice of trio hosts always exists")  # pragma: no cover


def _check_members(members: Sequence[int]) -> None:
    if len(members) > MAX_MEMBERS:
        raise ValueError(f"buddy rounds are for circles of at most {MAX_MEMBERS} members")
    if len(set(members)) != len(members):
        raise ValueError("members must not repeat")


def _position_groups(n: int, round_index: int) -> tuple[int | None, list[tuple[int, ...]]]:
    """The groups of one round in positions, and the position of the extra trio member."""
    if round_index < 0:
        raise ValueError("round_index must not be negative")
    if n == 0:
        return None, []
    if n == 1:
        return None, [(0,)]
    r = round_index % cycle_length(n)
    bye, pairs = _circle_round(n, r)
    groups: list[tuple[int, ...]] = list(pairs)
    if bye is not None:
        host = _trio_hosts(n)[r]
        groups[host] = tuple(sorted((*pairs[host], bye)))
    groups.sort()
    return bye, groups


def groups_for_round(members: Sequence[int], round_index: int) -> list[tuple[int, ...]]:
    """The buddy groups for round ``round_index`` (any non-negative int; wraps round the cycle).

    Pairs, plus one trio when the number of members is odd. Each group lists its members in
    their order in ``members``; the groups are sorted by the position of their first member.
    An empty circle has no groups; a single member is a group of one. Raises ValueError for a
    negative round, repeated members, or more than ``MAX_MEMBERS`` members.
    """
    _check_members(members)
    _, groups = _position_groups(len(members), round_index)
    return [tuple(members[p] for p in group) for group in groups]


def buddies_of(groups: Sequence[Sequence[int]], member: int) -> tuple[int, ...]:
    """The others in ``member``'s group, in group order; empty when the member is in none."""
    for group in groups:
        if member in group:
            return tuple(other for other in group if other != member)
    return ()


def period_index(start: date, today: date, period_days: int = 14) -> int:
    """Which period ``today`` falls in: 0 from ``start`` for ``period_days`` days, then 1, ...

    A day before ``start`` counts as period 0 (clamped, so a clock or time-zone skew around the
    start never fails). Raises ValueError when ``period_days`` is less than 1.
    """
    if period_days < 1:
        raise ValueError("period_days must be at least 1")
    return max(0, (today - start).days // period_days)
