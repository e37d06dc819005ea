"""Results as typed DataFrames, as a compact HTML table and as a one-line repr."""

from __future__ import annotations

import importlib
import math
import sys
import types
import typing
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
import pytest

from salesmetrics import metrics
from salesmetrics.frames import _dtype_of, html_table, to_frame, unit_of
from salesmetrics.load import from_dict, load
from salesmetrics.metrics import Result
from salesmetrics.metrics.responses import ResponseRate
from salesmetrics.period import Period

pd = pytest.importorskip("pandas")

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "store_network.json"
MONTH = Period(datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 30, tzinfo=UTC))
AT = datetime(2026, 3, 18, 12, tzinfo=UTC)

#: every metric that returns the single Result type, called on the example network
RESULT_METRICS: dict[str, Callable[..., Any]] = {
    "conversations": lambda ds, by: metrics.conversations(ds, period=MONTH, by=by),
    "response_rate": lambda ds, by: metrics.response_rate(ds, period=MONTH, by=by),
    "response_time": lambda ds, by: metrics.response_time(ds, period=MONTH, by=by),
    "outbound_reply": lambda ds, by: metrics.outbound_reply(ds, period=MONTH, by=by),
    "new_customers": lambda ds, by: metrics.new_customers(ds, period=MONTH, by=by),
    "connected_customers": lambda ds, by: metrics.connected_customers(ds, period=MONTH, by=by),
    "waiting": lambda ds, by: metrics.waiting(ds, at=AT, by=by),
}


def _table_metrics() -> dict[str, Any]:
    """The period metrics of the metric table that need no option (none where there is no table)."""
    try:
        table = importlib.import_module("salesmetrics.metrics.table").TABLE
    except ImportError:
        return {}
    return {m.name: m for m in table.values()
            if m.takes == "period" and m.function is not None and not m.required and m.by}


TABLE_METRICS = _table_metrics()


@pytest.fixture(scope="module")
def network() -> Any:
    return load(EXAMPLE)


def _same(cell: Any, value: Any) -> bool:
    """A frame cell holds a summary's value: N/A as missing, instants in UTC."""
    if value is None:
        return bool(pd.isna(cell))
    if isinstance(value, datetime):
        return cell.tzname() == "UTC" and cell.to_pydatetime() == value
    if isinstance(value, float) and math.isnan(value):
        return bool(pd.isna(cell))
    if hasattr(value, "value") and isinstance(value.value, str):  # a string enum
        return bool(cell == value.value)
    return bool(cell == value)


def _check_frame(frame: Any, items: list[Any]) -> None:
    assert len(frame) == len(items)
    if not items:
        return
    cls = type(items[0])
    assert list(frame.columns) == [f.name for f in attrs.fields(cls)]
    for i, item in enumerate(items):
        for f in attrs.fields(cls):
            assert _same(frame[f.name].iloc[i], getattr(item, f.name)), (f.name, i)


@pytest.mark.parametrize("name", sorted(RESULT_METRICS))
def test_a_frame_has_one_typed_row_per_group_and_the_summaries_values(network: Any,
                                                                      name: str) -> None:
    result = RESULT_METRICS[name](network, "team")
    frame = result.to_frame()
    assert frame.index.name == "team"
    assert list(frame.index) == list(result.groups)
    _check_frame(frame, list(result.groups.values()))
    hints = typing.get_type_hints(type(result.overall))
    for column, dtype in frame.dtypes.items():
        assert str(dtype) == _dtype_of(hints[column]) != ""


@pytest.mark.parametrize("name", sorted(RESULT_METRICS))
def test_an_ungrouped_result_is_one_row_of_the_overall_summary(network: Any, name: str) -> None:
    result = RESULT_METRICS[name](network, None)
    frame = result.to_frame()
    assert frame.index.tolist() == [0]
    _check_frame(frame, [result.overall])


@pytest.mark.parametrize("name", sorted(RESULT_METRICS))
def test_the_rows_frame_is_the_drill_down_typed(network: Any, name: str) -> None:
    result = RESULT_METRICS[name](network, "team")
    frame = result.rows_frame()
    _check_frame(frame, list(result.rows))


