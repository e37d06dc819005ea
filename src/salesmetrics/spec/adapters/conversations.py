"""Adapters of the conversation metrics (METRICS.md §2): a parsed check → a FIXTURES.md result.

Each adapter validates the check's options with the :class:`Check` readers
(``invalid_option`` naming ``options.<name>``) and calls the pure metric
function of :mod:`salesmetrics.metrics`. Scope is applied by the runner
before the adapter.

>>> from salesmetrics.load import from_dict
>>> from salesmetrics.spec.check import parse_check
>>> ds = from_dict({"teams": [{"id": "A"}], "threads": [{"id": "t", "team": "A"}],
...     "messages": [{"thread": "t", "at": "2026-03-02T09:00:00+00:00", "direction": "in"}]})
>>> check = parse_check({"metric": "response_rate", "by": "team", "period":
...     {"start": "2026-03-02T00:00:00Z", "end": "2026-03-09T00:00:00Z"}})
>>> response_rate(ds, check)
{'A': {'contacts': 1, 'answered': 0, 'answered_by_any': 0, 'rate': 0.0}}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from salesmetrics import metrics
from salesmetrics._time import parse_timezone
from salesmetrics._values import finite_number
from salesmetrics.calendars import Clock, clock_named
from salesmetrics.dataset import Dataset
from salesmetrics.rules import NO_OUTLIERS, Cap, OutlierPolicy, Tukey
from salesmetrics.spec.check import Check
from salesmetrics.timeline import DEFAULT_GAP_SECONDS

__all__ = [
    "colleagues",
    "connected_customers",
    "conversations",
    "new_customers",
    "open_too_long",
    "outbound_reply",
    "response_rate",
    "response_time",
    "waiting",
]


def _gap(check: Check) -> float:
    return check.number("gap_seconds", DEFAULT_GAP_SECONDS, strictly_positive=True)


def _clock(check: Check, default: str) -> Clock:
    name = check.string("clock", default)
    try:
        return clock_named(name or default)
    except KeyError:
        raise check.error("clock", f"unknown clock {name!r}; known: business, "
                          "deferred_start, wall") from None


def _outliers(check: Check) -> OutlierPolicy:
    raw = check.options.get("outliers")
    if raw is None:
        return NO_OUTLIERS
    if not isinstance(raw, Mapping):
        raise check.error("outliers", 'outliers is null, {"method": "tukey", "k": 1.5} '
                          'or {"method": "cap", "seconds": S}')
    method = raw.get("method")

    def num(key: str, default: float | None) -> float:
        v = raw.get(key)
        if v is None:
            if default is None:
                raise check.error("outliers", f"the {method} policy needs {key!r}")
            return default
        return finite_number(v, f"options.outliers.{key}", "invalid_option", minimum=0)

    if method == "tukey":
        extra = set(raw) - {"method", "k"}
        if extra:
            raise check.error("outliers", f"unknown keys {sorted(extra)} for tukey")
        return Tukey(k=num("k", 1.5))
    if method == "cap":
        extra = set(raw) - {"method", "seconds"}
        if extra:
            raise check.error("outliers", f"unknown keys {sorted(extra)} for cap")
        return Cap(seconds=num("seconds", None))
    if method == "none":
        return NO_OUTLIERS
    raise check.error("outliers", f"unknown outlier method {method!r}; known: tukey, cap")


def conversations(dataset: Dataset, check: Check) -> Any:
    """``conversations``: options ``gap_seconds``."""
    return metrics.conversations(dataset, period=check.period_required(), as_of=check.as_of,
                                 by=check.by, gap_seconds=_gap(check)).summary()


def response_rate(dataset: Dataset, check: Check) -> Any:
    """``response_rate`` (``gap_seconds`` is validated; contacts do not depend on it)."""
    _gap(check)
    return metrics.response_rate(dataset, period=check.period_required(), as_of=check.as_of,
                                 by=check.by).summary()


def response_time(dataset: Dataset, check: Check) -> Any:
    """``response_time``: options ``clock`` (business), ``outliers``, ``gap_seconds``."""
    return metrics.response_time(dataset, period=check.period_required(), as_of=check.as_of, by=check.by,
                                 clock=_clock(check, "business"), outliers=_outliers(check),
                                 gap_seconds=_gap(check)).summary()


def outbound_reply(dataset: Dataset, check: Check) -> Any:
    """``outbound_reply``: options ``clock`` (wall), ``gap_seconds``."""
    return metrics.outbound_reply(dataset, period=check.period_required(), as_of=check.as_of,
                                  by=check.by, clock=_clock(check, "wall"),
                                  gap_seconds=_gap(check)).summary()


def new_customers(dataset: Dataset, check: Check) -> Any:
    """``new_customers``."""
    return metrics.new_customers(dataset, period=check.period_required(), as_of=check.as_of,
                                 by=check.by).summary()


def connected_customers(dataset: Dataset, check: Check) -> Any:
    """``connected_customers``."""
    return metrics.connected_customers(dataset, period=check.period_required(), as_of=check.as_of,
                                       by=check.by).summary()


def waiting(dataset: Dataset, check: Check) -> Any:
    """``waiting``: option ``at`` (required)."""
    return metrics.waiting(dataset, at=check.instant("at"), by=check.by).summary()


def colleagues(dataset: Dataset, check: Check) -> Any:
    """``colleagues``: options ``day``, ``at`` (required), ``timezone`` (IANA)."""
    day = check.date("day")
    at = check.instant("at")
    tz = check.string("timezone")
    if tz is not None:
        parse_timezone(tz, "options.timezone", "invalid_option")
    return metrics.colleagues(dataset, day=day, at=at, timezone=tz, by=check.by).summary()


def open_too_long(dataset: Dataset, check: Check) -> Any:
    """``open_too_long``: options ``at``, ``threshold_seconds`` (required, at least 0)."""
    at = check.instant("at")
    threshold = check.number("threshold_seconds", minimum=0)
    return metrics.open_too_long(dataset, at=at, threshold_seconds=threshold).summary()
