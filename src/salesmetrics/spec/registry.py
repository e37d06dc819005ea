"""The conformance registry: the metric table seen from case files.

Every entry is derived from :data:`salesmetrics.metrics.table.TABLE`: whether
the metric needs a period, its groupings, its option names and required
options. :func:`adapter_for` gives the function that turns a parsed
:class:`~salesmetrics.spec.check.Check` into the case format's result shape:
for most metrics the generic :func:`compute` (options passed to the metric
function under the same names, errors about a parameter ``x`` named
``options.x``); ``ranking``, ``variation`` and ``business_time`` have their
own adapters (they read another metric, or a calendar of the dataset).

>>> METRICS["waiting"].needs_period, METRICS["waiting"].required
(False, ('at',))
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from salesmetrics._time import parse_date, parse_instant
from salesmetrics.errors import SalesmetricsError
from salesmetrics.metrics.table import TABLE, Metric

if TYPE_CHECKING:
    from salesmetrics.dataset import Dataset
    from salesmetrics.spec.check import Check

__all__ = ["METRICS", "MetricSpec", "NotImplementedMetric", "adapter_for", "compute"]

Adapter = Callable[["Dataset", "Check"], Any]


class NotImplementedMetric(LookupError):
    """A metric of the table whose computation is not available."""


@attrs.frozen
class MetricSpec:
    """What a case file may say of one metric (derived from the metric table)."""

    name: str
    needs_period: bool
    by: tuple[str, ...]
    options: tuple[str, ...]
    required: tuple[str, ...] = ()
    adapter: str = ""


def _spec(m: Metric) -> MetricSpec:
    return MetricSpec(m.name, m.takes == "period", m.by, m.option_names, m.required, m.adapter)


METRICS: dict[str, MetricSpec] = {name: _spec(m) for name, m in TABLE.items()}


def _argument(check: Check, name: str, kind: str) -> Any:
    raw = check.options[name]
    if kind == "instant":
        return parse_instant(raw, f"options.{name}")
    if kind == "date":
        return parse_date(raw, f"options.{name}", code="invalid_option")
    return raw


def _as_option(exc: SalesmetricsError, metric: Metric) -> SalesmetricsError:
    """A metric function's error about parameter ``x`` as one about ``options.x``."""
    head = exc.path.split(".", 1)[0].split("[", 1)[0]
    if head in metric.option_names:
        return SalesmetricsError(exc.code, f"options.{exc.path}", exc.message)
    return exc


def compute(dataset: Dataset, check: Check) -> Any:
    """A check's result: its metric function called with the check's options.

    The period and ``as_of`` (metrics over a period), ``by`` (grouped
    metrics) and every option given (null means "the default") are passed
    under their own names; the result is :meth:`Result.summary`.
    """
    metric = TABLE[check.metric]
    if metric.function is None:
        raise NotImplementedMetric(check.metric)
    kwargs: dict[str, Any] = {}
    if metric.takes == "period":
        kwargs["period"] = check.period_required()
        if metric.reads_as_of:
            kwargs["as_of"] = check.as_of
    if metric.by:
        kwargs["by"] = check.by
    for option in metric.options:
        if check.options.get(option.name) is not None:
            kwargs[option.name] = _argument(check, option.name, option.json)
    try:
        result = metric.function(dataset, **kwargs)
    except SalesmetricsError as exc:
        raise _as_option(exc, metric) from None
    return result.summary()


def adapter_for(metric: str) -> Adapter:
    """The adapter function of a metric.

    Raises:
        NotImplementedMetric: the metric is in the table but its adapter
            cannot be imported.
        KeyError: the metric is not in the table.
    """
    spec = METRICS[metric]
    if not spec.adapter:
        return compute
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

