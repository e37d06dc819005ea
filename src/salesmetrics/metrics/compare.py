"""Comparing groups and periods: competition rankings and period-over-period variation.

docs/definitions.md §2.6. Both are pure functions of already computed values, so they
rank or compare any metric value (a rate, a count, a time).

>>> [(r.team, r.rank) for r in rank({"A": 0.5, "B": 0.9, "C": 0.5, "D": None},
...                                 higher_is_better=True)]
[('B', 1), ('A', 2), ('C', 2), ('D', None)]
>>> variation(12, 10), variation(0, 0), variation(5, 0)
(0.2, '=', None)
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

__all__ = ["RankRow", "rank", "variation"]


@attrs.frozen
class RankRow:
    """One row of a ranking.

    Attributes:
        team: the ranked group's id.
        value: the group's value (None: N/A).
        rank: the competition rank (None: unranked, the value is N/A).
        previous_rank: the rank over the previous period (None: not ranked then,
            or no previous period given).
        move: ``previous_rank - rank`` (positive = up), None when either is None.
    """

    team: str
    value: float | None
    rank: int | None
    previous_rank: int | None = None
    move: int | None = None


def _ranks(values: Mapping[str, float | None], higher_is_better: bool) -> dict[str, int]:
    """Competition ranks (1, 2, 2, 4) of the groups that have a value."""
    known = [(v, k) for k, v in values.items() if v is not None]
    known.sort(key=lambda vk: (-vk[0] if higher_is_better else vk[0], vk[1]))
    ranks: dict[str, int] = {}
    previous: float | None = None
    current = 0
    for position, (value, key) in enumerate(known, start=1):
        if previous is None or value != previous:
            current = position
            previous = value
        ranks[key] = current
    return ranks


def rank(
    values: Mapping[str, float | None],
    *,
    higher_is_better: bool,
    previous: Mapping[str, float | None] | None = None,
) -> list[RankRow]:
    """Rank groups by a value: competition ranking, N/A groups last and unranked.

    Equal values share a rank and the next rank skips (1, 2, 2, 4). Rows are
    listed by rank, ties by group id; groups whose value is None (N/A) come
    last, with rank None, by group id. With ``previous`` (the values of the
    previous period), each row also gets its previous rank and its move
    (previous − current; positive = up), None when either rank is missing.
    Values are compared exactly (no tolerance).

    Is equivalent to sorting the groups by ``(value is None, ∓value, id)`` and
    giving each its 1-based position, except that equal values take the
    position of the first of them.

    Args:
        values: group id → value (None: N/A).
        higher_is_better: True for counts and rates, False for times.
        previous: group id → value over the previous period, if any.

    Returns:
        One :class:`RankRow` per group of ``values``.

    >>> rows = rank({"A": 300.0, "B": 120.0, "C": None}, higher_is_better=False,
    ...             previous={"A": 100.0, "B": 200.0, "C": None})
    >>> [(r.team, r.rank, r.previous_rank, r.move) for r in rows]
    [('B', 1, 2, 1), ('A', 2, 1, -1), ('C', None, None, None)]

    See Also:
        variation: the change of one value against the previous period.
    """
    ranks = _ranks(values, higher_is_better)
    prev_ranks = _ranks(previous, higher_is_better) if previous is not None else {}
    ranked = sorted(ranks, key=lambda k: (ranks[k], k))
    unranked = sorted(k for k in values if k not in ranks)
    rows = []
    for key in [*ranked, *unranked]:
        current = ranks.get(key)
        before = prev_ranks.get(key)
        move = before - current if before is not None and current is not None else None
        rows.append(RankRow(team=key, value=values[key], rank=current, previous_rank=before,
                            move=move))
    return rows


def variation(current: float | None, previous: float | None) -> float | str | None:
    """The change of a value against the previous period: ``(current − previous) / previous``.

    Returns the string ``"="`` when both values are equal (0 and 0 included),
    None (N/A) when either value is N/A or when the previous value is 0 and
    the current one is not.

    >>> variation(9, 12)
    -0.25
    >>> variation(None, None), variation(3, None), variation(None, 3)
    (None, None, None)
    >>> variation(2.5, 2.5)
    '='

    See Also:
        rank: order groups by a value.
    """
    if current is None or previous is None:
        return None
    if current == previous:
        return "="
    if previous == 0:
        return None
    return (current - previous) / previous
