"""Properties of the rep activity metrics over random datasets (hypothesis)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from salesmetrics.dataset import Dataset
from salesmetrics.metrics.activity import (
    COLUMNS,
    ProgressAggregate,
    RepAggregate,
    attempts,
    inactive_users,
    rep_activity,
    smart_list_progress,
)
from salesmetrics.model import (
    AccountType,
    Activity,
    ActivityKind,
    Customer,
    Direction,
    EventType,
    Message,
    Sender,
    SmartList,
    Team,
    Thread,
    ThreadEvent,
    User,
)
from salesmetrics.period import Period

T0 = datetime(2026, 3, 2, tzinfo=UTC)
PERIOD = Period(T0, T0 + timedelta(days=5))
USERS = ("u0", "u1", "u2")
CUSTOMERS = ("c0", "c1", "c2")


def at(draw: st.DrawFn) -> datetime:
    return T0 + timedelta(hours=draw(st.integers(-100, 160)))


@st.composite
def datasets(draw: st.DrawFn) -> Dataset:
    threads = [Thread(id=f"t{i}", team="A", customer=draw(st.sampled_from([None, *CUSTOMERS])),
                      assignee=draw(st.sampled_from([None, *USERS]))) for i in range(3)]
    messages = []
    for i in range(draw(st.integers(0, 14))):
        direction = draw(st.sampled_from(list(Direction)))
        sender = (Sender.CUSTOMER if direction is Direction.IN
                  else draw(st.sampled_from([Sender.USER, Sender.AUTO])))
        messages.append(Message(
            thread=draw(st.sampled_from([t.id for t in threads])), at=at(draw),
            direction=direction, sender=sender,
            user=draw(st.sampled_from([None, *USERS])) if direction is Direction.OUT else None,
            channel=draw(st.sampled_from(["sms", "sms", "email"])), index=i))
    events = [ThreadEvent(thread=draw(st.sampled_from([t.id for t in threads])), at=at(draw),
                          type=EventType.ASSIGN, to_user=draw(st.sampled_from(USERS)), index=i)
              for i in range(draw(st.integers(0, 3)))]
    acts = [Activity(user=draw(st.sampled_from(USERS)),
                     kind=draw(st.sampled_from(list(ActivityKind))), at=at(draw),
                     customer=draw(st.sampled_from([None, *CUSTOMERS])),
                     smart_list=draw(st.sampled_from([None, "L0", "L1"])),
                     completed=draw(st.booleans()), automated=draw(st.integers(0, 3)) == 0,
                     answered=draw(st.sampled_from([None, True, False])),
                     duration_seconds=draw(st.sampled_from([None, 30.0, 95.5])), index=i)
            for i in range(draw(st.integers(0, 14)))]
    return Dataset(
        teams=[Team(id="A"), Team(id="B")],
        users=[User(id="u0", team="A"), User(id="u1", team="A"), User(id="u2", team="B")],
        customers=[Customer(id="c0", account_type=AccountType.BUSINESS, brand="x"),
                   Customer(id="c1", account_type=AccountType.PROSPECT),
                   Customer(id="c2", account_type=AccountType.BUSINESS, brand="y")],
        threads=threads, messages=messages, thread_events=events, activities=acts,
        smart_lists=[SmartList(id="L0", customers=("c0", "c1"), users=("u0", "u1")),
                     SmartList(id="L1", customers=("c2",))])


def shuffled(ds: Dataset, seed: int) -> Dataset:
    rnd = random.Random(seed)
    sections = {}
    for name in ("messages", "activities", "thread_events", "threads"):
        items = list(getattr(ds, name))
        rnd.shuffle(items)
        sections[name] = items
    return ds.replace(**sections)


filters_st = st.sampled_from([
    {}, {"smart_list": "L0"}, {"on_smart_list": True}, {"on_smart_list": False},
    {"account_type": "business"}, {"brand": "x"}, {"team": "A"},
])


@settings(max_examples=60, deadline=None)
@given(datasets(), st.integers(), filters_st)
def test_order_of_sections_does_not_matter(ds: Dataset, seed: int,
                                           filters: dict[str, object]) -> None:
    a = rep_activity(ds, period=PERIOD, by="user", **filters)  # type: ignore[arg-type]
    b = rep_activity(shuffled(ds, seed), period=PERIOD, by="user", **filters)  # type: ignore[arg-type]
    assert a.overall == b.overall and dict(a.groups) == dict(b.groups)
    assert smart_list_progress(ds, period=PERIOD, by="smart_list").groups == \
        smart_list_progress(shuffled(ds, seed), period=PERIOD, by="smart_list").groups
    assert inactive_users(ds, at=T0).overall == inactive_users(shuffled(ds, seed), at=T0).overall


@settings(max_examples=60, deadline=None)
@given(datasets(), st.lists(st.integers(0, 2), min_size=30, max_size=30), filters_st)
def test_split_and_merge_gives_the_same_numbers(ds: Dataset, parts: list[int],
                                                filters: dict[str, object]) -> None:
    whole = rep_activity(ds, period=PERIOD, by="user", **filters)  # type: ignore[arg-type]
    for user, summary in whole.groups.items():
        facts = [f for f in whole.rows if f.user == user]
        merged = RepAggregate(last_activity=summary.last_activity)
        for k in range(3):
            merged = merged.merge(RepAggregate.of(
                f for i, f in enumerate(facts) if parts[i % 30] == k))
        got = merged.summary(summary.first_name, summary.last_name, summary.code)
        assert got == summary
    rows = attempts(ds, period=PERIOD)
    agg = ProgressAggregate()
    for k in range(3):
        agg = agg.merge(ProgressAggregate.of(r for i, r in enumerate(rows) if parts[i % 30] == k))
    assert agg == ProgressAggregate.of(rows)


@settings(max_examples=60, deadline=None)
@given(datasets(), filters_st)
def test_counts_are_consistent(ds: Dataset, filters: dict[str, object]) -> None:
    r = rep_activity(ds, period=PERIOD, by="user", **filters)  # type: ignore[arg-type]
    unfiltered = rep_activity(ds, period=PERIOD, by="user")
    for u, s in r.groups.items():
        assert s.calls_answered <= s.calls_made
        assert s.new_conversations <= sum(1 for m in ds.messages if m.is_human_outbound
                                          and m.user == u and PERIOD.contains(m.at))
        for c in COLUMNS:
            assert getattr(s, c) <= getattr(unfiltered.groups[u], c)
        assert s.openers_only == (s.sms_sent == s.new_conversations > 0)
        if s.last_activity is not None:
            assert s.last_activity < PERIOD.end
    for c in COLUMNS:
        assert getattr(r.overall, c) == sum(getattr(s, c) for s in r.groups.values())
    lists = smart_list_progress(ds, period=PERIOD, by="smart_list").groups
    users = smart_list_progress(ds, period=PERIOD, by="user").groups
    for lp in lists.values():
        assert 0 <= lp.attempted <= lp.accounts
        assert lp.rate is None or 0 <= lp.rate <= 1
        for up in lp.users.values():
            assert up.attempted <= lp.attempted
    for up in users.values():
        assert up.rate is None or 0 <= up.rate <= 1


@settings(max_examples=40, deadline=None)
@given(datasets(), st.integers(0, 10))
def test_inactive_users_grow_with_fewer_days(ds: Dataset, days: int) -> None:
    now = T0 + timedelta(days=3)
    more = set(inactive_users(ds, at=now, days=days).overall)
    fewer = set(inactive_users(ds, at=now, days=days + 1).overall)
    assert fewer <= more
    assert set(inactive_users(ds, at=now, days=0).overall) == set(USERS)


@settings(max_examples=40, deadline=None)
@given(datasets(), st.sampled_from(USERS))
def test_scoped_equals_filtered_and_never_leaks(ds: Dataset, user: str) -> None:
    scoped = ds.scoped_to_user(user)
    keep = {t.id for t in ds.threads if ds.assignee_at(t.id, None) == user}
    filtered = ds.replace(
        threads=[t for t in ds.threads if t.id in keep],
        messages=[m for m in ds.messages if m.thread in keep],
        thread_events=[e for e in ds.thread_events if e.thread in keep],
        leads=[lead for lead in ds.leads if lead.assignee == user],
        activities=[a for a in ds.activities if a.user == user])
    r = rep_activity(scoped, period=PERIOD, by="user")
    assert r == rep_activity(filtered, period=PERIOD, by="user")
    assert all(f.source == "message" or f.user == user for f in r.rows)
    assert all(m.thread in keep for m in scoped.messages)
    for other, s in r.groups.items():
        if other != user:
            assert s.calls_made == s.notes == s.emails == s.appointments == 0
    p = smart_list_progress(scoped, period=PERIOD)
    assert p == smart_list_progress(filtered, period=PERIOD)
    assert inactive_users(scoped, at=T0) == inactive_users(filtered, at=T0)
