"""The one check of a metric function's arguments, by parameter name (private).

Every public metric function starts with :func:`check_args`, naming the
arguments it was given; each is checked by its parameter's name, the same
way in every metric, and a bad one is a :class:`SalesmetricsError` naming
the parameter (never a ``TypeError`` from comparing a naive datetime, an
``OverflowError``, or a NaN that compares false with everything):

* ``dataset``: a :class:`~salesmetrics.dataset.Dataset` (``invalid_value``);
* ``period``: a :class:`~salesmetrics.period.Period` (``invalid_period``;
  its bounds are checked when it is made);
* ``at``, ``as_of``, ``before``: aware datetimes in the supported range
  (``invalid_instant``); ``as_of`` and ``before`` may be None;
* ``day``: a date in the years 2..9998 (``invalid_option``);
* ``timezone``: None or an IANA name (``invalid_option``);
* ``gap_seconds``: finite and positive; ``threshold_seconds``: finite, at
  least 0 (``invalid_option``);
* rules: ``message_team`` a :class:`~salesmetrics.rules.MessageTeam`,
  ``contact_team`` a :class:`~salesmetrics.rules.ContactTeam`, ``owner`` an
  :class:`~salesmetrics.rules.OwnerRule`, ``outliers`` an
  :class:`~salesmetrics.rules.OutlierPolicy`, ``clock`` a clock object
  (``invalid_option``; the lead metrics, which also take a clock's name,
  check theirs when they resolve it);
* collections: ``kinds``, ``categories``, ``buckets`` a collection (not a
  string), ``kinds`` and ``categories`` of strings; ids and names
  (``smart_list``, ``team``, ``account_type``, ``brand``): None or a string
  (``invalid_option``). Their values are then checked by each metric.

``lead_dashboard``'s ``window_seconds`` and ``inactive_users``' ``days`` are
checked by those functions with the same
:func:`~salesmetrics._values.finite_number`.

>>> from datetime import datetime
>>> check_args(Dataset(), as_of=datetime(2026, 3, 2))
Traceback (most recent call last):
...
salesmetrics.errors.SalesmetricsError: as_of: naive instant datetime.datetime(2026, 3, 2, 0, 0), add an offset
>>> check_args(Dataset(), gap_seconds=float("nan"))
Traceback (most recent call last):
...
salesmetrics.errors.SalesmetricsError: gap_seconds: must be a finite number, not nan
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date, datetime
from typing import Any

from salesmetrics._time import check_instant, parse_date, parse_timezone
from salesmetrics._values import finite_number
from salesmetrics.dataset import Dataset
from salesmetrics.errors import SalesmetricsError
from salesmetrics.period import Period
from salesmetrics.rules import ContactTeam, MessageTeam, OutlierPolicy, OwnerRule

__all__ = ["check_args", "is_clock"]


def _period(value: Any, name: str) -> None:
    if not isinstance(value, Period):
        raise SalesmetricsError("invalid_period", name,
                                f"a period is a Period(start, end), not {type(value).__name__}")


def _instant(value: Any, name: str) -> None:
    check_instant(value, name)


def _optional_instant(value: Any, name: str) -> None:
    if value is not None:
        check_instant(value, name)


def _day(value: Any, name: str) -> None:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise SalesmetricsError("invalid_option", name,
                                f"a day is a datetime.date, not {type(value).__name__}")
    parse_date(value, name, "invalid_option")


def _timezone(value: Any, name: str) -> None:
    if value is not None:
        parse_timezone(value, name, "invalid_option")


def _positive(value: Any, name: str) -> None:
    finite_number(value, name, "invalid_option", positive=True)


def _at_least_zero(value: Any, name: str) -> None:
    finite_number(value, name, "invalid_option", minimum=0)


def _instance_of(kind: type) -> Callable[[Any, str], None]:
    def check(value: Any, name: str) -> None:
        if not isinstance(value, kind):
            raise SalesmetricsError("invalid_option", name,
                                    f"must be a {kind.__name__}, not {type(value).__name__}")
    return check


def _clock(value: Any, name: str) -> None:
    if not is_clock(value):
        raise SalesmetricsError("invalid_option", name,
                                f"a clock is a Clock (WALL, BUSINESS, ...), not {value!r}")


def is_clock(value: object) -> bool:
    """Whether ``value`` is a clock: a ``name`` and an ``elapsed(calendar, a, b)``."""
    return isinstance(getattr(value, "name", None), str) and callable(
        getattr(value, "elapsed", None))


def _collection(of_strings: bool) -> Callable[[Any, str], None]:
    def check(value: Any, name: str) -> None:
        if value is None:
            return
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
            raise SalesmetricsError("invalid_option", name,
                                    f"must be a list, not {type(value).__name__}")
        if of_strings and isinstance(value, Collection) and not all(
                isinstance(v, str) for v in value):
            raise SalesmetricsError("invalid_option", name, "must be a list of strings")
    return check


def _buckets(value: Any, name: str) -> None:
    if value is None:
        raise SalesmetricsError("invalid_option", name, "must be a list of pairs, not None")
    _collection(False)(value, name)


def _optional_text(value: Any, name: str) -> None:
    if value is not None and not isinstance(value, str):
        raise SalesmetricsError("invalid_option", name,
                                f"must be a string, not {type(value).__name__}")


_CHECKS: dict[str, Callable[[Any, str], None]] = {
    "period": _period, "at": _instant, "as_of": _optional_instant,
    "before": _optional_instant, "day": _day, "timezone": _timezone,
    "gap_seconds": _positive, "threshold_seconds": _at_least_zero,
    "message_team": _instance_of(MessageTeam), "contact_team": _instance_of(ContactTeam),
    "owner": _instance_of(OwnerRule), "outliers": _instance_of(OutlierPolicy),
    "clock": _clock, "kinds": _collection(True), "categories": _collection(True),
    "buckets": _buckets, "smart_list": _optional_text, "team": _optional_text,
    "account_type": _optional_text, "brand": _optional_text,
}


def check_args(dataset: Any, /, **arguments: Any) -> None:
    """Check a metric function's ``dataset`` and named arguments (see the module).

    Raises:
        SalesmetricsError: the first bad argument, naming its parameter.
        KeyError: a name this check does not know (a programming error).
    """
    if not isinstance(dataset, Dataset):
        raise SalesmetricsError("invalid_value", "dataset",
                                f"a metric reads a Dataset, not {type(dataset).__name__}")
    for name, value in arguments.items():
        _CHECKS[name](value, name)
