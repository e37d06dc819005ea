"""The metric table checked against the functions it declares, and properties written once over it.

As the holidays package checks its registry against the classes really
defined: every metric function has the signature the table says, returns the
one Result type whose fields are the table's, refuses every bad option with a
SalesmetricsError naming the parameter, and keeps the shared properties
(input order never matters, rates are fractions, counts are never negative,
the report and the conformance registry list exactly the table's metrics).
"""

from __future__ import annotations

import inspect
import random
from datetime import date, datetime
from pathlib import Path
from typing import Any

import attrs
import pytest

from salesmetrics import Dataset, Result, SalesmetricsError
from salesmetrics.load import load_json
from salesmetrics.metrics.table import TABLE, Metric, markdown_table
from salesmetrics.period import Period
from salesmetrics.report import SECTIONS
from salesmetrics.spec.registry import METRICS

ROOT = Path(__file__).resolve().parents[2]
WEEK = Period(datetime.fromisoformat("2026-03-09T00:00:00+01:00"),
              datetime.fromisoformat("2026-03-16T00:00:00+01:00"))
AT = datetime.fromisoformat("2026-03-12T15:00:00+01:00")
REQUIRED: dict[str, Any] = {"at": AT, "day": date(2026, 3, 12), "threshold_seconds": 3600}
FUNCTIONS = [m for m in TABLE.values() if m.function is not None]


@pytest.fixture(scope="module")
def example() -> Dataset:
    return load_json(ROOT / "examples" / "store_network.json")


def call(m: Metric, ds: Dataset, **extra: Any) -> Any:
    assert m.function is not None
    kwargs: dict[str, Any] = {o.name: REQUIRED[o.name] for o in m.options if o.required}
    if m.takes == "period":
        kwargs["period"] = WEEK
    kwargs.update(extra)
    return m.function(ds, **kwargs)


def test_registry_report_and_docs_are_derived_from_the_table() -> None:
    assert list(METRICS) == list(TABLE)
    for name, spec in METRICS.items():
        m = TABLE[name]
        assert (spec.needs_period, spec.by, spec.options, spec.required) == (
            m.takes == "period", m.by, m.option_names, m.required)
    assert [s.metric for s in SECTIONS] == [m.name for m in TABLE.values() if m.report]
    for section in SECTIONS:
        m = TABLE[section.metric]
        assert section.title == m.report.title  # type: ignore[union-attr]
        for c in section.columns:
            assert c.kind == m.field(c.key).unit, (m.name, c.key)
        for grouping in (section.by_team, section.by_user):
            assert grouping is None or grouping in m.by
    doc = (ROOT / "docs" / "metric-table.md").read_text(encoding="utf-8")
    assert markdown_table() in doc, "regenerate it: python docs/make_metric_table.py"


@pytest.mark.parametrize("m", FUNCTIONS, ids=lambda m: m.name)
def test_signature_is_the_tables(m: Metric) -> None:
    assert m.function is not None
    params = inspect.signature(m.function).parameters
    first, *rest = params.values()
    assert first.kind is inspect.Parameter.POSITIONAL_ONLY
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in rest)
    for o in m.options:
        assert o.name in params, o.name
        if not o.required and o.default is not None:
            default = params[o.name].default
            assert getattr(default, "name", default) == o.default, o.name
        if o.required:
            assert params[o.name].default is inspect.Parameter.empty, o.name
    assert ("by" in params) == bool(m.by)
    if m.by:
        assert params["by"].default is None
    assert ("period" in params) == (m.takes == "period")
    assert ("as_of" in params) == (m.takes == "period" and m.reads_as_of)


@pytest.mark.parametrize("m", FUNCTIONS, ids=lambda m: m.name)
def test_every_metric_returns_the_one_result_with_the_tables_fields(m: Metric,
                                                                   example: Dataset) -> None:
    for by in (None, *m.by):
        r = call(m, example, **({"by": by} if m.by else {}))
        assert isinstance(r, Result) and r.metric == m.name and r.by == by
        assert (len(r.groups) > 0) == (by is not None) or not r.groups
        names = {f.name for f in m.fields}
        summaries = [r.overall] if m.shape == "object" else list(r.overall)
        summaries += list(r.groups.values())
        for s in summaries:
            if attrs.has(type(s)):
                got = {a.name for a in attrs.fields(type(s))}
                # a per-list summary of smart_list_progress also lists its users
                assert names <= got | {"users"} and got <= names | {"lead_list"}, (m.name, got)
        for row in r.rows:
            assert isinstance(row.sort_key, tuple)


