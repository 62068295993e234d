"""The pooled pulse: results only from 5 answers by 3 people, and nothing that gives one away."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from circles.services.pulse.pooling import MIN_ANSWERS, MIN_PEOPLE, Answer, pool

MONTHS = [date(2026, m, 1) for m in range(1, 13)]


def _answers(month: int, people: list[int]) -> list[Answer]:
    return [Answer(MONTHS[month], p, [4] * 7) for p in people]


def test_a_circle_of_four_needs_two_months_and_says_how_many_more() -> None:
    january = _answers(0, [1, 2, 3])
    assert pool(january, date(2026, 1, 20)).more_needed == 2  # January is not over
    assert pool(january, date(2026, 2, 5)).results == []
    february = _answers(1, [1, 4])
    pooled = pool(january + february, date(2026, 3, 1))
    (result,) = pooled.results
    assert (result.first_month, result.last_month, result.answers) == (MONTHS[0], MONTHS[1], 5)
    assert result.average == 4.0 and result.items == (4.0,) * 7
    assert pooled.more_needed == MIN_ANSWERS


def test_five_answers_from_two_people_are_not_enough() -> None:
    answers = _answers(0, [1, 2]) + _answers(1, [1, 2]) + _answers(2, [1])
    pooled = pool(answers, date(2026, 5, 1))
    assert pooled.results == [] and pooled.more_needed == 1  # a third person is still needed


circles = st.integers(min_value=3, max_value=10).flatmap(
    lambda size: st.lists(  # for each month: who answered (months may be empty: missing)
        st.lists(st.integers(min_value=1, max_value=size), unique=True, max_size=size),
        min_size=1,
        max_size=12,
    )
)


@settings(max_examples=300, deadline=None)
@given(months=circles)
def test_no_result_shown_over_time_lets_anyone_work_out_one_persons_answers(
    months: list[list[int]],
) -> None:
    answers = [a for m, people in enumerate(months) for a in _answers(m, people)]
    seen: list[frozenset[tuple[date, int]]] = []
    previous: list = []
    for today in [date(2026, m, 15) for m in range(1, 13)] + [date(2027, 1, 15)]:
        shown = pool(answers, today).results
        assert shown[: len(previous)] == previous  # a closed run never changes
        previous = shown
        for result in shown:
            inside = frozenset(
                (a.month, a.person)
                for a in answers
                if result.first_month <= a.month <= result.last_month
            )
            assert result.last_month < date(today.year, today.month, 1)  # only finished months
            assert len(inside) == result.answers >= MIN_ANSWERS
            assert len({person for _m, person in inside}) >= MIN_PEOPLE
            if inside not in seen:
                seen.append(inside)
    # The attack: two results whose answer sets differ by one answer give that answer away.
    for one in seen:
        for other in seen:
            assert not (one < other and len(other - one) == 1)
            assert one == other or not one & other  # results never overlap at all
