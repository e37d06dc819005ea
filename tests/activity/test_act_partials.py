"""The activity metrics' partials: row-free summaries, split and merge, the indexes' windows."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from act_strategies import GHOST, PERIOD, T0, datasets, filters_st
from hypothesis import given, settings
from hypothesis import strategies as st

from salesmetrics.dataset import Dataset
from salesmetrics.metrics import merge
from salesmetrics.metrics._instants import Sorted
from salesmetrics.metrics.activity import (
    RepFact,
    finish_inactive_users,
    finish_rep_activity,
    finish_smart_list_progress,
    inactive_users,
    inactive_users_partial,
    rep_activity,
    rep_activity_partial,
    smart_list_progress_partial,
)
from salesmetrics.model import Activity, ActivityKind, Direction, Message, Team, Thread, User
from salesmetrics.period import Period
from salesmetrics.timeline import timelines

AS_OF = [None, T0 + timedelta(days=2, hours=5)]
AT = [T0 - timedelta(days=2), T0 + timedelta(days=3), T0 + timedelta(days=9)]


def parts(ds: Dataset, n: int, seed: int) -> list[Dataset]:
    """The dataset cut in ``n`` parts as an engine would: threads with their messages and
    events, activities spread at random, the reference data in every part (messages of
    no thread in the first)."""
    rnd = random.Random(seed)
    home = {t.id: rnd.randrange(n) for t in ds.threads}
    acts = [rnd.randrange(n) for _ in ds.activities]
    out = []
    for i in range(n):
        part = ds.only_threads([t for t, k in home.items() if k == i])
        orphans = [m for m in ds.messages if m.thread not in home] if i == 0 else []
        out.append(part.replace(
            messages=[*part.messages, *orphans],
            activities=[a for a, k in zip(ds.activities, acts, strict=True) if k == i]))
    return out


def _rep(ds: Dataset, **kw: Any) -> Any:
    return rep_activity_partial(ds, period=PERIOD, **kw)


def _lists(ds: Dataset, **kw: Any) -> Any:
    return smart_list_progress_partial(ds, period=PERIOD, **kw)


def finishes(ds: Dataset) -> list[tuple[Callable[[Dataset], Any], Callable[[Any], Any]]]:
    """(partial, finish) pairs of every activity metric and grouping."""
    out: list[tuple[Callable[[Dataset], Any], Callable[[Any], Any]]] = []
    for as_of in AS_OF:
        for by in (None, "user"):
            out.append((lambda d, a=as_of: _rep(d, as_of=a),
                        lambda p, b=by: finish_rep_activity(p, ds, by=b)))
        for by in (None, "smart_list", "user"):
            out.append((lambda d, a=as_of: _lists(d, as_of=a),
                        lambda p, b=by: finish_smart_list_progress(p, ds, by=b)))
    for at in AT:
        for days in (0, 1, 2.5):
            out.append((lambda d, t=at: inactive_users_partial(d, at=t),
                        lambda p, t=at, n=days: finish_inactive_users(p, at=t, days=n)))
    return out


@settings(max_examples=60, deadline=None)
@given(datasets(rich=True))
def test_a_partial_without_rows_gives_the_same_summaries(ds: Dataset) -> None:
    for partial, finish in finishes(ds):
        p = partial(ds)
        full, bare = finish(p), finish(p.without_rows())
        assert bare.summary() == full.summary() and bare.overall == full.overall
        assert bare.rows == ()


@settings(max_examples=60, deadline=None)
@given(datasets(rich=True), filters_st)
def test_rep_activity_without_rows_under_every_filter(ds: Dataset,
                                                      filters: dict[str, Any]) -> None:
    p = rep_activity_partial(ds, period=PERIOD, **filters)
    full = finish_rep_activity(p, ds, by="user")
    assert finish_rep_activity(p.without_rows(), ds, by="user").summary() == full.summary()
    assert full == rep_activity(ds, period=PERIOD, by="user", **filters)


@settings(max_examples=60, deadline=None)
@given(datasets(rich=True), st.integers(1, 4), st.integers(), st.booleans())
def test_parts_merged_without_rows_equal_the_whole(ds: Dataset, n: int, seed: int,
                                                   rows: bool) -> None:
    cut = parts(ds, n, seed)
    for partial, finish in finishes(ds):
        whole = finish(partial(ds))
        partials = [partial(part) for part in cut]
        merged = merge(*(p if rows else p.without_rows() for p in partials))
        result = finish(merged)
        assert result.summary() == whole.summary()
        if rows:
            assert result.rows == whole.rows
        # merging is commutative: the parts in another order give the same numbers
        backwards = finish(merge(*reversed([p.without_rows() for p in partials])))
        assert backwards.summary() == whole.summary()


def test_the_last_activity_across_parts_breaks_ties_as_the_whole() -> None:
    # equal instants: a message wins over an activity, then the later input position
    t = datetime(2026, 3, 3, 9, tzinfo=UTC)
    west = t.astimezone(timezone(timedelta(hours=-5)))
    ds = Dataset(teams=[Team(id="A")], users=[User(id="u")],
                 threads=[Thread(id="t1", team="A"), Thread(id="t2", team="A")],
                 messages=[Message(thread="t1", at=t, direction=Direction.OUT, user="u",
                                   channel="email", id="m0", index=0),
                           Message(thread="t2", at=west, direction=Direction.OUT, user="u",
                                   channel="email", id="m1", index=1)],
                 activities=[Activity(user="u", kind=ActivityKind.NOTE, at=t, index=0,
                                      id="a0"),
                             Activity(user="u", kind=ActivityKind.NOTE, at=west, index=1,
                                      id="a1")])
    period = Period(t - timedelta(days=1), t + timedelta(days=1))
    whole = rep_activity(ds, period=period, by="user")
    assert [(f.column, f.item) for f in whole.rows if f.column == "last_activity"] == [
        ("last_activity", "m1")]
    assert whole.groups["u"].last_activity.isoformat() == west.isoformat()  # type: ignore[union-attr]
    for seed in range(6):
        cut = parts(ds, 2, seed)
        merged = merge(*(rep_activity_partial(p, period=period) for p in cut))
        assert finish_rep_activity(merged, ds, by="user") == whole
        bare = finish_rep_activity(merge(*(rep_activity_partial(p, period=period).without_rows()
                                           for p in cut)), ds, by="user")
        assert bare.summary() == whole.summary()
        lasts = merge(*(inactive_users_partial(p, at=t) for p in cut))
        assert finish_inactive_users(lasts, at=t) == inactive_users(ds, at=t)


def test_a_user_no_record_describes_is_shown_when_counted_in_the_period() -> None:
    t = datetime(2026, 3, 3, 9, tzinfo=UTC)
    ds = Dataset(teams=[Team(id="A")], users=[User(id="u")],
                 activities=[Activity(user=GHOST, kind=ActivityKind.CALL, at=t),
                             Activity(user="other", kind=ActivityKind.CALL,
                                      at=t - timedelta(days=9))])
    r = rep_activity(ds, period=Period(t - timedelta(days=1), t + timedelta(days=1)),
                     by="user")
    assert list(r.groups) == [GHOST, "u"] and r.groups[GHOST].calls_made == 1


# -- the indexes' windows are exact, whatever the instants --------------------------------

FAR = datetime(9000, 1, 1, tzinfo=UTC)


@st.composite
def instants(draw: st.DrawFn) -> tuple[datetime, list[datetime]]:
    """Instants a few microseconds apart far in the future (their timestamps collide),
    or today."""
    base = draw(st.sampled_from([FAR, datetime(2026, 3, 2, tzinfo=UTC)]))
    return base, [base + timedelta(microseconds=draw(st.integers(0, 40)))
                  for _ in range(draw(st.integers(0, 25)))]


@settings(max_examples=200, deadline=None)
@given(instants(), st.integers(0, 40), st.integers(0, 40), st.one_of(st.none(),
                                                                       st.integers(0, 40)))
def test_a_window_is_exactly_the_instants_in_it(drawn: tuple[datetime, list[datetime]], a: int,
                                               b: int, c: int | None) -> None:
    base, ats = drawn
    start, stop = base + timedelta(microseconds=a), base + timedelta(microseconds=b)
    as_of = None if c is None else base + timedelta(microseconds=c)
    s = Sorted([(at.timestamp(), seq, at) for seq, at in enumerate(ats)], at=2)
    got = [s.rows[i][1] for i in s.window(start, stop, as_of)]
    assert sorted(got) == [i for i, at in enumerate(ats)
                           if start <= at < stop and (as_of is None or at <= as_of)]
    positions = list(s.window(start, stop, as_of))
    assert positions == sorted(positions)
    last = s.last_before(stop, as_of)
    naive = max(((at, i) for i, at in enumerate(ats)
                 if at < stop and (as_of is None or at <= as_of)), default=None)
    assert (None if last is None else s.rows[last][1]) == (None if naive is None else naive[1])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.sampled_from(["activity", "message"]),
                          st.integers(0, 3)), max_size=30))
def test_rows_sort_by_timestamp_then_tie_then_the_order_made(keys: list[tuple[int, str, int]]
                                                            ) -> None:
    at = datetime(2026, 3, 2, tzinfo=UTC)
    rows = [(float(t), source, index, seq, at) for seq, (t, source, index) in enumerate(keys)]
    s = Sorted(list(rows), at=4, tie=lambda r: (r[1], r[2]))
    assert s.rows == sorted(rows) and s.ts == [r[0] for r in sorted(rows)]


def naive_facts(ds: Dataset, period: Period, as_of: datetime | None) -> list[RepFact]:
    """The facts of rep_activity as its definition reads: a walk of every thread's
    conversations, then the activities (what the library did before its indexes)."""
    def counted(at: datetime) -> bool:
        return period.contains(at) and (as_of is None or at <= as_of)

    rows = []
    for tl in timelines(ds, as_of=as_of):
        for conv in tl.conversations:
            first = conv.first
            if counted(first.at) and first.is_human_outbound and first.user is not None:
                rows.append(RepFact(first.user, "new_conversations", first.at, "message",
                                    first.id, first.index))
            for m in conv.messages:
                if m.channel != "sms" or not counted(m.at):
                    continue
                if m.is_human_outbound and m.user is not None:
                    rows.append(RepFact(m.user, "sms_sent", m.at, "message", m.id, m.index))
                elif m.direction is Direction.IN and (holder := tl.assignee_at(m.at)):
                    rows.append(RepFact(holder, "sms_received", m.at, "message", m.id,
                                        m.index))
    columns = {ActivityKind.CALL: "calls_made", ActivityKind.LEAD_CREATED: "leads_created",
               ActivityKind.OPPORTUNITY_CREATED: "opportunities_created",
               ActivityKind.OPPORTUNITY_WON: "closed_won", ActivityKind.NOTE: "notes",
               ActivityKind.EMAIL: "emails", ActivityKind.APPOINTMENT: "appointments"}
    for a in ds.activities:
        column = columns.get(a.kind)
        if column is None or not a.completed or a.automated or not counted(a.at):
            continue
        call = a.kind is ActivityKind.CALL
        rows.append(RepFact(a.user, column, a.at, "activity", a.id, a.index,
                            a.duration_seconds if call else None))
        if call and a.answered:
            rows.append(RepFact(a.user, "calls_answered", a.at, "activity", a.id, a.index))
    return sorted(rows, key=lambda r: r.sort_key)


@settings(max_examples=80, deadline=None)
@given(datasets(rich=True), st.sampled_from(AS_OF))
def test_the_indexed_facts_are_the_definitions(ds: Dataset, as_of: datetime | None) -> None:
    r = rep_activity(ds, period=PERIOD, as_of=as_of, by="user")
    assert [f for f in r.rows if f.column != "last_activity"] == naive_facts(ds, PERIOD, as_of)
    for user, summary in r.groups.items():
        own = [x.at for x in ds.activities if x.user == user and x.completed
               and not x.automated] + [m.at for m in ds.messages
                                       if m.user == user and m.is_human_outbound]
        seen = [t for t in own if t < PERIOD.end and (as_of is None or t <= as_of)]
        assert summary.last_activity == (max(seen) if seen else None)
