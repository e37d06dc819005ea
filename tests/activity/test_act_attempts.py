"""Smart list attempts read from the per-list index, against a scan of every record.

The index keeps one time line per smart list (every attempt on its accounts),
sorted once per dataset; a period is two bisections per list, and the
drill-down's (list, account) order a stable sort of the window by account.
These properties compare its attempts, rows and tallies with the definition:
every human outbound message, then every completed non-automated call or
email, in input order, for each list holding the account, in list order.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from act_strategies import PERIOD, T0, datasets
from hypothesis import given, settings
from hypothesis import strategies as st

from salesmetrics.dataset import Dataset
from salesmetrics.metrics.activity import Attempt, attempts, smart_list_progress_partial
from salesmetrics.model import (
    Activity,
    ActivityKind,
    Customer,
    Direction,
    Message,
    Sender,
    SmartList,
    Thread,
    User,
)
from salesmetrics.period import Period


def scanned(ds: Dataset, period: Period, as_of: datetime | None) -> list[Attempt]:
    """The definition, in the order attempts() gives: messages, then activities, then lists."""
    items: list[tuple[Any, ...]] = []
    for m in ds.messages:
        thread = ds.threads_by_id.get(m.thread)
        if (thread is not None and thread.customer is not None
                and m.direction is Direction.OUT and m.sender is Sender.USER):
            items.append((thread.customer, m.user, m.at, "message", m.id, m.index))
    for a in ds.activities:
        if (a.kind in (ActivityKind.CALL, ActivityKind.EMAIL) and a.completed
                and not a.automated and a.customer is not None):
            items.append((a.customer, a.user, a.at, "activity", a.id, a.index))
    out = []
    for customer, user, at, source, item, index in items:
        if not (period.contains(at) and (as_of is None or at <= as_of)):
            continue
        for sl in ds.smart_lists:
            if customer in sl.customers and (not sl.users or user in sl.users):
                out.append(Attempt(sl.id, customer, user, at, source, item, index))
    return out


ACCOUNTS = ("c0", "c1", "c2", "c3")
PEOPLE = ("u0", "u1", "u2")
ZONES = (UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30)))


@st.composite
def attempted(draw: st.DrawFn) -> Dataset:
    """Lists sharing accounts (one without users, one naming an account twice), many
    attempts on them at a few instants in several offsets, indexes sometimes repeated."""
    def at() -> datetime:
        t = T0 + timedelta(hours=draw(st.integers(-30, 150)) // 6 * 6)
        return t.astimezone(draw(st.sampled_from(ZONES)))

    def index(i: int) -> int:
        return draw(st.sampled_from([i, i, 0]))

    threads = [Thread(id=f"t{i}", team="A", customer=draw(st.sampled_from([None, *ACCOUNTS])))
               for i in range(4)]
    messages = [Message(thread=draw(st.sampled_from(["t0", "t1", "t2", "t3", "t9"])), at=at(),
                        direction=draw(st.sampled_from([Direction.OUT, Direction.OUT,
                                                        Direction.IN])),
                        user=draw(st.sampled_from([None, *PEOPLE])), index=index(i))
                for i in range(draw(st.integers(0, 25)))]
    acts = [Activity(user=draw(st.sampled_from(PEOPLE)),
                     kind=draw(st.sampled_from([ActivityKind.CALL, ActivityKind.EMAIL,
                                                ActivityKind.NOTE])),
                     at=at(), customer=draw(st.sampled_from([None, *ACCOUNTS])),
                     completed=draw(st.integers(0, 4)) > 0, automated=draw(st.integers(0, 4)) == 0,
                     index=index(i))
            for i in range(draw(st.integers(0, 25)))]
    return Dataset(users=[User(id=u) for u in PEOPLE],
                   customers=[Customer(id=c) for c in ACCOUNTS], threads=threads,
                   messages=messages, activities=acts,
                   smart_lists=[SmartList(id="L0", customers=("c0", "c1", "c2"),
                                          users=("u0", "u1")),
                                SmartList(id="L1", customers=("c3", "c2")),
                                SmartList(id="L2", customers=("c1", "c3", "c1"), users=("u2",))])


@st.composite
def windows(draw: st.DrawFn) -> tuple[Dataset, list[tuple[Period, datetime | None]]]:
    """A dataset and periods whose bounds (and as_of) are often an attempt's instant."""
    ds = draw(st.one_of(attempted(), datasets(rich=True)))
    marks = [m.at for m in ds.messages] + [a.at for a in ds.activities] + [T0]
    asked: list[tuple[Period, datetime | None]] = [(PERIOD, None)]
    for _ in range(draw(st.integers(1, 3))):
        start = draw(st.sampled_from(marks)) + draw(st.sampled_from(
            [timedelta(0), timedelta(microseconds=1), -timedelta(hours=30)]))
        end = max(draw(st.sampled_from(marks)), start + timedelta(hours=1))
        as_of = draw(st.sampled_from([None, *marks]))
        asked.append((Period(start, end), as_of))
    return ds, asked


@settings(max_examples=200, deadline=None)
@given(windows())
def test_attempts_rows_and_tallies_are_the_scans(case: tuple[Dataset, list[Any]]) -> None:
    ds, asked = case
    with_users = {sl.id for sl in ds.smart_lists if sl.users}
    for period, as_of in asked:  # several windows of one dataset: one index
        found = scanned(ds, period, as_of)
        assert attempts(ds, period=period, as_of=as_of) == tuple(found)
        partial = smart_list_progress_partial(ds, period=period, as_of=as_of)
        # the drill-down: by list and account, then by instant, source and index (stable)
        assert partial.rows == tuple(sorted(found, key=lambda r: r.sort_key))
        keys: dict[str, dict[str, set[str]]] = {}
        for r in found:
            mine = keys.setdefault(r.smart_list, {})
            mine.setdefault("attempted", set()).add(r.customer)
            if r.user is not None and r.smart_list in with_users:
                mine.setdefault("user:" + r.user, set()).add(r.customer)
        assert {k: dict(t.keys) for k, t in partial.tallies.items()} == keys
        assert smart_list_progress_partial(ds, period=period, as_of=as_of,
                                           rows=False) == partial.without_rows()
