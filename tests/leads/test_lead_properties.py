"""Properties of the lead metrics over random datasets (hypothesis)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from salesmetrics.calendars import Calendar, Week
from salesmetrics.dataset import Dataset
from salesmetrics.metrics.conversion import ConversionAggregate, lead_conversion, lost_leads
from salesmetrics.metrics.leads import (
    LEAD_GROUPINGS,
    ResponseAggregate,
    lead_dashboard,
    lead_response_time,
)
from salesmetrics.model import (
    Activity,
    ActivityKind,
    Conversion,
    ConversionKind,
    Lead,
    StatusGroup,
    Team,
    User,
)
from salesmetrics.period import Period

T0 = datetime(2026, 3, 2, tzinfo=UTC)
PERIOD = Period(T0, T0 + timedelta(days=5))
USERS = ("u0", "u1", "u2")
BUCKETS = ((0.0, 1.0), (1.0, 6.0), (2.0, 48.0))


def minutes(n: int) -> datetime:
    return T0 + timedelta(minutes=n)


@st.composite
def datasets(draw: st.DrawFn) -> Dataset:
    n = draw(st.integers(0, 8))
    leads = []
    for i in range(n):
        conv = tuple(
            Conversion(kind=draw(st.sampled_from(list(ConversionKind))),
                       at=minutes(draw(st.integers(-600, 8000))))
            for _ in range(draw(st.integers(0, 2))))
        leads.append(Lead(
            id=f"L{i}", received_at=minutes(draw(st.integers(-600, 8000))),
            team=draw(st.sampled_from([None, "A", "B"])),
            assignee=draw(st.sampled_from([None, *USERS])),
            store=draw(st.sampled_from([None, "n", "s"])),
            source=draw(st.sampled_from([None, "web"])),
            source_group=draw(st.sampled_from([None, "g"])),
            type=draw(st.sampled_from([None, "x", "y"])),
            category=draw(st.sampled_from([None, "sales", "service"])),
            status=draw(st.sampled_from([None, "price", "slow"])),
            status_group=draw(st.sampled_from([None, *StatusGroup])),
            conversions=conv))
    acts = []
    for i in range(draw(st.integers(0, 14))):
        acts.append(Activity(
            user=draw(st.sampled_from(USERS)), kind=draw(st.sampled_from(list(ActivityKind))),
            at=minutes(draw(st.integers(-600, 9000)) // 30 * 30),
            lead=draw(st.sampled_from([None] + [f"L{j}" for j in range(n)])),
            completed=draw(st.booleans()), automated=draw(st.integers(0, 3)) == 0, index=i))
    cal = Calendar("UTC", Week.every_day(("09:00", "17:00")))
    return Dataset(calendars={"c": cal}, teams=[Team(id="A", calendar="c"), Team(id="B")],
                   users=[User(id=u, team="A") for u in USERS], leads=leads, activities=acts)


def shuffled(ds: Dataset, seed: int) -> Dataset:
    rnd = random.Random(seed)
    leads, acts = list(ds.leads), list(ds.activities)
    rnd.shuffle(leads)
    rnd.shuffle(acts)
    return ds.replace(leads=leads, activities=acts)


by_st = st.sampled_from([None, *LEAD_GROUPINGS])
clock_st = st.sampled_from(["wall", "business", "deferred_start"])


@settings(max_examples=60, deadline=None)
@given(datasets(), st.integers(), by_st, clock_st)
def test_order_of_sections_does_not_matter(ds: Dataset, seed: int, by: str | None,
                                           clock: str) -> None:
    a = lead_response_time(ds, period=PERIOD, by=by, clock=clock, buckets=BUCKETS)
    b = lead_response_time(shuffled(ds, seed), period=PERIOD, by=by, clock=clock,
                           buckets=BUCKETS)
    assert a.overall == b.overall and dict(a.groups) == dict(b.groups)
    assert sorted(a.rows, key=lambda r: r.lead) == sorted(b.rows, key=lambda r: r.lead)
    for grouping in (None, "type", "assignee"):
        ca = lead_conversion(ds, period=PERIOD, by=grouping)
        cb = lead_conversion(shuffled(ds, seed), period=PERIOD, by=grouping)
        assert ca == cb
        assert lost_leads(ds, period=PERIOD) == lost_leads(shuffled(ds, seed), period=PERIOD)


@settings(max_examples=60, deadline=None)
@given(datasets(), st.lists(st.integers(0, 2), min_size=8, max_size=8), by_st)
def test_split_and_merge_gives_the_same_numbers(ds: Dataset, parts: list[int],
                                                by: str | None) -> None:
    whole = lead_response_time(ds, period=PERIOD, by=by, buckets=BUCKETS)
    pieces = [ds.replace(leads=[lead for i, lead in enumerate(ds.leads) if parts[i % 8] == k])
              for k in range(3)]
    results = [lead_response_time(p, period=PERIOD, by=by, buckets=BUCKETS) for p in pieces]
    merged = ResponseAggregate(buckets=BUCKETS)
    for r in results:
        merged = merged.merge(ResponseAggregate.of(r.rows, BUCKETS))
    assert merged.summary() == whole.overall
    if by is not None:
        for key, summary in whole.groups.items():
            agg = ResponseAggregate(buckets=BUCKETS)
            for r in results:
                agg = agg.merge(ResponseAggregate.of([x for x in r.rows if x.group(by) == key],
                                                     BUCKETS))
            assert agg.summary() == summary
    conv = [lead_conversion(p, period=PERIOD) for p in pieces]
    cagg = ConversionAggregate()
    for c in conv:
        cagg = cagg.merge(ConversionAggregate.of(c.rows))
    assert cagg.summary() == lead_conversion(ds, period=PERIOD).overall


@settings(max_examples=60, deadline=None)
@given(datasets(), by_st, clock_st)
def test_counts_are_consistent(ds: Dataset, by: str | None, clock: str) -> None:
    r = lead_response_time(ds, period=PERIOD, by=by, clock=clock, buckets=BUCKETS)
    for s in [r.overall, *r.groups.values()]:
        assert 0 <= s.within_24h <= s.responded <= s.leads
        assert all(0 <= b <= s.responded for b in s.buckets)
        assert s.buckets[0] + s.buckets[1] <= s.responded  # disjoint buckets
        if s.within_24h_rate is not None:
            assert 0 <= s.within_24h_rate <= 1
        if s.responded:
            assert s.mean is not None and s.median is not None and s.p90 is not None
            assert s.p90 >= s.median
        else:
            assert s.mean is None and s.median is None
    if by is not None and by != "responder":
        assert sum(s.leads for s in r.groups.values()) <= r.overall.leads
    if by == "responder":
        assert sum(s.leads for s in r.groups.values()) == r.overall.responded
    assert r.overall.leads == len(r.rows)
    c = lead_conversion(ds, period=PERIOD, by=by if by in ("type", "assignee") else None)
    for s2 in [c.overall, *c.groups.values()]:
        assert 0 <= s2.converted <= s2.leads == len(s2.lead_ids)
        assert s2.rate is None or 0 <= s2.rate <= 1
    lost = lost_leads(ds, period=PERIOD, by="type")
    assert lost.overall.count == sum(lost.overall.by_status.values()) <= c.overall.leads


@settings(max_examples=40, deadline=None)
@given(datasets(), st.integers(0, 8000))
def test_dashboard_is_the_response_time_read_at_the_instant(ds: Dataset, m: int) -> None:
    at = minutes(m)
    d = lead_dashboard(ds, period=PERIOD, at=at).overall
    r = lead_response_time(ds, period=PERIOD, as_of=at)
    assert (d.received, d.responded, d.mean, d.median) == (
        r.overall.leads, r.overall.responded, r.overall.mean, r.overall.median)
    assert 0 <= d.responded_in_window <= d.responded <= d.received
    wide = lead_dashboard(ds, period=PERIOD, at=at, window_seconds=1e9).overall
    assert wide.responded_in_window == d.responded


@settings(max_examples=40, deadline=None)
@given(datasets(), st.sampled_from(USERS))
def test_scoped_equals_filtered_and_never_leaks(ds: Dataset, user: str) -> None:
    scoped = ds.scoped_to_user(user)
    filtered = ds.replace(leads=[lead for lead in ds.leads if lead.assignee == user],
                          activities=[a for a in ds.activities if a.user == user])
    a = lead_response_time(scoped, period=PERIOD, by="responder")
    b = lead_response_time(filtered, period=PERIOD, by="responder")
    assert a == b
    assert all(r.assignee == user and r.responder in (None, user) for r in a.rows)
    c = lead_conversion(scoped, period=PERIOD, by="assignee")
    assert all(row.assignee == user for row in c.rows)
    assert all(g.leads == 0 for u, g in c.groups.items() if u != user)

