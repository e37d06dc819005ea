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
  least 0 (``invalid_option``). (``lead_dashboard``'s ``window_seconds`` and
  ``inactive_users``' ``days`` are checked by those functions with the same
  :func:`~salesmetrics._values.finite_number`.)

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

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from salesmetrics._time import check_instant, parse_date, parse_timezone
from salesmetrics._values import finite_number
from salesmetrics.dataset import Dataset
from salesmetrics.errors import SalesmetricsError
from salesmetrics.period import Period

__all__ = ["check_args"]


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


_CHECKS: dict[str, Callable[[Any, str], None]] = {
    "period": _period, "at": _instant, "as_of": _optional_instant,
    "before": _optional_instant, "day": _day, "timezone": _timezone,
    "gap_seconds": _positive, "threshold_seconds": _at_least_zero,
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