_BAD = object()


@pytest.mark.parametrize("m", FUNCTIONS, ids=lambda m: m.name)
def test_every_bad_option_names_its_parameter(m: Metric, example: Dataset) -> None:
    for o in m.options:
        with pytest.raises(SalesmetricsError) as e:
            call(m, example, **{o.name: _BAD})
        assert e.value.path.split(".")[0].split("[")[0] == o.name, (o.name, e.value.path)
    if m.by:
        with pytest.raises(SalesmetricsError) as e:
            call(m, example, by="nonsense")
        assert (e.value.code, e.value.path) == ("invalid_option", "by")
    if m.takes == "period":
        for bad in (None, "2026-03-09", (WEEK.start, WEEK.end)):
            with pytest.raises(SalesmetricsError) as e:
                call(m, example, period=bad)
            assert e.value.path == "period"
        if m.reads_as_of:
            with pytest.raises(SalesmetricsError) as e:
                call(m, example, as_of=AT.replace(tzinfo=None))
            assert (e.value.code, e.value.path) == ("invalid_instant", "as_of")
    if "at" in m.option_names:
        with pytest.raises(SalesmetricsError) as e:
            call(m, example, at=AT.replace(tzinfo=None))
        assert (e.value.code, e.value.path) == ("invalid_instant", "at")


def _shuffled(ds: Dataset, seed: int) -> Dataset:
    rng = random.Random(seed)
    sections = {}
    for name in ("teams", "users", "customers", "threads", "messages", "thread_events",
                 "sessions", "leads", "activities", "smart_lists"):
        records = list(getattr(ds, name))
        # ties keep input order: shuffle only records whose instants differ
        if name not in ("messages", "thread_events"):
            rng.shuffle(records)
        sections[name] = records
    return ds.replace(**sections)  # type: ignore[arg-type]


#: Groupings whose groups partition what the metric counts: there, every count of the
#: overall result is the sum of the groups' counts.
PARTITIONS = {("conversations", "team"), ("response_rate", "team"), ("response_time", "team"),
              ("reply_time", "team"), ("outbound_reply", "team"), ("new_customers", "team"),
              ("connected_customers", "team"), ("waiting", "team"), ("rep_activity", "user"),
              ("smart_list_progress", "smart_list"), ("colleagues", "user"),
              ("lead_response_time", "team"), ("lead_conversion", "type")}


@pytest.mark.parametrize("m", FUNCTIONS, ids=lambda m: m.name)
def test_shared_properties(m: Metric, example: Dataset) -> None:
    shuffled = _shuffled(example, 7)
    for by in (None, *m.by):
        kw = {"by": by} if m.by else {}
        r = call(m, example, **kw)
        assert call(m, shuffled, **kw).summary() == r.summary()  # input order never matters
        summaries = [r.overall] if m.shape == "object" else list(r.overall)
        for s in [*summaries, *r.groups.values()]:
            if not attrs.has(type(s)):
                continue
            for f in m.fields:
                value = getattr(s, f.name, None)
                if f.unit == "rate" and value is not None:
                    assert 0 <= value <= 1, (m.name, f.name, value)
                if f.unit == "count" and isinstance(value, int):
                    assert value >= 0, (m.name, f.name, value)
                if f.unit == "seconds" and value is not None and f.name != "open_seconds":
                    assert value >= 0, (m.name, f.name, value)
        if (m.name, by) in PARTITIONS:  # totals are the sum of the groups
            for f in m.fields:
                if f.unit == "count" and f.name not in ("rank", "previous_rank", "move"):
                    total = getattr(r.overall, f.name)
                    if isinstance(total, int) and not isinstance(total, bool):
                        assert total == sum(getattr(g, f.name) for g in r.groups.values()), (
                            m.name, by, f.name)


def _parts(ds: Dataset, n: int) -> list[Dataset]:
    """The dataset cut in ``n`` parts as a scale-out engine would: threads (with their
    messages and events) and leads (with their activities) round robin, the other
    activities and the sessions too; reference data (teams, users, customers,
    calendars, smart lists) in every part."""
    threads = [[t.id for j, t in enumerate(ds.threads) if j % n == i] for i in range(n)]
    part_of_lead = {lead.id: j % n for j, lead in enumerate(ds.leads)}

    def part_of(j: int, lead: str | None) -> int:
        return part_of_lead[lead] if lead in part_of_lead else j % n

    out = []
    for i in range(n):
        part = ds.only_threads(threads[i])
        out.append(part.replace(
            leads=[x for x in ds.leads if part_of_lead[x.id] == i],
            activities=[x for j, x in enumerate(ds.activities) if part_of(j, x.lead) == i],
            sessions=[x for j, x in enumerate(ds.sessions) if j % n == i]))
    return out