@pytest.mark.skipif(not TABLE_METRICS, reason="no metric table in this version")
@pytest.mark.parametrize("name", sorted(TABLE_METRICS) or ["none"])
def test_every_metric_of_the_table_gives_typed_frames(network: Any, name: str) -> None:
    metric = TABLE_METRICS[name]
    result = metric.function(network, period=MONTH, by=metric.by[0])
    frame = result.to_frame()
    assert frame.index.name == metric.by[0]
    _check_frame(frame, list(result.groups.values()))
    _check_frame(result.rows_frame(), list(result.rows))
    assert f"{len(result.rows):,} drill-down row" in result._repr_html_()


def test_instants_at_mixed_offsets_are_one_utc_datetime_column(network: Any) -> None:
    result = metrics.response_time(network, period=MONTH, by="team")
    offsets = {r.start.utcoffset() for r in result.rows}
    assert len(offsets) > 1  # Paris, Montréal (both sides of daylight time) and UTC
    column = result.rows_frame()["start"]
    assert str(column.dtype) == "datetime64[ns, UTC]"
    assert [t.to_pydatetime() for t in column] == [r.start for r in result.rows]


def test_column_dtypes_follow_the_annotations() -> None:
    frame = metrics.response_time(load(EXAMPLE), period=MONTH, by="team").rows_frame()
    dtypes = {k: str(v) for k, v in frame.dtypes.items()}
    assert dtypes["number"] == "Int64"
    assert dtypes["seconds"] == "float64"
    assert dtypes["reply_at"] == "datetime64[ns, UTC]"
    assert dtypes["thread"] == "string" and dtypes["restarted_by"] == "string"
    rates = metrics.response_rate(load(EXAMPLE), period=MONTH, by="team").rows_frame()
    assert str(rates["answered"].dtype) == "boolean"


@pytest.mark.parametrize(("annotation", "dtype"), [
    (int, "Int64"), (int | None, "Int64"), (float | None, "float64"), (bool, "boolean"),
    (datetime | None, "datetime64[ns, UTC]"), (str, "string"), ("str | None", "string"),
    ("int", "Int64"), ("Mapping[str, int]", "object"), (Mapping[str, int], "object"),
    (tuple[float, ...], "object"), (int | float, "float64"), (int | str, "object"),
])
def test_dtype_of_an_annotation(annotation: Any, dtype: str) -> None:
    assert _dtype_of(annotation) == dtype


def test_an_empty_grouping_keeps_typed_columns() -> None:
    ds = from_dict({})
    frame = metrics.response_rate(ds, period=MONTH, by="team").to_frame()
    assert frame.empty and list(frame.columns) == ["contacts", "answered", "answered_by_any",
                                                   "rate"]
    assert str(frame["contacts"].dtype) == "Int64"
    assert metrics.response_rate(ds, period=MONTH, by="team").rows_frame().shape == (0, 0)


def test_na_is_missing_in_the_frame() -> None:
    ds = from_dict({"teams": [{"id": "A"}]})
    frame = metrics.response_time(ds, period=MONTH, by="team").to_frame()
    assert frame.loc["A", "count"] == 0
    assert pd.isna(frame.loc["A", "mean"])


# -- notebooks -----------------------------------------------------------------------


def test_the_repr_is_one_short_line(network: Any) -> None:
    result = metrics.response_time(network, period=MONTH, by="team")
    text = repr(result)
    assert text == f"Result(metric='response_time', by='team', groups=3, rows={len(result.rows)})"


def test_the_html_table_shows_groups_with_units_and_counts_the_rows(network: Any) -> None:
    result = metrics.response_time(network, period=MONTH, by="team")
    page = result._repr_html_()
    assert "<th>mean (s)</th>" in page and "<th>count</th>" in page
    assert f"{len(result.rows):,} drill-down rows" in page
    assert page.count("<tr>") == 1 + len(result.groups) + 1  # header, groups, overall
    assert result.rows[0].thread not in page
    rates = metrics.response_rate(network, period=MONTH, by="team")._repr_html_()
    assert "<th>rate (%)</th>" in rates and "%</td>" in rates


