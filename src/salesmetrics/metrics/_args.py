"""The validators of every metric's parameters: one per kind of argument (private).

Every metric function checks its keyword arguments with these, so a bad
argument raises :class:`~salesmetrics.errors.SalesmetricsError` with a code
and the **Python parameter's name** as its path (``gap_seconds``,
``period``, ``outliers``), never a bare ``ValueError`` or ``TypeError``.
The conformance layer turns those names into ``options.<name>`` paths. They
accept what a case file gives (JSON numbers, strings, lists, objects) as well
as the library's own values (a :class:`~salesmetrics.calendars.Clock`, an
:class:`~salesmetrics.rules.OutlierPolicy`), so there is one validation for
both doors.

>>> check_seconds(900, "gap_seconds", positive=True)
900.0
>>> check_seconds(0, "gap_seconds", positive=True)
Traceback (most recent call last):
...
salesmetrics.errors.SalesmetricsError: gap_seconds: must be positive, not 0
>>> check_outliers({"method": "tukey", "k": 3})
Tukey(k=3.0, name='tukey')
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from salesmetrics._time import check_instant as _check_instant
from salesmetrics._time import parse_timezone
from salesmetrics._values import finite_number
from salesmetrics.calendars import Clock, clock_named
from salesmetrics.errors import SalesmetricsError
from salesmetrics.period import Period
from salesmetrics.rules import NO_OUTLIERS, Cap, OutlierPolicy, Tukey

__all__ = [
    "check_bool",
    "check_by",
    "check_clock",
    "check_dataset",
    "check_day",
    "check_instant",
    "check_outliers",
    "check_period",
    "check_seconds",
    "check_strings",
    "check_text",
    "check_timezone",
    "check_window",
]

#: The largest duration any option may name: about 10,000 years.
MAX_SECONDS = 3.2e11


def _bad(path: str, message: str, code: str = "invalid_option") -> SalesmetricsError:
    return SalesmetricsError(code, path, message)


def check_dataset(dataset: object) -> None:
    """A :class:`~salesmetrics.dataset.Dataset`: ``invalid_value`` at ``dataset`` otherwise."""
    from salesmetrics.dataset import Dataset

    if not isinstance(dataset, Dataset):
        raise _bad("dataset", f"a Dataset is needed (load one with salesmetrics.load), not "
                   f"{type(dataset).__name__}", "invalid_value")


def check_by(by: object, allowed: Sequence[str] = ("team",)) -> str | None:
    """A grouping among ``allowed`` or None: ``invalid_option`` at ``by`` otherwise."""
    if by is None:
        return None
    if not isinstance(by, str) or by not in allowed:
        choices = ", ".join(allowed) if allowed else "none (the metric is not grouped)"
        raise _bad("by", f"cannot group by {by!r} (allowed: {choices})")
    return by


def check_period(period: object) -> Period:
    """A :class:`~salesmetrics.period.Period`: ``invalid_period`` at ``period`` otherwise."""
    if not isinstance(period, Period):
        raise _bad("period", f"a Period is needed, not {type(period).__name__}",
                   "invalid_period")
    return period


def check_window(period: object, as_of: object) -> tuple[Period, datetime | None]:
    """The ``period`` and ``as_of`` of a metric counted over a period, checked."""
    return check_period(period), check_instant(as_of, "as_of", optional=True)


def check_instant(value: object, param: str, *, optional: bool = False) -> datetime | None:
    """An aware datetime in the supported range (None too when ``optional``).

    The one instant check of the library (:func:`salesmetrics._time.check_instant`):
    ``invalid_instant`` at ``param`` otherwise.
    """
    if value is None and optional:
        return None
    return _check_instant(value, param)


def check_seconds(value: object, param: str, *, positive: bool = False,
                  default: float | None = None) -> float:
    """A finite number of seconds, at least 0 (more than 0 when ``positive``).

    ``None`` gives ``default`` when there is one. Booleans, NaN, infinities
    and numbers beyond ~10,000 years are refused (``invalid_option`` at
    ``param``); the number check is the library's one
    (:func:`salesmetrics._values.finite_number`).
    """
    if value is None and default is not None:
        return default
    number = finite_number(value, param, "invalid_option", minimum=0, positive=positive)
    if number > MAX_SECONDS:
        raise _bad(param, f"must be at most {MAX_SECONDS:.0f} seconds, not {value!r}")
    return number


def check_text(value: object, param: str, *, choices: Sequence[str] | None = None
               ) -> str | None:
    """A string or None, optionally one of ``choices``: ``invalid_option`` at ``param``."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise _bad(param, f"must be a string, not {value!r}")
    if choices is not None and value not in choices:
        raise _bad(param, f"must be one of {', '.join(choices)}; got {value!r}")
    return value


