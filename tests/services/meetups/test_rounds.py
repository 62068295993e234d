"""Who speaks in what order: the facilitator opens check-in and closes check-out."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from circles.services.meetups.formats import FacilitatorTurn
from circles.services.meetups.rounds import round_order

people = st.lists(st.integers(1, 50), unique=True, max_size=10)


def test_the_facilitator_opens_the_check_in_and_closes_the_check_out() -> None:
    assert round_order([1, 2, 3], 2, FacilitatorTurn.FIRST) == [2, 1, 3]
    assert round_order([1, 2, 3], 2, FacilitatorTurn.LAST) == [1, 3, 2]
    assert round_order([1, 2, 3], 2, None) == [1, 2, 3]
    assert round_order([1, 3], 2, FacilitatorTurn.FIRST) == [1, 3]  # not here: nobody is moved
    assert round_order([1, 2, 3], 2, None, listening=3) == [1, 2]  # the presenter listens


@given(people, st.integers(1, 50), st.sampled_from([None, *FacilitatorTurn]))
def test_everyone_here_speaks_once_and_the_others_keep_their_order(
    here: list[int], facilitator: int, turn: FacilitatorTurn | None
) -> None:
    order = round_order(here, facilitator, turn)
    assert sorted(order) == sorted(here)
    others = [person for person in here if person != facilitator]
    assert [person for person in order if person != facilitator] == others
    if facilitator in here and turn is FacilitatorTurn.FIRST:
        assert order[0] == facilitator
    if facilitator in here and turn is FacilitatorTurn.LAST:
        assert order[-1] == facilitator