def test_every_text_in_the_html_table_is_escaped() -> None:
    one = ResponseRate(1, 1, 1, 1.0)
    result = Result("<b>rate</b>", "<i>team</i>", {"<script>x</script>": one}, one, ())
    page = html_table(result)
    assert "<script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "<b>" not in page and "<i>" not in page


def test_many_groups_are_cut_and_counted() -> None:
    one = ResponseRate(1, 1, 1, 1.0)
    result = Result("response_rate", "team", {f"t{i:03}": one for i in range(80)}, one, ())
    page = html_table(result)
    assert "t049" in page and "t050" not in page and "30 more groups" in page


@pytest.mark.parametrize(("name", "dtype", "unit"), [
    ("mean", "float64", "s"), ("median_time", "float64", "s"), ("connected_seconds", "float64",
                                                                 "s"),
    ("rate", "float64", "%"), ("within_24h_rate", "float64", "%"), ("contacts", "Int64", ""),
    ("rate", "Int64", ""), ("why", "string", ""),
])
def test_unit_of_a_field(name: str, dtype: str, unit: str) -> None:
    assert unit_of(name, dtype) == unit


def test_a_unit_the_metric_table_declares_wins_over_the_name(monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    field = types.SimpleNamespace(unit="seconds")
    table = {"response_rate": types.SimpleNamespace(field=lambda name: field)}
    monkeypatch.setitem(sys.modules, "salesmetrics.metrics.table",
                        types.SimpleNamespace(TABLE=table))
    assert unit_of("contacts", "Int64", "response_rate") == "s"
    assert unit_of("contacts", "Int64", "another_metric") == ""
    assert unit_of("rate", "float64", "another_metric") == "%"


def test_to_frame_and_the_html_table_read_any_result_shaped_object(network: Any) -> None:
    result = metrics.response_rate(network, period=MONTH, by="team")
    shaped = types.SimpleNamespace(by=result.by, groups=result.groups, overall=result.overall,
                                   rows=result.rows)
    assert to_frame(shaped).equals(result.to_frame())  # type: ignore[arg-type]
    assert html_table(shaped).replace("SimpleNamespace", "response_rate") == html_table(result)  # type: ignore[arg-type]


def test_instants_beyond_the_nanosecond_range_are_kept_at_microseconds() -> None:
    ds = from_dict({"teams": [{"id": "A"}], "threads": [{"id": "t", "team": "A"}],
                    "messages": [{"thread": "t", "at": "2500-03-02T09:00:00+01:00",
                                  "direction": "in"}]})
    far = Period(datetime(2500, 3, 1, tzinfo=UTC), datetime(2500, 3, 8, tzinfo=UTC))
    column = metrics.response_rate(ds, period=far, by="team").rows_frame()["opened_at"]
    assert str(column.dtype) == "datetime64[us, UTC]"
    assert column[0].to_pydatetime() == datetime(2500, 3, 2, 8, tzinfo=UTC)


def test_profile_comparisons_give_a_frame_of_each_profiles_figures() -> None:
    from salesmetrics.examples import EXAMPLE_PERIOD, example_path
    from salesmetrics.load import load
    from salesmetrics.metrics import compare_profiles

    names = ("instaply", "zendesk")
    cmp = compare_profiles(load(example_path()), period=EXAMPLE_PERIOD, profiles=names,
                           by="team")
    frame = cmp.to_frame()
    medians = frame.xs("median", axis=1, level=1)
    assert list(medians.columns) == list(names)
    for team, per in cmp.groups.items():
        assert [medians.loc[team, p] for p in names] == [per[p].median for p in names]
    assert str(frame[("instaply", "count")].dtype) == "Int64"
    html = cmp._repr_html_()
    assert "<th>instaply median (s)</th>" in html and html.count("<tr><th>") == len(cmp.groups) + 2  # header, groups, overall