def check_bool(value: object, param: str) -> bool | None:
    """True, False or None: ``invalid_option`` at ``param`` otherwise."""
    if value is None or isinstance(value, bool):
        return value
    raise _bad(param, f"must be true or false, not {value!r}")


def check_strings(value: object, param: str) -> tuple[str, ...] | None:
    """A list of strings or None (a lone string is refused): ``invalid_option`` at ``param``."""
    if value is None:
        return None
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise _bad(param, f"must be a list of strings, not {value!r}")
    items = tuple(value)
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise _bad(param, f"item {i} must be a string, not {item!r}")
    return items


def check_clock(clock: object, param: str = "clock") -> Clock:
    """A :class:`Clock`, or a clock's name (``wall``, ``business``, ``deferred_start``)."""
    if isinstance(clock, str):
        return clock_named(clock, param)
    if isinstance(clock, Clock) and not isinstance(clock, type):
        return clock
    raise _bad(param, f"a Clock or a clock name is needed, not {clock!r}")


def check_day(value: object, param: str) -> date:
    """A calendar date (a ``date``, not a ``datetime``): ``invalid_option`` at ``param``."""
    if isinstance(value, date) and not isinstance(value, datetime):
        if not 2 <= value.year <= 9998:
            raise _bad(param, f"the year must be between 2 and 9998, not {value.year}")
        return value
    raise _bad(param, f"a date is needed, not {value!r}")


def check_timezone(value: object, param: str) -> str | None:
    """An IANA timezone name or None: ``invalid_option`` at ``param`` otherwise.

    The one timezone check of the library (:func:`salesmetrics._time.parse_timezone`).
    """
    if value is None:
        return None
    parse_timezone(value, param, "invalid_option")
    assert isinstance(value, str)
    return value


def check_outliers(outliers: object, param: str = "outliers") -> OutlierPolicy:
    """An outlier policy: None, a policy value, or ``{"method": "tukey", "k": K}`` /
    ``{"method": "cap", "seconds": S}`` / ``{"method": "none"}``."""
    if outliers is None:
        return NO_OUTLIERS
    if isinstance(outliers, OutlierPolicy) and not isinstance(outliers, Mapping):
        bounds_ok = all(math.isfinite(x) and x >= 0 for x in _policy_numbers(outliers))
        if not bounds_ok:
            raise _bad(param, f"{outliers.name}: its parameter must be a finite number >= 0")
        return outliers
    if not isinstance(outliers, Mapping):
        raise _bad(param, 'outliers is None, a policy, {"method": "tukey", "k": 1.5} or '
                   '{"method": "cap", "seconds": S}')
    method = outliers.get("method")
    known = {"tukey": ("k",), "cap": ("seconds",), "none": ()}
    if not isinstance(method, str) or method not in known:
        raise _bad(param, f"unknown outlier method {method!r}; known: tukey, cap, "
                   "none")
    extra = set(outliers) - {"method", *known[method]}
    if extra:
        raise _bad(param, f"unknown keys {sorted(map(str, extra))} for {method}")
    if method == "tukey":
        k = outliers.get("k")
        return Tukey(k=1.5 if k is None else check_seconds(k, param))
    if method == "cap":
        if outliers.get("seconds") is None:
            raise _bad(param, "the cap policy needs 'seconds'")
        return Cap(seconds=check_seconds(outliers["seconds"], param))
    return NO_OUTLIERS


def _policy_numbers(policy: Any) -> list[float]:
    out = []
    for name in ("k", "seconds"):
        value = getattr(policy, name, None)
        if isinstance(value, int | float):
            out.append(float(value))
    return out