def _route(func: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    params = inspect.signature(func).parameters
    return {k: v for k, v in kwargs.items() if k in params}


@pytest.mark.parametrize("m", [m for m in FUNCTIONS if m.partial is not None],
                         ids=lambda m: m.name)
def test_split_by_part_and_merged_equals_the_whole(m: Metric, example: Dataset) -> None:
    from salesmetrics.metrics import merge

    assert m.partial is not None and m.finish is not None
    reference = [p.name for p in inspect.signature(m.finish).parameters.values()
                 if p.kind is inspect.Parameter.POSITIONAL_ONLY]
    for by in (None, *m.by):
        kwargs: dict[str, Any] = {"period": WEEK, "by": by, **REQUIRED}
        whole = call(m, example, **({"by": by} if m.by else {}))
        partials = [m.partial(part, **_route(m.partial, kwargs)) for part in _parts(example, 3)]
        merged = merge(*partials)
        extra = [example] if len(reference) > 1 else []
        result = m.finish(merged, *extra, **_route(m.finish, kwargs))
        assert result.summary() == whole.summary(), (m.name, by)
        assert result.rows == whole.rows, (m.name, by)


_HOSTILE: list[Any] = [True, -1, 0, 10**400, 1e308, float("nan"), "", "x" * 300, "\ud800",
                       [], [[]], [None], {}, {"method": ["x"]}, {"a": 1}, [1, "a"],
                       "2026-02-30T00:00:00Z", "2026-03-02T09:00:00", "9999-12-31T23:00:00-05:00"]


@pytest.mark.parametrize("m", list(TABLE.values()), ids=lambda m: m.name)
def test_hostile_option_values_give_an_error_naming_the_option_or_a_result(m: Metric) -> None:
    from salesmetrics.spec.runner import compute_case

    case = {"format": "salesmetrics-case/1", "name": "hostile", "data": {
        "teams": [{"id": "A"}], "users": [{"id": "u", "team": "A"}],
        "threads": [{"id": "t", "team": "A"}],
        "messages": [{"thread": "t", "at": "2026-03-09T10:00:00Z", "direction": "in"}],
        "calendars": {"c": {"timezone": "UTC"}}}, "checks": []}
    for o in m.options:
        base: dict[str, Any] = {"metric": m.name, "options": {
            q.name: REQUIRED_JSON.get(q.name) for q in m.options if q.required}}
        if m.takes == "period":
            base["period"] = {"start": "2026-03-09T00:00:00Z", "end": "2026-03-16T00:00:00Z"}
        checks = [{**base, "options": {**base["options"], o.name: v}} for v in _HOSTILE]
        for check, out in zip(checks, compute_case({**case, "checks": checks}), strict=True):
            if isinstance(out, dict) and "error" in out:
                assert out["error"]["code"] != "internal_error", (check, out)
                assert out["error"]["path"].startswith(f"options.{o.name}"), (check, out)


REQUIRED_JSON: dict[str, Any] = {
    "at": "2026-03-12T15:00:00Z", "day": "2026-03-12", "threshold_seconds": 3600,
    "of": "response_rate", "key": "rate", "calendar": "c",
    "intervals": [["2026-03-09T00:00:00Z", "2026-03-10T00:00:00Z"]]}


@pytest.mark.parametrize("m", FUNCTIONS, ids=lambda m: m.name)
def test_a_scoped_result_names_nothing_of_another_users(m: Metric, example: Dataset) -> None:
    user = example.users[0].id
    scoped = example.scoped_to_user(user)
    mine = ({t.id for t in scoped.threads} | {x.id for x in scoped.leads}
            | {a.id for a in scoped.activities if a.id})
    others = ({t.id for t in example.threads} | {x.id for x in example.leads}
              | {a.id for a in example.activities if a.id}) - mine

    def strings(value: Any) -> set[str]:
        if isinstance(value, str):
            return {value}
        if isinstance(value, dict):
            return {s for v in value.values() for s in strings(v)}
        if isinstance(value, list):
            return {s for v in value for s in strings(v)}
        return set()

    for by in (None, *m.by):
        r = call(m, scoped, **({"by": by} if m.by else {}))
        named = strings(r.to_rows()) | strings(r.summary())
        assert named & others == set(), (m.name, by, sorted(named & others)[:5])
