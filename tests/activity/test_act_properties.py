"""Properties of the rep activity metrics over random datasets (hypothesis)."""

from __future__ import annotations

import random
from datetime import timedelta

from act_strategies import PERIOD, T0, USERS, datasets, filters_st
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


def shuffled(ds: Dataset, seed: int) -> Dataset:
    rnd = random.Random(seed)
    sections = {}
    for name in ("messages", "activities", "thread_events", "threads"):
        items = list(getattr(ds, name))
        rnd.shuffle(items)
        sections[name] = items
    return ds.replace(**sections)




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
