"""A lead response row's clock start and value, against the clock and the calendar asked apart.

With ``deferred_start`` a row's value is measured from the start it shows
(one search of the calendar for both); these properties check both against
their definitions, on team calendars with and without changes over time.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from test_lead_properties import PERIOD, T0, USERS, datasets, minutes

from salesmetrics.calendars import DEFERRED_START, Calendar, Week, clock_named
from salesmetrics.dataset import Dataset
from salesmetrics.metrics.leads import lead_dashboard, lead_responses
from salesmetrics.model import Activity, ActivityKind, CalendarChange, Lead, Team


@st.composite
def responded(draw: st.DrawFn) -> Dataset:
    """Leads mostly of team A (its calendar: 09:00-17:00 UTC), most of them responded."""
    leads, acts = [], []
    for i in range(draw(st.integers(1, 8))):
        received = minutes(draw(st.integers(-600, 7000)))
        leads.append(Lead(id=f"L{i}", received_at=received,
                          team=draw(st.sampled_from(["A", "A", "B", None]))))
        for _ in range(draw(st.integers(0, 2))):
            acts.append(Activity(user=draw(st.sampled_from(USERS)), kind=ActivityKind.CALL,
                                 at=received + timedelta(minutes=draw(st.integers(-60, 3000))),
                                 lead=f"L{i}", index=len(acts)))
    cal = Calendar("UTC", Week.every_day(("09:00", "17:00")))
    return Dataset(calendars={"c": cal}, teams=[Team(id="A", calendar="c"), Team(id="B")],
                   leads=leads, activities=acts)


def with_history(ds: Dataset, hours: int) -> Dataset:
    """Team A's calendar changes to a Paris calendar ``hours`` after the period starts."""
    paris = Calendar("Europe/Paris", Week.every_day(("06:00", "08:00"), ("20:00", "22:00")))
    change = CalendarChange(since=T0 + timedelta(hours=hours), calendar="p")
    return ds.replace(calendars={**ds.calendars, "p": paris},
                      teams=[Team(id="A", calendar="c", calendar_history=(change,)), Team(id="B")])


@settings(max_examples=250, deadline=None)
@given(st.one_of(responded(), datasets()),
       st.sampled_from(["wall", "business", "deferred_start", "deferred_start"]),
       st.one_of(st.none(), st.integers(-24, 150)))
def test_a_rows_start_and_value_are_the_calendars(ds: Dataset, clock: str,
                                                   change: int | None) -> None:
    if change is not None:
        ds = with_history(ds, change)
    the_clock = clock_named(clock)
    rows = lead_responses(ds, period=PERIOD, clock=clock)
    for r in rows:
        history = ds.calendar_history_of_team(r.team)
        start = (history.next_opening(r.received_at, until=r.responded_at)
                 if clock == DEFERRED_START.name else r.received_at)
        assert r.clock_start == start
        if r.responded_at is None:
            assert r.value is None
        else:
            assert r.value == float(history.elapsed(the_clock, r.received_at, r.responded_at))
    at = PERIOD.end
    assert lead_dashboard(ds, period=PERIOD, at=at, clock=clock).rows == tuple(
        sorted(lead_responses(ds, period=PERIOD, as_of=at, clock=clock),
               key=lambda r: r.sort_key))
