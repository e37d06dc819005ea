"""Lead response time, dashboard, conversion and lost leads: one test per rule."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import attrs
import pytest

from salesmetrics.calendars import BUSINESS, WALL, Calendar, Week
from salesmetrics.dataset import Dataset
from salesmetrics.errors import SalesmetricsError
from salesmetrics.metrics.conversion import lead_conversion, lost_leads
from salesmetrics.metrics.leads import (
    ResponseAggregate,
    check_buckets,
    first_response,
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
from salesmetrics.results import to_jsonable

T0 = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday
WEEK = Period(T0, T0 + timedelta(days=7))


def h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def store() -> Calendar:
    return Calendar("UTC", Week.every_day(("09:00", "19:00")))


def ds(leads: list[Lead], activities: Sequence[Activity] = ()) -> Dataset:
    acts = [a if a.index else attrs.evolve(a, index=i) for i, a in enumerate(activities)]
    return Dataset(calendars={"store": store()},
                   teams=[Team(id="A", calendar="store"), Team(id="B")],
                   users=[User(id="u1", team="A"), User(id="u2", team="A")],
                   leads=leads, activities=acts)


def call(at: datetime, lead: str, user: str = "u1", **kw: object) -> Activity:
    return Activity(user=user, kind=ActivityKind.CALL, at=at, lead=lead, **kw)  # type: ignore[arg-type]


class TestFirstResponse:
    def test_ties_keep_input_order(self) -> None:
        d = ds([Lead(id="L", received_at=h(10))],
               [call(h(11), "L", "u2"), call(h(11), "L", "u1")])
        r = first_response(d, d.leads[0])
        assert r is not None and r.user == "u2"

    def test_automated_incomplete_and_early_activities_are_skipped(self) -> None:
        d = ds([Lead(id="L", received_at=h(10))],
               [call(h(9), "L"), call(h(10.5), "L", automated=True),
                call(h(10.6), "L", completed=False), call(h(12), "L", "u2")])
        r = first_response(d, d.leads[0])
        assert r is not None and r.at == h(12)

    def test_as_of_hides_later_activities(self) -> None:
        d = ds([Lead(id="L", received_at=h(10))], [call(h(12), "L")])
        assert first_response(d, d.leads[0], as_of=h(11)) is None
        assert first_response(d, d.leads[0], as_of=h(12)) is not None

    def test_kinds_restrict(self) -> None:
        d = ds([Lead(id="L", received_at=h(10))],
               [Activity(user="u1", kind=ActivityKind.NOTE, at=h(10.1), lead="L"),
                call(h(11), "L", index=5)])
        r = first_response(d, d.leads[0], kinds=frozenset({ActivityKind.CALL}))
        assert r is not None and r.kind is ActivityKind.CALL


class TestLeadResponseTime:
    def test_deferred_start_row_shows_the_clock_start(self) -> None:
        d = ds([Lead(id="L", received_at=h(20.5), team="A")], [call(h(33 + 1 / 12), "L")])
        r = lead_response_time(d, period=WEEK)
        row = r.rows[0]
        assert row.clock_start == datetime(2026, 3, 3, 9, tzinfo=UTC)
        assert row.value == pytest.approx(300.0)
        assert row.responder == "u1" and row.responded_at == h(33 + 1 / 12)
        assert r.to_rows()[0]["lead"] == "L"

    def test_clocks_differ_on_a_closed_evening(self) -> None:
        d = ds([Lead(id="L", received_at=h(18), team="A")], [call(h(34), "L")])
        assert lead_response_time(d, period=WEEK).overall.mean == 57600.0
        assert lead_response_time(d, period=WEEK, clock=WALL).overall.mean == 16 * 3600.0
        assert lead_response_time(d, period=WEEK, clock=BUSINESS).overall.mean == 7200.0
        assert lead_response_time(d, period=WEEK, clock="business").overall.mean == 7200.0

    def test_team_without_calendar_is_always_open(self) -> None:
        d = ds([Lead(id="L", received_at=h(22), team="B")], [call(h(23), "L")])
        assert lead_response_time(d, period=WEEK).overall.mean == 3600.0

    def test_unresponded_is_counted_not_zero(self) -> None:
        d = ds([Lead(id="L1", received_at=h(10)), Lead(id="L2", received_at=h(10))],
               [call(h(10), "L1")])
        s = lead_response_time(d, period=WEEK).overall
        assert (s.leads, s.responded, s.mean, s.within_24h, s.within_24h_rate) == (
            2, 1, 0.0, 1, 0.5)

    def test_empty_groups_have_zero_counts_and_null_means(self) -> None:
        d = ds([])
        r = lead_response_time(d, period=WEEK, by="team", buckets=[[1, 6]])
        assert set(r.groups) == {"A", "B"}
        g = r.groups["A"]
        assert (g.leads, g.responded, g.mean, g.median, g.p90, g.within_24h_rate, g.buckets) == (
            0, 0, None, None, None, None, (0,))

    def test_lead_outside_period_or_after_as_of_is_not_counted(self) -> None:
        d = ds([Lead(id="old", received_at=h(-1)), Lead(id="late", received_at=h(30))])
        assert lead_response_time(d, period=WEEK, as_of=h(20)).overall.leads == 0
        assert lead_response_time(d, period=WEEK).overall.leads == 1

    def test_attribute_group_without_value_is_in_no_group(self) -> None:
        d = ds([Lead(id="L1", received_at=h(1), store="n"), Lead(id="L2", received_at=h(1))])
        r = lead_response_time(d, period=WEEK, by="store")
        assert list(r.groups) == ["n"] and r.groups["n"].leads == 1
        assert r.overall.leads == 2

    def test_return_type_does_not_depend_on_by(self) -> None:
        d = ds([Lead(id="L1", received_at=h(1))])
        assert type(lead_response_time(d, period=WEEK)) is type(
            lead_response_time(d, period=WEEK, by="type"))
        assert lead_response_time(d, period=WEEK).groups == {}

    def test_unknown_grouping_kind_clock(self) -> None:
        d = ds([])
        with pytest.raises(SalesmetricsError) as e:
            lead_response_time(d, period=WEEK, by="planet")
        assert e.value.path == "by"
        with pytest.raises(SalesmetricsError) as e:
            lead_response_time(d, period=WEEK, kinds=["fax"])
        assert e.value.path == "kinds"
        with pytest.raises(SalesmetricsError) as e:
            lead_response_time(d, period=WEEK, clock="lunar")
        assert e.value.path == "clock"

    def test_p90(self) -> None:
        leads = [Lead(id=f"L{i}", received_at=h(0)) for i in range(5)]
        acts = [call(h(0) + timedelta(seconds=10 * (i + 1)), f"L{i}") for i in range(5)]
        assert lead_response_time(ds(leads, acts), period=WEEK).overall.p90 == 46.0


@pytest.mark.parametrize("bad", [
    [[1]], [[2, 1]], [[1, 1]], [[-1, 2]], [["a", 2]], [[0, 1]] * 6, "1-6", [[True, 2]],
    [[0, float("inf")]],
])
def test_bad_buckets_are_invalid_options(bad: object) -> None:
    with pytest.raises(SalesmetricsError) as e:
        check_buckets(bad)  # type: ignore[arg-type]
    assert (e.value.code, e.value.path) == ("invalid_option", "buckets")


def test_bucket_bounds_are_half_open() -> None:
    agg = ResponseAggregate(leads=3, values=(3600.0, 21600.0, 21599.0),
                            buckets=check_buckets([[1, 6]]))
    assert agg.summary().buckets == (2,)


def test_merging_aggregates_with_other_buckets_is_refused() -> None:
    with pytest.raises(ValueError):
        ResponseAggregate(buckets=((0.0, 1.0),)).merge(ResponseAggregate())


class TestDashboard:
    def test_window_is_open_at_its_start_closed_at_the_instant(self) -> None:
        d = ds([Lead(id=f"L{i}", received_at=h(0)) for i in range(3)],
               [call(h(0), "L0"), call(h(0.5), "L1"), call(h(12), "L2")])
        r = lead_dashboard(d, period=WEEK, at=h(12)).overall
        assert (r.received, r.responded, r.responded_in_window) == (3, 3, 2)
        assert r.mean == pytest.approx((0 + 1800 + 43200) / 3)
        assert r.median == 1800.0

    def test_data_after_the_instant_is_invisible(self) -> None:
        d = ds([Lead(id="L0", received_at=h(0)), Lead(id="L1", received_at=h(13))],
               [call(h(12.5), "L0")])
        r = lead_dashboard(d, period=WEEK, at=h(12)).overall
        assert (r.received, r.responded, r.mean) == (1, 0, None)

    @pytest.mark.parametrize("window", [0, -1, float("nan")])
    def test_window_must_be_positive(self, window: float) -> None:
        with pytest.raises(SalesmetricsError) as e:
            lead_dashboard(ds([]), period=WEEK, at=h(1), window_seconds=window)
        assert e.value.path == "window_seconds"


def conv_leads() -> list[Lead]:
    return [
        Lead(id="b", received_at=h(1), type="x", assignee="u1", status="won",
             status_group=StatusGroup.WON,
             conversions=(Conversion(kind=ConversionKind.ORDER, at=h(2)),
                          Conversion(kind=ConversionKind.SALE, at=h(50)))),
        Lead(id="a", received_at=h(1), type="x", status="price", status_group=StatusGroup.LOST),
        Lead(id="c", received_at=h(0), type="y", assignee="u2", status_group=StatusGroup.LOST),
    ]


class TestConversion:
    def test_lead_ids_sorted_by_reception_then_id(self) -> None:
        r = lead_conversion(ds(conv_leads()), period=WEEK)
        assert r.overall.lead_ids == ("c", "a", "b")
        assert [row.id for row in r.rows] == ["c", "a", "b"]

    def test_as_of_hides_later_conversions(self) -> None:
        r = lead_conversion(ds(conv_leads()), period=WEEK, as_of=h(10))
        assert (r.overall.converted, r.overall.orders, r.overall.sales) == (1, 1, 0)
        r = lead_conversion(ds(conv_leads()), period=WEEK)
        assert (r.overall.converted, r.overall.orders, r.overall.sales) == (1, 1, 1)

    def test_drill_down_rows(self) -> None:
        r = lead_conversion(ds(conv_leads()), period=WEEK, by="assignee")
        row = r.to_rows()[2]
        assert row["id"] == "b" and row["status_group"] == "won" and row["type"] == "x"
        assert r.rows[2].converted and not r.rows[0].converted
        assert r.groups["u1"].lead_ids == ("b",)
        assert r.overall.leads == 3  # the unassigned lead counts overall only

    def test_no_leads_rate_is_null(self) -> None:
        r = lead_conversion(ds([]), period=WEEK, by="assignee")
        assert r.overall.rate is None and r.groups["u1"].rate is None

    def test_bad_grouping(self) -> None:
        with pytest.raises(SalesmetricsError):
            lead_conversion(ds([]), period=WEEK, by="team")
        with pytest.raises(SalesmetricsError):
            lost_leads(ds([]), period=WEEK, by="assignee")


class TestLostLeads:
    def test_by_reason_with_none(self) -> None:
        r = lost_leads(ds(conv_leads()), period=WEEK, by="type")
        assert r.overall.count == 2
        assert dict(r.overall.by_status) == {"price": 1, "(none)": 1}
        assert r.groups["x"].count == 1 and r.groups["y"].count == 1
        assert [x.id for x in r.rows] == ["c", "a"]
        assert to_jsonable(r.groups["x"]) == {"count": 1, "by_status": {"price": 1}}
