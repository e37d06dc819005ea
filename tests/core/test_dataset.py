"""Dataset indexes, holders over time, scope and splitting."""

from __future__ import annotations

import random
from datetime import UTC
from typing import Any

from salesmetrics.load import from_dict

T0 = "2026-03-02T09:00:00+00:00"


def data() -> dict[str, Any]:
    return {
        "teams": [{"id": "A"}, {"id": "B"}],
        "users": [{"id": "u1", "team": "A"}, {"id": "u2", "team": "B"}],
        "threads": [{"id": "t1", "team": "A", "assignee": "u1"}, {"id": "t2", "team": "B"}],
        "messages": [
            {"id": "a", "thread": "t1", "at": "2026-03-02T09:00:00+00:00", "direction": "in"},
            {"id": "b", "thread": "t1", "at": "2026-03-02T09:00:00+00:00", "direction": "out"},
            {"id": "c", "thread": "t1", "at": "2026-03-02T08:00:00+00:00", "direction": "in"},
            {"id": "d", "thread": "t2", "at": "2026-03-02T10:00:00+00:00", "direction": "in"},
        ],
        "thread_events": [
            {"thread": "t1", "at": "2026-03-02T10:00:00+00:00", "type": "transfer",
             "to_team": "B"},
            {"thread": "t1", "at": "2026-03-02T11:00:00+00:00", "type": "assign",
             "to_user": "u2"},
        ],
        "leads": [{"id": "l1", "received_at": T0, "team": "A", "assignee": "u1"},
                  {"id": "l2", "received_at": T0, "assignee": "u2"}],
        "activities": [{"user": "u1", "kind": "call", "at": T0, "lead": "l1"},
                       {"user": "u2", "kind": "email", "at": T0}],
    }


def test_messages_per_thread_are_in_time_order_ties_in_input_order() -> None:
    ds = from_dict(data())
    assert [m.id for m in ds.messages_by_thread["t1"]] == ["c", "a", "b"]


def test_holders_change_with_transfers_and_assignments() -> None:
    ds = from_dict(data())
    from datetime import datetime

    from salesmetrics.timeline import thread_timeline

    before = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    tl = thread_timeline(ds, "t1")
    assert tl.holder_at(before) == "A"
    assert tl.holder_at(None) == tl.holder == "B"
    assert ds.assignee_at("t1", before) == tl.assignee_at(before) == "u1"
    assert ds.assignee_at("t1", None) == tl.assignee_at(None) == "u2"


def test_indexes_by_user_lead_and_team() -> None:
    ds = from_dict(data())
    assert [a.kind.value for a in ds.activities_by_user["u1"]] == ["call"]
    assert len(ds.activities_by_lead["l1"]) == 1
    assert [lead.id for lead in ds.leads_by_team["A"]] == ["l1"]


def test_scope_keeps_only_the_users_items_read_at_as_of() -> None:
    ds = from_dict(data())
    from datetime import datetime

    early = ds.scoped_to_user("u1", datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
    assert [t.id for t in early.threads] == ["t1"]
    late = ds.scoped_to_user("u1")
    assert late.threads == () and late.messages == ()
    assert [lead.id for lead in late.leads] == ["l1"]
    assert all(a.user == "u1" for a in late.activities)
    assert len(late.teams) == 2


def test_split_by_thread_partitions_threads() -> None:
    ds = from_dict(data())
    parts = ds.split_by_thread(2)
    assert sorted(t.id for p in parts for t in p.threads) == ["t1", "t2"]
    assert sum(len(p.messages) for p in parts) == len(ds.messages)
    assert sum(len(p.leads) for p in parts) == len(ds.leads)


def test_input_order_never_changes_the_indexes() -> None:
    d = data()
    shuffled = {k: list(v) for k, v in d.items()}
    # shuffle only messages whose instants differ, ties must keep input order
    rng = random.Random(4)
    rng.shuffle(shuffled["thread_events"])
    rng.shuffle(shuffled["leads"])
    a, b = from_dict(d), from_dict(shuffled)
    from salesmetrics.timeline import thread_timeline

    assert thread_timeline(a, "t1").holder == thread_timeline(b, "t1").holder
    assert {lead.id for lead in a.leads} == {lead.id for lead in b.leads}


def test_a_dataset_shared_by_threads_gives_the_serial_numbers() -> None:
    from concurrent.futures import ThreadPoolExecutor
    from datetime import UTC, datetime, timedelta

    from salesmetrics.examples import generate
    from salesmetrics.metrics import conversations, response_rate
    from salesmetrics.period import Period

    ds = from_dict(generate(seed=3, messages=400))
    start = datetime(2026, 3, 2, tzinfo=UTC)
    # more distinct as_of keys than the memo keeps, so threads evict each other
    jobs = [(Period(start, start + timedelta(days=7)), start + timedelta(days=d))
            for d in range(1, 13)] * 4

    def run(job: tuple[Period, datetime]) -> tuple[object, object]:
        period, as_of = job
        return (response_rate(ds, period=period, as_of=as_of, by="team").summary(),
                conversations(ds, period=period, as_of=as_of, by="team").summary())

    serial = [run(j) for j in jobs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(run, jobs))
    assert parallel == serial
