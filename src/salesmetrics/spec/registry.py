"""The table of every FIXTURES.md metric: groupings, options, and where it is computed.

Each metric's adapter is a function ``adapter(dataset, check) -> result`` that
turns a parsed :class:`~salesmetrics.spec.check.Check` into the JSON-able result
shape of FIXTURES.md, by calling the library's pure metric functions. Adapters
are imported lazily by dotted name, so a metric whose adapter does not exist
yet reports ``not implemented: <metric>`` instead of breaking the run.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from salesmetrics.dataset import Dataset
    from salesmetrics.spec.check import Check

__all__ = ["METRICS", "MetricSpec", "NotImplementedMetric", "adapter_for"]

Adapter = Callable[["Dataset", "Check"], Any]


class NotImplementedMetric(LookupError):
    """A metric of the table whose computation is not available."""


@attrs.frozen
class MetricSpec:
    """What FIXTURES.md says of one metric."""

    name: str
    needs_period: bool
    by: tuple[str, ...]
    options: tuple[str, ...]
    required: tuple[str, ...] = ()
    adapter: str = ""


_TEAM = ("team",)
_LEAD_BY = ("responder", "assignee", "team", "store", "source", "source_group", "type", "category")

METRICS: dict[str, MetricSpec] = {
    m.name: m
    for m in (
        MetricSpec("conversations", True, _TEAM, ("gap_seconds",),
                   adapter="salesmetrics.spec.adapters.conversations:conversations"),
        MetricSpec("response_rate", True, _TEAM, ("gap_seconds",),
                   adapter="salesmetrics.spec.adapters.conversations:response_rate"),
        MetricSpec("response_time", True, ("team", "user"),
                   ("outliers", "clock", "gap_seconds", "profile", "rules", "targets"),
                   adapter="salesmetrics.spec.adapters.conversations:response_time"),
        MetricSpec("reply_time", True, ("team", "user"), ("outliers", "clock", "targets"),
                   adapter="salesmetrics.spec.adapters.conversations:reply_time"),
        MetricSpec("outbound_reply", True, ("team", "user"), ("clock", "gap_seconds"),
                   adapter="salesmetrics.spec.adapters.conversations:outbound_reply"),
        MetricSpec("new_customers", True, _TEAM, (),
                   adapter="salesmetrics.spec.adapters.conversations:new_customers"),
        MetricSpec("connected_customers", True, _TEAM, (),
                   adapter="salesmetrics.spec.adapters.conversations:connected_customers"),
        MetricSpec("ranking", True, (), ("of", "key", "previous_period", "by", "options"),
                   required=("of", "key"),
                   adapter="salesmetrics.spec.adapters.compare:ranking"),
        MetricSpec("variation", True, ("team", "user", "type", "assignee", "responder", "store",
                                       "source", "source_group", "category", "smart_list"),
                   ("of", "key", "options"), required=("of", "key"),
                   adapter="salesmetrics.spec.adapters.compare:variation"),
        MetricSpec("waiting", False, _TEAM, ("at",), required=("at",),
                   adapter="salesmetrics.spec.adapters.conversations:waiting"),
        MetricSpec("colleagues", False, ("user",), ("day", "at", "timezone"),
                   required=("day", "at"),
                   adapter="salesmetrics.spec.adapters.conversations:colleagues"),
        MetricSpec("open_too_long", False, (), ("at", "threshold_seconds"),
                   required=("at", "threshold_seconds"),
                   adapter="salesmetrics.spec.adapters.conversations:open_too_long"),
        MetricSpec("business_time", False, (), ("calendar", "intervals", "clock"),
                   required=("calendar", "intervals"),
                   adapter="salesmetrics.spec.adapters.calendar:business_time"),
        MetricSpec("lead_response_time", True, _LEAD_BY,
                   ("clock", "kinds", "buckets", "categories"),
                   adapter="salesmetrics.spec.adapters.leads:lead_response_time"),
        MetricSpec("lead_dashboard", True, (), ("at", "window_seconds", "clock", "categories",
                                                "kinds"),
                   required=("at",),
                   adapter="salesmetrics.spec.adapters.leads:lead_dashboard"),
        MetricSpec("lead_conversion", True, ("type", "assignee"), (),
                   adapter="salesmetrics.spec.adapters.leads:lead_conversion"),
        MetricSpec("lost_leads", True, ("type",), (),
                   adapter="salesmetrics.spec.adapters.leads:lost_leads"),
        MetricSpec("rep_activity", True, ("user",),
                   ("smart_list", "on_smart_list", "team", "account_type", "brand", "gap_seconds"),
                   adapter="salesmetrics.spec.adapters.activity:rep_activity"),
        MetricSpec("inactive_users", False, (), ("at", "days"), required=("at",),
                   adapter="salesmetrics.spec.adapters.activity:inactive_users"),
        MetricSpec("smart_list_progress", True, ("smart_list", "user"), (),
                   adapter="salesmetrics.spec.adapters.activity:smart_list_progress"),
    )
}


def adapter_for(metric: str) -> Adapter:
    """The adapter function of a metric.

    Raises:
        NotImplementedMetric: the metric is in the table but its adapter
            cannot be imported yet.
        KeyError: the metric is not in the table.
    """
    spec = METRICS[metric]
    module_name, _, func_name = spec.adapter.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module_name.startswith(exc.name):
            raise NotImplementedMetric(metric) from None
        raise
    func = getattr(module, func_name, None)
    if func is None:
        raise NotImplementedMetric(metric)
    return func  # type: ignore[no-any-return]
