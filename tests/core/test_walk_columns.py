"""The walk over arrays (every thread at once) is the item walk, object for object.

:func:`salesmetrics._walkcols.walk_columns` takes the walk's decisions with
array passes and builds the timelines and the index a field at a time; the
item walk (``timeline._walk_thread``, one thread at a time) is the reference.
On random datasets built from objects — instants that tie between messages
and events, odd ``index`` values, transfers without a target, zones with a
repeated hour, every message-team rule, short gaps, ``as_of`` — both give the
same timelines (holders and assignees over time included), the same index,
and the same sharing (one ``Reply`` when the first reply is the first
outbound message).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesmetrics import _walkcols, timeline
from salesmetrics._walkcols import walk_columns
from salesmetrics.dataset import Dataset
from salesmetrics.model import (
    Direction,
    EventType,
    Message,
    Sender,
    Status,
    Team,
    Thread,
    ThreadEvent,
    User,
)
from salesmetrics.rules import (
    DEFAULT_MESSAGE_TEAM,
    HOLDER_ONLY,
    MESSAGE_FIELD,
    USER_TEAM,
    MessageTeam,
)

T0 = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # Paris repeats 02:00-03:00 at 01:00 UTC
TEAMS = ("A", "B", "C")
USERS = ("u1", "u2", "u3", "ghost")  # "ghost" has no user record
ZONES = (UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5)))
PARIS = ZoneInfo("Europe/Paris")


@st.composite
def walk_datasets(draw: st.DrawFn, *, zones: bool = False) -> Dataset:
    """A dataset of objects: few instants (ties), long silences sometimes, every kind."""
    users = [User(id=u, team=draw(st.sampled_from((None, *TEAMS)))) for u in USERS[:3]]
    n_threads = draw(st.integers(1, 4))
    threads = [Thread(id=f"t{i}", team=draw(st.sampled_from(TEAMS)),
                      assignee=draw(st.sampled_from((None, *USERS[:3]))))
               for i in range(n_threads)]
    minute = st.one_of(st.integers(0, 6), st.integers(0, 6).map(lambda k: k * 10_000),
                       st.integers(0, 60_000))
    ordered = draw(st.booleans())  # index: input order, or drawn (ties, any order)

    def at(k: int) -> datetime:
        t = T0 + timedelta(minutes=k)
        if zones and draw(st.booleans()):
            return t.astimezone(PARIS)
        return t.astimezone(draw(st.sampled_from(ZONES)))

    messages = []
    for i in range(draw(st.integers(0, 25))):
        direction = draw(st.sampled_from(Direction))
        sender = draw(st.sampled_from(Sender)) if draw(st.integers(0, 4)) == 0 else (
            Sender.CUSTOMER if direction is Direction.IN else
            draw(st.sampled_from((Sender.USER, Sender.USER, Sender.AUTO))))
        messages.append(Message(
            thread=draw(st.sampled_from(threads)).id, at=at(draw(minute)), direction=direction,
            sender=sender, id=draw(st.sampled_from((None, f"m{i}"))),
            user=draw(st.sampled_from((None, *USERS))),
            team=draw(st.sampled_from((None, None, None, *TEAMS))),
            index=i if ordered else draw(st.integers(0, 5))))
    events = []
    for i in range(draw(st.integers(0, 15))):
        kind = draw(st.sampled_from(EventType))
        events.append(ThreadEvent(
            thread=draw(st.sampled_from(threads)).id, at=at(draw(minute)), type=kind,
            to_team=draw(st.sampled_from((None, *TEAMS))) if kind in (
                EventType.TRANSFER, EventType.ESCALATION) else None,
            to_user=draw(st.sampled_from((None, *USERS[:3]))) if kind is EventType.ASSIGN
            else None,
            status=draw(st.sampled_from((None, *Status))) if kind is EventType.STATUS else None,
            user=draw(st.sampled_from((None, *USERS[:3]))),
            index=i if ordered else draw(st.integers(0, 5))))
    return Dataset(teams=[Team(id=t) for t in TEAMS], users=users, threads=threads,
                   messages=messages, thread_events=events)


RULES = st.sampled_from((DEFAULT_MESSAGE_TEAM, HOLDER_ONLY, MESSAGE_FIELD, USER_TEAM,
                         USER_TEAM + MESSAGE_FIELD))
GAPS = st.sampled_from((timeline.DEFAULT_GAP_SECONDS, 60.0, 600.0, 0.5))
AS_OF = st.none() | st.integers(0, 61_000).map(lambda k: T0 + timedelta(minutes=k))


@contextmanager
def item_walk() -> Iterator[None]:
    """The walk item by item: the arrays leave every dataset to it."""
    arrays = _walkcols.walk_columns
    _walkcols.walk_columns = lambda *args: None  # type: ignore[assignment]
    try:
        yield
    finally:
        _walkcols.walk_columns = arrays


def without_arrays(ds: Dataset) -> Dataset:
    """A copy whose sections carry no arrays: the walk reads the records themselves."""
    copy = ds.replace()
    copy._message_order = copy._event_order = None
    return copy


def walks(ds: Dataset, **kwargs: Any) -> tuple[Any, Any]:
    """The walk (timelines and index) over arrays, then item by item, on copies.

    The walk over arrays reads the dataset's arrays (instants, order), or the records
    where the dataset has none: both are compared, and the first returned.
    """
    fast = timeline._walk(ds.replace(), kwargs.get("as_of"), kwargs["gap_seconds"],
                          kwargs["message_team"])
    plain = timeline._walk(without_arrays(ds), kwargs.get("as_of"), kwargs["gap_seconds"],
                           kwargs["message_team"])
    assert_same_walk(fast, plain)
    with item_walk():
        slow = timeline._walk(ds.replace(), kwargs.get("as_of"), kwargs["gap_seconds"],
                              kwargs["message_team"])
    return fast, slow


def assert_same_walk(fast: Any, slow: Any) -> None:
    assert fast.timelines == slow.timelines
    for a, b in zip(fast.timelines, slow.timelines, strict=True):
        assert (a.teams.initial, a.moves) == (b.teams.initial, b.moves)
        assert (a.assignees.initial, a.assignees.changes) == \
            (b.assignees.initial, b.assignees.changes)
        for c, d in zip(a.conversations, b.conversations, strict=True):
            assert c.events == d.events
            assert (c.first_reply is c.first_outbound) == (d.first_reply is d.first_outbound)
    for f in attrs.fields(timeline.WalkIndex):
        assert list(getattr(fast.index, f.name)) == list(getattr(slow.index, f.name)), f.name
    # the index's timelines are the walk's own objects
    ids = {id(t) for t in fast.timelines}
    assert all(id(t) in ids for t in fast.index.conversation_timelines)
    assert all(id(t) in ids for t in fast.index.contact_timelines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ds=walk_datasets(), rule=RULES, gap=GAPS, as_of=AS_OF)
def test_the_walk_over_arrays_is_the_item_walk(ds: Dataset, rule: MessageTeam, gap: float,
                                               as_of: datetime | None) -> None:
    fast, slow = walks(ds, as_of=as_of, gap_seconds=gap, message_team=rule)
    assert_same_walk(fast, slow)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ds=walk_datasets(zones=True), rule=RULES, as_of=AS_OF)
def test_zones_with_a_repeated_hour_give_the_item_walk(ds: Dataset, rule: MessageTeam,
                                                       as_of: datetime | None) -> None:
    fast, slow = walks(ds, as_of=as_of, gap_seconds=600.0, message_team=rule)
    assert_same_walk(fast, slow)


def _args(ds: Dataset, rule: MessageTeam = DEFAULT_MESSAGE_TEAM) -> tuple[Any, ...]:
    return (ds, None, None, timeline.DEFAULT_GAP_SECONDS, rule, {}, timeline._MAKERS)


def _two(first: datetime, second: datetime, **extra: Any) -> Dataset:
    return Dataset(teams=[Team(id="A")], threads=[Thread(id="t", team="A")], messages=[
        Message(thread="t", at=first, direction=Direction.IN, **extra),
        Message(thread="t", at=second, direction=Direction.OUT, user="u")])


def test_the_arrays_walk_a_plain_dataset() -> None:
    ds = _two(T0, T0 + timedelta(minutes=5))
    assert ds._message_order is not None
    assert walk_columns(*_args(ds)) is not None
    assert walk_columns(*_args(without_arrays(ds))) is not None


def test_records_the_dataset_keeps_no_arrays_of_walk_from_their_attributes() -> None:
    """An ``index`` numpy does not hold as an int (a bool here) leaves the dataset without
    arrays; the walk over arrays reads the records, as the item walk does."""
    ds = _two(T0, T0 + timedelta(minutes=5), index=True)
    assert ds._message_order is None and ds._event_order is not None
    assert walk_columns(*_args(ds)) is not None
    fast, slow = walks(ds, gap_seconds=timeline.DEFAULT_GAP_SECONDS,
                       message_team=DEFAULT_MESSAGE_TEAM)
    assert_same_walk(fast, slow)


def test_a_repeated_hour_is_in_instant_order() -> None:
    """02:30 CEST (00:30 UTC) comes before 02:10 CET (01:10 UTC), though Python compares
    two datetimes of one ZoneInfo by wall clock; the dataset orders them as instants, and a
    transfer between them walks between them (the item walk once failed on this order)."""
    first = datetime(2026, 10, 25, 2, 30, tzinfo=PARIS)
    second = datetime(2026, 10, 25, 2, 10, fold=1, tzinfo=PARIS)
    assert second < first  # the wall clocks
    ds = _two(first, second).replace(thread_events=[ThreadEvent(
        thread="t", at=datetime(2026, 10, 25, 0, 50, tzinfo=UTC), type=EventType.TRANSFER,
        to_team="B")], teams=[Team(id="A"), Team(id="B")])
    assert [m.at.fold for m in ds.messages_by_thread["t"]] == [0, 1]
    assert walk_columns(*_args(ds)) is not None
    fast, slow = walks(ds, gap_seconds=timeline.DEFAULT_GAP_SECONDS,
                       message_team=DEFAULT_MESSAGE_TEAM)
    assert_same_walk(fast, slow)
    (contact,) = fast.timelines[0].contacts
    assert (contact.team, contact.transfers, contact.answered_by) == ("A", ("B",), "B")


@pytest.mark.parametrize("case", ["far apart", "huge index", "rule subclass"])
def test_what_the_arrays_leave_to_the_item_walk(case: str) -> None:
    """None, so the reference decides: gaps that doubles cannot divide exactly, an index
    past 64 bits, a rule that may decide otherwise."""
    rule: MessageTeam = DEFAULT_MESSAGE_TEAM
    ds = _two(T0, T0 + timedelta(minutes=5))
    if case == "far apart":
        ds = _two(datetime(100, 1, 1, tzinfo=UTC), datetime(9000, 1, 1, tzinfo=UTC))
    elif case == "huge index":
        ds = _two(T0, T0 + timedelta(minutes=5), index=2**70)
    else:
        @attrs.frozen
        class Mine(MessageTeam):
            pass
        rule = Mine(("message",))
    assert walk_columns(*_args(ds, rule)) is None
    fast, slow = walks(ds, gap_seconds=timeline.DEFAULT_GAP_SECONDS, message_team=rule)
    assert_same_walk(fast, slow)


def test_the_last_resolved_status_after_the_last_message() -> None:
    def status(minutes: int, value: Status) -> ThreadEvent:
        return ThreadEvent(thread="t", at=T0 + timedelta(minutes=minutes), type=EventType.STATUS,
                           status=value, user="u", index=minutes)
    ds = _two(T0, T0 + timedelta(minutes=5)).replace(thread_events=[
        status(1, Status.RESOLVED), status(6, Status.RESOLVED), status(7, Status.WAITING),
        status(8, Status.RESOLVED), status(9, Status.ANSWERED)])
    fast, slow = walks(ds, gap_seconds=timeline.DEFAULT_GAP_SECONDS,
                       message_team=DEFAULT_MESSAGE_TEAM)
    assert_same_walk(fast, slow)
    assert fast.timelines[0].resolved_after_last == ds.thread_events[3]


@settings(max_examples=200, deadline=None)
@given(data=st.data(), wide=st.booleans())
def test_each_event_goes_after_its_threads_messages_up_to_its_instant(
        data: st.DataObject, wide: bool) -> None:
    """The merge of the sorted events into the messages, on one integer key or (threads
    whose instants span too much for it) pair by pair, is a count by brute force."""
    import numpy as np

    from salesmetrics._walkcols import _insertions

    span = 2**58 if wide else 50  # 2**58 µs: nine thousand years
    pairs = st.tuples(st.integers(0, 40), st.integers(0, span))
    messages = sorted(data.draw(st.lists(pairs, max_size=30)))
    events = sorted(data.draw(st.lists(pairs, max_size=30)))
    m_thr = np.array([t for t, _ in messages], dtype=np.int64)
    m_us = np.array([u for _, u in messages], dtype=np.int64)
    got = _insertions(m_thr, m_us, np.array([t for t, _ in events], dtype=np.int64),
                      np.array([u for _, u in events], dtype=np.int64))
    assert got.tolist() == [sum(1 for m in messages if m <= e) for e in events]


def test_threads_spanning_millennia_walk_as_the_items() -> None:
    """Twenty threads, each a few messages and events of its own century: one integer
    key would overflow, the merge goes pair by pair."""
    threads = [Thread(id=f"t{i}", team="A") for i in range(20)]
    messages, events = [], []
    for i, t in enumerate(threads):
        at = datetime(100 + 490 * i, 6, 1, tzinfo=UTC)
        messages += [Message(thread=t.id, at=at, direction=Direction.IN),
                     Message(thread=t.id, at=at + timedelta(hours=2), direction=Direction.OUT,
                             user="u1")]
        events.append(ThreadEvent(thread=t.id, at=at + timedelta(hours=1),
                                  type=EventType.TRANSFER, to_team="B"))
    ds = Dataset(teams=[Team(id="A"), Team(id="B")], users=[User(id="u1", team="B")],
                 threads=threads, messages=messages, thread_events=events)
    assert walk_columns(*_args(ds)) is not None
    fast, slow = walks(ds, gap_seconds=timeline.DEFAULT_GAP_SECONDS,
                       message_team=DEFAULT_MESSAGE_TEAM)
    assert_same_walk(fast, slow)
    # opened while A held the thread, moved to B, answered by B's user
    assert [(c.team, c.transfers, c.outcome) for tl in fast.timelines for c in tl.contacts] \
        == [("A", ("B",), timeline.ANSWERED_BY_OTHER)] * 20
