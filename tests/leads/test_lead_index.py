"""The leads received in a period, read from the per-dataset index, against a full scan.

``leads_received`` (and so lead response time, the dashboard, conversion and
lost leads) bisects the dataset's receptions, sorted once per dataset. These
properties compare it with the definition, a scan of every lead, on leads
received exactly at a period's bounds and at ``as_of``, a microsecond either
side, in several zones: fixed offsets (the epochs decide) and ``ZoneInfo``
instants in a fold, whose comparisons with an instant of the same zone read
the wall clock (the leads near a bound are then asked themselves).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from salesmetrics.dataset import Dataset
from salesmetrics.metrics.conversion import lead_conversion, lost_leads
from salesmetrics.metrics.leads import lead_response_time, leads_received, visible
from salesmetrics.model import Activity, ActivityKind, Lead, StatusGroup
from salesmetrics.period import Period

#: 01:30 in New York on the night its clocks go back (EDT, fold 0; EST an hour later).
FOLD = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")
FIXED = (UTC, timezone(timedelta(hours=-4)), timezone(timedelta(hours=5, minutes=30)))
ZONES = (*FIXED, NEW_YORK, NEW_YORK, NEW_YORK, ZoneInfo("Europe/Paris"))  # often the fold
NEAR = (timedelta(0), timedelta(microseconds=1), -timedelta(microseconds=1),
        timedelta(hours=1), -timedelta(hours=1), timedelta(days=2), -timedelta(days=2))


def written(draw: st.DrawFn, t: datetime, zones: tuple[timezone | ZoneInfo, ...]) -> datetime:
    """An instant in a zone; in a ``ZoneInfo`` maybe its wall clock with the other fold."""
    out = t.astimezone(draw(st.sampled_from(zones)))
    if isinstance(out.tzinfo, ZoneInfo) and draw(st.booleans()):
        out = out.replace(fold=1 - out.fold)
    return out


@st.composite
def windows(draw: st.DrawFn, zones: tuple[timezone | ZoneInfo, ...]
            ) -> tuple[Dataset, list[tuple[Period, datetime | None]]]:
    """Leads received at, or near, the bounds and ``as_of`` of a few windows (in input order)."""
    def instant() -> datetime:
        minutes = st.one_of(st.integers(-90, 90), st.integers(-4000, 12000))  # often the fold
        return written(draw, FOLD + timedelta(minutes=draw(minutes)), zones)

    asked = []
    marks = []
    for _ in range(draw(st.integers(1, 3))):
        start = instant()
        end = written(draw, start + timedelta(minutes=draw(st.integers(1, 10000))), zones)
        assume(end > start)
        as_of = draw(st.sampled_from([None, instant(), start, end]))
        asked.append((Period(start, end), as_of))
        marks += [start, end] + ([] if as_of is None else [as_of])
    leads = []
    for i in range(draw(st.integers(0, 12))):
        how = draw(st.sampled_from(["near", "wall", "any"])) if marks else "any"
        if how == "near":  # a bound or as_of, or next to it, in some zone
            at = written(draw, draw(st.sampled_from(marks)) + draw(st.sampled_from(NEAR)),
                         zones)
        elif how == "wall":  # the same zone object, its wall clock moved, either fold
            mark = draw(st.sampled_from(marks))
            at = (mark + timedelta(minutes=draw(st.integers(-60, 60)))).replace(
                fold=draw(st.integers(0, 1)))
        else:
            at = instant()
        leads.append(Lead(id=f"L{i}", received_at=at, type=draw(st.sampled_from([None, "x"])),
                          category=draw(st.sampled_from([None, "sales", "service"])),
                          status_group=draw(st.sampled_from([None, *StatusGroup]))))
    acts = [Activity(user="u", kind=ActivityKind.CALL, at=lead.received_at + timedelta(hours=1),
                     lead=lead.id, index=i) for i, lead in enumerate(leads)]
    return Dataset(leads=leads, activities=acts), asked


def scanned(ds: Dataset, period: Period, as_of: datetime | None,
            categories: frozenset[str] | None = None) -> list[Lead]:
    """The definition: every lead, asked."""
    return [lead for lead in ds.leads
            if period.contains(lead.received_at) and visible(lead.received_at, as_of)
            and (categories is None or lead.category in categories)]


def check(ds: Dataset, asked: list[tuple[Period, datetime | None]]) -> None:
    for period, as_of in asked:  # several windows of one dataset: one index
        for cats in (None, frozenset({"sales"})):
            assert leads_received(ds, period, as_of, cats) == scanned(ds, period, as_of, cats)
        ids = [lead.id for lead in scanned(ds, period, as_of)]
        conversion = lead_conversion(ds, period=period, as_of=as_of)
        lost = lost_leads(ds, period=period, as_of=as_of)
        responses = lead_response_time(ds, period=period, as_of=as_of, clock="wall")
        assert sorted(r.id for r in conversion.rows) == sorted(ids)
        assert sorted(r.lead for r in responses.rows) == sorted(ids)
        assert sorted(r.id for r in lost.rows) == sorted(
            lead.id for lead in scanned(ds, period, as_of)
            if lead.status_group is StatusGroup.LOST)


@settings(max_examples=300, deadline=None)
@given(windows(FIXED))
def test_fixed_offsets_are_read_on_their_epochs(case: tuple[Dataset, list[Any]]) -> None:
    check(*case)


@settings(max_examples=300, deadline=None)
@given(windows(ZONES))
def test_wall_clock_comparisons_near_a_bound_are_asked(case: tuple[Dataset, list[Any]]) -> None:
    check(*case)


def test_a_reception_in_the_fold_compares_on_the_wall_clock() -> None:
    # 01:30 EST (fold 1) is an hour after 01:45 EDT, but compares before it: same zone
    start = datetime(2026, 11, 1, 1, 45, tzinfo=NEW_YORK)
    lead = Lead(id="L", received_at=datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NEW_YORK))
    assert lead.received_at.timestamp() > start.timestamp() and lead.received_at < start
    ds = Dataset(leads=[lead])
    period = Period(start, start + timedelta(hours=3))
    assert leads_received(ds, period, None) == scanned(ds, period, None) == []
    earlier = Period(start - timedelta(hours=3), start)
    assert leads_received(ds, earlier, None) == scanned(ds, earlier, None) == [lead]


class _Jump(tzinfo):
    """A zone whose offset jumps from -23:59 to +23:59 at 2026-03-05 12:00 (its wall clock)."""

    def utcoffset(self, dt: datetime | None) -> timedelta:
        wall = datetime(2026, 3, 5, 12) if dt is None else dt.replace(tzinfo=None)
        return timedelta(hours=23, minutes=59) * (1 if wall >= datetime(2026, 3, 5, 12) else -1)

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None


def test_a_wall_clock_reading_is_within_two_days_of_its_instant() -> None:
    # in one zone, a lead read a minute before the bound is about 48 h after it in time
    jump = _Jump()
    start = datetime(2026, 3, 5, 12, 1, tzinfo=jump)
    lead = Lead(id="L", received_at=datetime(2026, 3, 5, 11, 59, tzinfo=jump))
    gap = lead.received_at.timestamp() - start.timestamp()
    assert lead.received_at < start and 47 * 3600 < gap < 48 * 3600
    ds = Dataset(leads=[lead])
    period = Period(start, start + timedelta(days=5))
    assert leads_received(ds, period, None) == scanned(ds, period, None) == []


@pytest.mark.parametrize("func", ["lead_responses", "conversion_rows"])
@pytest.mark.parametrize(("kwargs", "field"), [
    ({"as_of": datetime(2026, 3, 9)}, "as_of"), ({"period": "2026-03-09"}, "period")])
def test_the_row_functions_check_their_window(func: str, kwargs: dict[str, object],
                                              field: str) -> None:
    """A bad period or as_of is an error naming it, not a failure deep in the index."""
    from salesmetrics.errors import SalesmetricsError
    from salesmetrics.examples import EXAMPLE_PERIOD, example_path
    from salesmetrics.load import load
    from salesmetrics.metrics import conversion, leads

    f = getattr(leads, func, None) or getattr(conversion, func)
    with pytest.raises(SalesmetricsError) as err:
        f(load(example_path()), **{"period": EXAMPLE_PERIOD, **kwargs})
    assert err.value.path == field
