"""Adapters of the lead checks: ``lead_response_time``, ``lead_dashboard``,
``lead_conversion`` and ``lost_leads`` (FIXTURES.md result shapes).

Each reads the check's options (errors name ``options.<name>``), calls the
pure function of :mod:`salesmetrics.metrics.leads` or
:mod:`salesmetrics.metrics.conversion`, and returns JSON-able data: with
``by``, an object group → keys; without, the keys themselves.

>>> from salesmetrics.load import from_dict
>>> from salesmetrics.spec.check import parse_check
>>> ds = from_dict({"leads": [{"id": "L", "received_at": "2026-03-02T09:00:00Z"}]})
>>> check = parse_check({"metric": "lead_conversion",
...     "period": {"start": "2026-03-02T00:00:00Z", "end": "2026-03-03T00:00:00Z"}})
>>> lead_conversion(ds, check)["rate"]
0.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salesmetrics.metrics.conversion import ConversionRow, ConversionSummary
from salesmetrics.metrics.conversion import lead_conversion as _lead_conversion
from salesmetrics.metrics.conversion import lost_leads as _lost_leads
from salesmetrics.metrics.leads import check_buckets, check_kinds, resolve_clock
from salesmetrics.metrics.leads import lead_dashboard as _lead_dashboard
from salesmetrics.metrics.leads import lead_response_time as _lead_response_time
from salesmetrics.results import to_jsonable

if TYPE_CHECKING:
    from salesmetrics.dataset import Dataset
    from salesmetrics.spec.check import Check

__all__ = ["lead_conversion", "lead_dashboard", "lead_response_time", "lost_leads"]


def _common(check: Check) -> dict[str, Any]:
    """The clock, kinds and categories options, validated."""
    clock = resolve_clock(check.string("clock", "deferred_start") or "deferred_start")
    kinds = check_kinds(check.strings("kinds"))
    return {"clock": clock, "kinds": kinds, "categories": check.strings("categories")}


def lead_response_time(dataset: Dataset, check: Check) -> Any:
    """``lead_response_time``: leads, responded, mean, median, within 24 h, buckets."""
    raw = check.options.get("buckets")
    buckets = () if raw is None else raw
    if raw is not None and not isinstance(raw, list):
        raise check.error("buckets", "buckets is a list of [from_hours, to_hours] pairs")
    result = _lead_response_time(dataset, period=check.period_required(), as_of=check.as_of,
                                 by=check.by, buckets=check_buckets(buckets), **_common(check))
    if check.by is None:
        return to_jsonable(result.overall)
    return to_jsonable(result.groups)


def lead_dashboard(dataset: Dataset, check: Check) -> Any:
    """``lead_dashboard``: received, responded in the window, mean (and median)."""
    result = _lead_dashboard(
        dataset, period=check.period_required(), at=check.instant("at"),
        window_seconds=check.number("window_seconds", 43200.0, strictly_positive=True),
        **_common(check),
    )
    return {"received": result.received, "responded": result.responded,
            "responded_in_window": result.responded_in_window, "mean": result.mean,
            "median": result.median}


def _conversion_group(summary: ConversionSummary, rows: dict[str, ConversionRow]) -> Any:
    out = to_jsonable(summary)
    out["lead_list"] = [
        {"id": i, "status": rows[i].status, "status_group": to_jsonable(rows[i].status_group),
         "type": rows[i].type, "converted": rows[i].converted}
        for i in summary.lead_ids
    ]
    return out


def lead_conversion(dataset: Dataset, check: Check) -> Any:
    """``lead_conversion``: leads, converted, rate, orders, sales, lead_ids.

    Each group also has ``lead_list``: the drill-down list of its leads
    (id, status, status group, type, converted), in ``lead_ids`` order.
    """
    result = _lead_conversion(dataset, period=check.period_required(), as_of=check.as_of, by=check.by)
    rows = {r.id: r for r in result.leads}
    if check.by is None:
        return _conversion_group(result.overall, rows)
    return {k: _conversion_group(v, rows) for k, v in result.groups.items()}


def lost_leads(dataset: Dataset, check: Check) -> Any:
    """``lost_leads``: count and by_status (a lead without status under ``(none)``)."""
    result = _lost_leads(dataset, period=check.period_required(), as_of=check.as_of, by=check.by)
    if check.by is None:
        return to_jsonable(result.overall)
    return to_jsonable(result.groups)
