"""Row-free finishes, written once over the metric table.

For every metric the table flags ``row_free``, on random datasets (threads,
messages, events, sessions, leads, activities): finishing a partial without
its rows gives the summaries of finishing it with them, partials of the
parts, rows dropped, merged, give the summaries of the whole, and asking the
partial function for no rows (``rows=False``) gives exactly the partial with
its rows dropped. The report's pipeline relies on it to build no drill-down
rows.
"""

from __future__ import annotations

import inspect
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesmetrics import Dataset
from salesmetrics.load import from_dict
from salesmetrics.metrics import merge
from salesmetrics.metrics.table import TABLE, Metric
from salesmetrics.period import Period
from salesmetrics.report import SECTIONS, ReportPlan, finish_report, merge_partials, part_partials

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "conversations"))
from conv_strategies import T0, TEAMS, USERS, datasets, iso

PERIOD = Period(T0 + timedelta(days=10), T0 + timedelta(days=30))
AS_OF = T0 + timedelta(days=35)
ROW_FREE = [m for m in TABLE.values() if m.row_free]
CUSTOMERS = ("c0", "c1", "c2")
KINDS = ("sms", "call", "email", "note", "appointment", "lead_created")


@st.composite
def full_datasets(draw: st.DrawFn) -> Dataset:
    """A conversation dataset with leads (some converted, some lost) and their activities."""
    data = draw(datasets(max_threads=5, max_items=30))
    leads = []
    for i in range(draw(st.integers(0, 8))):
        lead: dict[str, Any] = {"id": f"L{i}", "received_at": iso(draw(st.integers(0, 40 * 1440)))}
        for name, choices in (("team", TEAMS), ("assignee", USERS), ("type", ("x", "y")),
                              ("store", ("n", "s")), ("category", ("sales", "service")),
                              ("status", ("price", "slow"))):
            if draw(st.booleans()):
                lead[name] = draw(st.sampled_from(choices))
        if draw(st.booleans()):
            lead["status_group"] = draw(st.sampled_from(["open", "won", "lost"]))
        lead["conversions"] = [{"kind": draw(st.sampled_from(["order", "sale"])),
                                "at": iso(draw(st.integers(0, 40 * 1440)))}
                               for _ in range(draw(st.integers(0, 2)))]
        leads.append(lead)
    customers = [{"id": c} for c in CUSTOMERS]
    smart_lists = [{"id": "sl", "customers": draw(st.lists(st.sampled_from(CUSTOMERS),
                                                           unique=True)),
                    "users": draw(st.lists(st.sampled_from(USERS), unique=True))}]
    activities = []
    for _ in range(draw(st.integers(0, 12))):
        act: dict[str, Any] = {"user": draw(st.sampled_from(USERS)),
                               "kind": draw(st.sampled_from(KINDS)),
                               "at": iso(draw(st.integers(0, 40 * 1440)))}
        if leads and draw(st.booleans()):
            act["lead"] = draw(st.sampled_from([x["id"] for x in leads]))
        if draw(st.booleans()):
            act["customer"] = draw(st.sampled_from(CUSTOMERS))
            if draw(st.booleans()):
                act["smart_list"] = "sl"
        if draw(st.integers(0, 3)) == 0:
            act["automated"] = True
        activities.append(act)
    return from_dict({**data, "customers": customers, "smart_lists": smart_lists,
                      "leads": leads, "activities": activities})


