"""The dataset's per-key indexes and the arrays it keeps of them.

:func:`salesmetrics.dataset._grouped` sorts every group at once over integer
instants (a stable sort on key and instant, ``index`` too when it is not in
input order) and keeps that order as arrays for the thread walk;
:func:`salesmetrics.dataset._group_sorted` sorts each group in Python on
``(epoch_us(instant), index)``, stable: the definition of the order. On
random records (instants that tie, zones with a repeated hour, indexes in
input order or drawn with ties) both give the same groups, and the arrays
describe them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from salesmetrics._time import epoch_us
from salesmetrics.dataset import Dataset, _group_sorted, _grouped
from salesmetrics.model import Activity, ActivityKind, Direction, Message

T0 = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # Paris repeats 02:00-03:00 at 01:00 UTC
ZONES = (UTC, timezone(timedelta(hours=2)), ZoneInfo("Europe/Paris"))
_AT, _THREAD = (lambda r: r.at), (lambda r: r.thread)


@st.composite
def messages(draw: st.DrawFn) -> list[Message]:
    ordered = draw(st.booleans())
    out = []
    for i in range(draw(st.integers(0, 30))):
        at = (T0 + timedelta(minutes=draw(st.integers(0, 90)))).astimezone(
            draw(st.sampled_from(ZONES)))
        out.append(Message(thread=draw(st.sampled_from("abc")), at=at,
                           direction=Direction.IN,
                           index=i if ordered else draw(st.integers(-3, 3))))
    return out


@given(records=messages())
def test_the_groups_over_arrays_are_the_groups_sorted_in_python(records: list[Message]
                                                                 ) -> None:
    groups, order = _grouped(records, _THREAD, _AT)
    expected = _group_sorted(records, _THREAD, _AT)
    assert list(groups) == list(expected)  # the keys, first met first
    assert {k: [id(r) for r in v] for k, v in groups.items()} == \
        {k: [id(r) for r in v] for k, v in expected.items()}
    assert order is not None
    assert order.us.tolist() == [epoch_us(r.at) for r in records]
    assert [records[i] for i in order.order.tolist()] == \
        [r for g in groups.values() for r in g]
    assert order.order.dtype.itemsize == 4


def test_an_index_numpy_does_not_hold_leaves_the_order_to_python() -> None:
    """A bool or an int past 64 bits: the groups are sorted in Python, no arrays kept."""
    at = T0
    for odd in (True, 2**70):
        ms = [Message(thread="t", at=at, direction=Direction.IN, index=odd),
              Message(thread="t", at=at, direction=Direction.IN, index=0)]
        groups, order = _grouped(ms, _THREAD, _AT)
        assert order is None
        assert [m.index for m in groups["t"]] == [0, odd]


def test_the_instants_of_a_section_without_arrays_are_computed() -> None:
    a = Activity(id="a", user="u", kind=ActivityKind.CALL, at=T0, index=True)
    ds = Dataset(activities=[a])
    assert ds._activity_order is None
    assert ds._instants_us("activities").tolist() == [epoch_us(T0)]


@given(st.lists(st.tuples(st.sampled_from((None, "L1", "L2")), st.integers(0, 20),
                          st.sampled_from(ZONES)), max_size=20))
def test_activities_by_lead_reuse_the_activities_instants(drawn: list[Any]) -> None:
    acts = [Activity(id=f"a{i}", user="u", kind=ActivityKind.CALL, lead=lead,
                     at=(T0 + timedelta(minutes=k)).astimezone(zone), index=i)
            for i, (lead, k, zone) in enumerate(drawn)]
    ds = Dataset(activities=acts)
    expected = _group_sorted([a for a in acts if a.lead is not None], lambda a: a.lead, _AT)
    assert {k: [id(a) for a in v] for k, v in ds.activities_by_lead.items()} == \
        {k: [id(a) for a in v] for k, v in expected.items()}


class _Sequence(Message):
    """A record subclass that is also a sequence (numpy must keep it whole)."""

    def __len__(self) -> int:
        return 2

    def __getitem__(self, i: int) -> int:
        if i >= 2:
            raise IndexError(i)
        return i


def test_records_numpy_takes_for_sequences_are_grouped_too() -> None:
    ms = [_Sequence(thread="t", at=T0 + timedelta(minutes=k), direction=Direction.IN,
                    index=i) for i, k in enumerate((3, 1, 2))]
    groups, _ = _grouped(ms, _THREAD, _AT)
    assert [m.index for m in groups["t"]] == [1, 2, 0]
