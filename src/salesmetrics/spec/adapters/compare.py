"""The ``ranking`` and ``variation`` checks: any metric's value across teams or periods.

Both compute an inner metric (option ``of``, with its own options in
``options``) through its adapter, read one result key (option ``key``), and
hand the values to :mod:`salesmetrics.metrics.compare`. Errors about the inner
metric name places in the outer check: an inner option ``x`` is
``options.options.x``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from salesmetrics.dataset import Dataset
from salesmetrics.errors import SalesmetricsError
from salesmetrics.metrics.compare import rank
from salesmetrics.metrics.compare import variation as change_of
from salesmetrics.metrics.table import TABLE
from salesmetrics.period import Period
from salesmetrics.results import to_jsonable
from salesmetrics.spec import registry
from salesmetrics.spec.check import Check, parse_check, parse_period

__all__ = ["higher_is_better", "ranking", "variation"]

_NOT_INNER = frozenset({"ranking", "variation"})


def higher_is_better(metric: str, key: str) -> bool:
    """Whether a larger value of a metric's result key ranks first, from the metric table.

    Counts and rates rank higher first, times lower first; a field the table
    marks as neither (an excluded count) ranks higher first. A key the table
    does not declare ranks lower first when it names a time (``*_seconds``,
    ``*_time``, ``mean``, ``median``, ``p90``).

    >>> higher_is_better("response_rate", "rate"), higher_is_better("response_time", "median")
    (True, False)
    """
    try:
        better = TABLE[metric].field(key).better
    except KeyError:
        times = key in ("mean", "median", "p90") or key.endswith(("_seconds", "_time"))
        return not times
    return better != "lower"


def _inner_metric(check: Check, *, by: str | None) -> str:
    of = check.options.get("of")
    if not isinstance(of, str) or of not in registry.METRICS or of in _NOT_INNER:
        raise check.error("of", f"{check.metric} takes the name of a metric counted over a "
                                f"period, not {of!r}")
    spec = registry.METRICS[of]
    if not spec.needs_period:
        raise check.error("of", f"{of} is taken at an instant: it has no previous period")
    if by is not None and by not in spec.by:
        if check.metric == "ranking":
            raise check.error("of", f"{of} cannot be grouped by team, so teams cannot be ranked")
        raise SalesmetricsError("invalid_option", "by",
                                f"{of} cannot be grouped by {by!r}")
    return of


def _key(check: Check) -> str:
    key = check.options.get("key")
    if not isinstance(key, str):
        raise check.error("key", f"key is the name of a result key, not {key!r}")
    return key


def _inner_options(check: Check) -> Mapping[str, Any]:
    inner = check.options.get("options")
    if inner is None:
        return {}
    if not isinstance(inner, Mapping):
        raise check.error("options", "options are the inner metric's options (an object)")
    return inner


def _moved(exc: SalesmetricsError) -> SalesmetricsError:
    """An inner check's error, its option paths moved under ``options.options``."""
    if exc.path == "options" or exc.path.startswith("options."):
        return SalesmetricsError(exc.code, "options." + exc.path, exc.message)
    return exc


def _compute(dataset: Dataset, check: Check, of: str, period: Period, by: str | None) -> Any:
    raw = {"metric": of, "period": {"start": period.start, "end": period.end},
           "as_of": check.as_of, "by": by, "options": dict(_inner_options(check))}
    try:
        inner = parse_check(raw)
        return to_jsonable(registry.adapter_for(of)(dataset, inner))
    except SalesmetricsError as exc:
        raise _moved(exc) from None


def _number(check: Check, key: str, result: object, group: str | None) -> float | None:
    where = f" for {group!r}" if group is not None else ""
    if not isinstance(result, Mapping) or key not in result:
        raise check.error("key", f"{key!r} is not a result key of {check.options['of']}{where}")
    value = result[key]
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise check.error("key", f"{key!r} is not a number in the result of "
                                 f"{check.options['of']}, it is {value!r}")
    return value


def _values(check: Check, key: str, result: object) -> dict[str, float | None]:
    if not isinstance(result, Mapping):
        raise check.error("of", f"{check.options['of']} gives no result per group")
    return {str(group): _number(check, key, row, str(group)) for group, row in result.items()}


def _previous_period(check: Check, period: Period) -> Period | None:
    value = check.options.get("previous_period")
    if value is None or value is False:
        return None
    if value is True:
        return period.previous()
    if isinstance(value, Mapping):
        return parse_period(value, "options.previous_period")
    raise check.error("previous_period",
                      'previous_period is true, false or {"start": ..., "end": ...}')


def ranking(dataset: Dataset, check: Check) -> list[dict[str, Any]]:
    """Teams ranked by one result key of a metric computed by team.

    Options: ``of`` (the metric), ``key`` (its result key), ``previous_period``
    (true: the previous period of the same length; an object: that period),
    ``by`` (only ``team``) and ``options`` (the metric's own options). The
    direction comes from the metric table (see :func:`higher_is_better`).

    Returns:
        ``[{"team", "value", "rank", "previous_rank", "move"}, ...]`` as
        :func:`salesmetrics.metrics.compare.rank` lists them.

    Raises:
        SalesmetricsError: ``invalid_option`` at ``options.of`` or
            ``options.key`` for a metric or key that cannot be ranked; the
            inner metric's errors (its options under ``options.options``).
    """
    by = check.string("by", "team", choices=("team",)) or "team"
    of = _inner_metric(check, by=by)
    key = _key(check)
    assert check.period is not None
    values = _values(check, key, _compute(dataset, check, of, check.period, by))
    before = _previous_period(check, check.period)
    previous = None
    if before is not None:
        previous = _values(check, key, _compute(dataset, check, of, before, by))
    rows = rank(values, higher_is_better=higher_is_better(of, key), previous=previous)
    return [attrs.asdict(r) for r in rows]


def _change(current: float | None, previous: float | None) -> dict[str, Any]:
    return {"current": current, "previous": previous, "change": change_of(current, previous)}


def variation(dataset: Dataset, check: Check) -> dict[str, Any]:
    """One result key of a metric over the period against the previous period of the same length.

    Options: ``of`` (the metric), ``key`` (its result key), ``options`` (the
    metric's own options). The check's ``by`` is passed to the metric; the
    previous period is read with the same ``as_of``.

    Returns:
        ``{"current", "previous", "change"}``; with ``by``, that object per
        group (the groups of either period, current ones first).

    Raises:
        SalesmetricsError: ``invalid_option`` at ``options.of``,
            ``options.key`` or ``by``; the inner metric's errors (its options
            under ``options.options``).
    """
    of = _inner_metric(check, by=check.by)
    key = _key(check)
    assert check.period is not None
    current = _compute(dataset, check, of, check.period, check.by)
    previous = _compute(dataset, check, of, check.period.previous(), check.by)
    if check.by is None:
        return _change(_number(check, key, current, None), _number(check, key, previous, None))
    now, before = _values(check, key, current), _values(check, key, previous)
    groups = list(now) + [g for g in before if g not in now]
    return {g: _change(now.get(g), before.get(g)) for g in groups}