def _route(func: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    params = inspect.signature(func).parameters
    return {k: v for k, v in kwargs.items() if k in params}


def _finish(m: Metric, partial: Any, ds: Dataset, kwargs: dict[str, Any]) -> Any:
    assert m.finish is not None
    positional = [p for p in inspect.signature(m.finish).parameters.values()
                  if p.kind is inspect.Parameter.POSITIONAL_ONLY]
    extra = [ds] if len(positional) > 1 else []
    return m.finish(partial, *extra, **_route(m.finish, kwargs))


def _parts(ds: Dataset, cut: list[int]) -> list[Dataset]:
    """Threads (with messages and events) and leads (with their activities) cut by ``cut``."""
    n = max(cut) + 1
    part_of_thread = {t.id: cut[j % len(cut)] for j, t in enumerate(ds.threads)}
    part_of_lead = {x.id: cut[(j + 1) % len(cut)] for j, x in enumerate(ds.leads)}
    out = []
    for i in range(n):
        part = ds.only_threads([t for t, k in part_of_thread.items() if k == i])
        out.append(part.replace(
            leads=[x for x in ds.leads if part_of_lead[x.id] == i],
            activities=[a for j, a in enumerate(ds.activities)
                        if part_of_lead.get(a.lead or "", cut[j % len(cut)]) == i],
            sessions=[s for j, s in enumerate(ds.sessions) if cut[j % len(cut)] == i]))
    return out


def test_the_report_uses_only_row_free_metrics_once_every_finish_is() -> None:
    # the metrics flagged row-free are those whose summaries come from tallies alone
    assert {m.name for m in ROW_FREE} >= {
        "conversations", "response_rate", "response_time", "reply_time", "outbound_reply",
        "new_customers", "connected_customers", "lead_response_time", "lead_conversion",
        "lost_leads"}
    assert all(m.partial is not None and m.finish is not None for m in ROW_FREE)
    assert {s.metric for s in SECTIONS} >= {m.name for m in ROW_FREE if m.report}


@pytest.mark.parametrize("m", ROW_FREE, ids=lambda m: m.name)
def test_a_row_free_partial_takes_the_rows_keyword(m: Metric) -> None:
    # the one calling convention of the table: a keyword-only ``rows``, True by default
    assert m.partial is not None
    rows = inspect.signature(m.partial).parameters["rows"]
    assert rows.kind is inspect.Parameter.KEYWORD_ONLY
    assert rows.default is True


def test_the_metrics_with_rows_are_not_asked_for_none() -> None:
    # a metric whose finish reads its rows has no ``rows`` keyword to turn them off
    for m in TABLE.values():
        if m.partial is not None and not m.row_free:
            assert "rows" not in inspect.signature(m.partial).parameters, m.name


@pytest.mark.parametrize("m", ROW_FREE, ids=lambda m: m.name)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ds=full_datasets(), cut=st.lists(st.integers(0, 2), min_size=1, max_size=6))
def test_a_row_free_partial_finishes_to_the_same_summaries(m: Metric, ds: Dataset,
                                                           cut: list[int]) -> None:
    assert m.partial is not None
    for by in (None, *m.by):
        kwargs: dict[str, Any] = {"period": PERIOD, "as_of": AS_OF, "by": by,
                                  "at": PERIOD.end}  # an instant metric is taken at the end
        whole = m.partial(ds, **_route(m.partial, kwargs))
        assert m.partial(ds, **_route(m.partial, kwargs), rows=False) == whole.without_rows(), by
        with_rows = _finish(m, whole, ds, kwargs)
        assert _finish(m, whole.without_rows(), ds, kwargs).summary() == with_rows.summary(), by
        assert _finish(m, whole.without_rows(), ds, kwargs).overall == with_rows.overall, by
        parts = [m.partial(p, **_route(m.partial, kwargs), rows=False) for p in _parts(ds, cut)]
        merged = _finish(m, merge(*parts), ds, kwargs)
        assert merged.summary() == with_rows.summary(), by
        assert merged.overall == with_rows.overall, by
        assert merged.rows == ()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ds=full_datasets(), cut=st.lists(st.integers(0, 3), min_size=1, max_size=6),
       by=st.sampled_from(["team", "user"]))
def test_the_report_of_row_free_parts_is_the_report_of_the_whole(ds: Dataset, cut: list[int],
                                                                 by: str) -> None:
    plan = ReportPlan.of(period=PERIOD, as_of=AS_OF, by=by)
    whole = finish_report(ds, part_partials(ds, plan), plan)
    sets = [part_partials(p, plan) for p in _parts(ds, cut)]
    for s in sets:  # the report's partials keep no rows for the row-free metrics
        for (metric, _), entry in s.entries.items():
            if TABLE[metric].row_free and not isinstance(entry, str):
                assert entry.rows == ()
    assert finish_report(ds, merge_partials(*sets), plan) == whole


def test_the_report_asks_every_row_free_metric_for_its_tallies_only(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from salesmetrics.examples import EXAMPLE_PERIOD, example_path
    from salesmetrics.load import load

    ds = load(example_path())
    asked: dict[str, set[object]] = {}
    for m in ROW_FREE:
        assert m.partial is not None

        def spy(*args: Any, _m: Metric = m, _f: Any = m.partial, **kwargs: Any) -> Any:
            asked.setdefault(_m.name, set()).add(kwargs.get("rows", True))
            return _f(*args, **kwargs)

        spy.__signature__ = inspect.signature(m.partial)  # type: ignore[attr-defined]
        monkeypatch.setitem(TABLE, m.name, attrs.evolve(m, partial=spy))  # type: ignore[arg-type]
    plan = ReportPlan.of(period=EXAMPLE_PERIOD, by="team")
    part_partials(ds, plan)
    reported = {s.metric for s in SECTIONS if plan.grouping(s) is not None} & set(asked)
    assert reported and all(asked[name] == {False} for name in reported)
