"""A docs/case-format.md check, parsed and validated, and helpers to read its options.

>>> c = parse_check({"metric": "response_rate", "by": "team",
...     "period": {"start": "2026-03-02T00:00:00+01:00", "end": "2026-03-09T00:00:00+01:00"}})
>>> c.metric, c.by, c.period.start.isoformat()
('response_rate', 'team', '2026-03-02T00:00:00+01:00')
>>> parse_check({"metric": "response_rate"})
Traceback (most recent call last):
...
salesmetrics.errors.SalesmetricsError: period: response_rate counts over a period: give "period": {"start": ..., "end": ...}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import attrs

from salesmetrics._time import parse_date, parse_instant
from salesmetrics._values import finite_number
from salesmetrics.errors import SalesmetricsError, join_path
from salesmetrics.period import Period
from salesmetrics.spec.registry import METRICS

__all__ = ["Check", "parse_check", "parse_period"]


@attrs.frozen
class Check:
    """One metric query of a case: metric, period, as_of, grouping, options, scope."""

    metric: str
    period: Period | None = None
    as_of: datetime | None = None
    by: str | None = None
    options: Mapping[str, Any] = attrs.field(factory=dict)
    scope_user: str | None = None

    # -- option readers (errors name ``options.<name>``) ----------------------

    def has(self, name: str) -> bool:
        """Whether the option is given (and not null)."""
        return self.options.get(name) is not None

    def period_required(self) -> Period:
        """The check's period; ``invalid_period`` at ``period`` when it has none."""
        if self.period is None:
            raise SalesmetricsError("invalid_period", "period",
                                    f"{self.metric} counts over a period: give \"period\"")
        return self.period

    def _bad(self, name: str, message: str) -> SalesmetricsError:
        return SalesmetricsError("invalid_option", f"options.{name}", message)

    def instant(self, name: str) -> datetime:
        """A required instant option."""
        if not self.has(name):
            raise self._bad(name, f"{self.metric} needs the option {name!r} (an instant)")
        return parse_instant(self.options[name], f"options.{name}")

    def date(self, name: str) -> date:
        """A required date option (``YYYY-MM-DD``)."""
        if not self.has(name):
            raise self._bad(name, f"{self.metric} needs the option {name!r} (a date)")
        return parse_date(self.options[name], f"options.{name}", code="invalid_option")

    def number(self, name: str, default: float | None = None, *, minimum: float | None = 0,
               strictly_positive: bool = False) -> float:
        """A number option (``default`` when missing; required when no default)."""
        value = self.options.get(name)
        if value is None:
            if default is None:
                raise self._bad(name, f"{self.metric} needs the option {name!r} (a number)")
            return default
        return finite_number(value, f"options.{name}", "invalid_option", minimum=minimum,
                             positive=strictly_positive)

    def string(self, name: str, default: str | None = None,
               choices: Sequence[str] | None = None) -> str | None:
        """A string option, optionally one of ``choices``."""
        value = self.options.get(name)
        if value is None:
            return default
        if not isinstance(value, str):
            raise self._bad(name, f"must be a string, not {value!r}")
        if choices is not None and value not in choices:
            raise self._bad(name, f"must be one of {', '.join(choices)}; got {value!r}")
        return value

    def boolean(self, name: str) -> bool | None:
        """A boolean option (None when missing)."""
        value = self.options.get(name)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise self._bad(name, f"must be true or false, not {value!r}")
        return value

    def strings(self, name: str) -> tuple[str, ...] | None:
        """A list-of-strings option (None when missing)."""
        value = self.options.get(name)
        if value is None:
            return None
        if isinstance(value, str) or not isinstance(value, list) or not all(
            isinstance(v, str) for v in value
        ):
            raise self._bad(name, f"must be a list of strings, not {value!r}")
        return tuple(value)

    def error(self, name: str, message: str) -> SalesmetricsError:
        """An ``invalid_option`` error naming ``options.<name>``."""
        return self._bad(name, message)


#: The keys of a check (and, beside them, any key starting with ``x-``, ignored).
CHECK_KEYS = ("metric", "period", "as_of", "by", "options", "scope", "expect", "expect_error")


def refuse_unknown(value: Mapping[Any, Any], known: tuple[str, ...], path: str, code: str,
                   what: str) -> None:
    """Refuse a key of ``value`` that is not ``known`` and does not start with ``x-``.

    A misspelt key (``as_off``) would otherwise be dropped without a word.

    >>> refuse_unknown({"start": 1, "x-note": 2}, ("start", "end"), "period", "invalid_period",
    ...                "a period")
    >>> refuse_unknown({"tz": 1}, ("start", "end"), "period", "invalid_period", "a period")
    Traceback (most recent call last):
    ...
    salesmetrics.errors.SalesmetricsError: period.tz: unknown key of a period; keys: start, end
    """
    for key in value:
        if not (isinstance(key, str) and (key in known or key.startswith("x-"))):
            raise SalesmetricsError(code, join_path(path, str(key)),
                                    f"unknown key of {what}; keys: {', '.join(known)}")


def parse_period(value: object, path: str = "period") -> Period:
    """A :class:`Period` from ``{"start": ..., "end": ...}``.

    Raises:
        SalesmetricsError: ``invalid_period`` (not an object, a bound missing,
            end not after start) or ``invalid_instant`` (a naive or malformed
            bound, naming ``period.start`` or ``period.end``).
    """
    if not isinstance(value, Mapping):
        raise SalesmetricsError("invalid_period", path,
                                'a period is an object {"start": ..., "end": ...}')
    for key in ("start", "end"):
        if value.get(key) is None:
            raise SalesmetricsError("invalid_period", path, f"the period has no {key!r}")
    refuse_unknown(value, ("start", "end"), path, "invalid_period", "a period")
    start = parse_instant(value["start"], f"{path}.start")
    end = parse_instant(value["end"], f"{path}.end")
    if end <= start:
        raise SalesmetricsError("invalid_period", path, "the period's end must be after its start")
    return Period(start, end)


def parse_check(raw: object, path: str = "") -> Check:
    """Parse and validate one check (not its ``expect``).

    Validates the metric name, the period (required exactly by the metrics that
    count over one), ``as_of``, ``by``, the option names and the required
    options, and ``scope``. Option values are validated by each metric.

    Raises:
        SalesmetricsError: with a path inside the check (``period``,
            ``options.at``, ``by``, ``metric``).
    """
    if not isinstance(raw, Mapping):
        raise SalesmetricsError("invalid_value", path, "a check is a JSON object")
    metric = raw.get("metric")
    if not isinstance(metric, str) or metric not in METRICS:
        raise SalesmetricsError(
            "invalid_option", "metric",
            f"unknown metric {metric!r}; known: {', '.join(sorted(METRICS))}",
        )
    spec = METRICS[metric]
    refuse_unknown(raw, CHECK_KEYS, path, "invalid_option", "a check")

    period: Period | None = None
    if spec.needs_period:
        if raw.get("period") is None:
            raise SalesmetricsError(
                "invalid_period", "period",
                f'{metric} counts over a period: give "period": {{"start": ..., "end": ...}}',
            )
        period = parse_period(raw["period"])
    elif raw.get("period") is not None:
        raise SalesmetricsError(
            "invalid_period", "period",
            f"{metric} is taken at an instant or over given intervals: it takes no period",
        )

    as_of = None if raw.get("as_of") is None else parse_instant(raw["as_of"], "as_of")

    by = raw.get("by")
    if by is not None and (not isinstance(by, str) or by not in spec.by):
        allowed = ", ".join(spec.by) if spec.by else "none"
        raise SalesmetricsError("invalid_option", "by",
                                f"{metric} cannot be grouped by {by!r} (allowed: {allowed})")

    options = raw.get("options")
    if options is None:
        options = {}
    if not isinstance(options, Mapping):
        raise SalesmetricsError("invalid_option", "options", "options must be a JSON object")
    for name in options:
        if name not in spec.options:
            allowed = ", ".join(spec.options) if spec.options else "none"
            raise SalesmetricsError("invalid_option", f"options.{name}",
                                    f"{metric} has no option {name!r} (options: {allowed})")
    for name in spec.required:
        if options.get(name) is None:
            raise SalesmetricsError("invalid_option", f"options.{name}",
                                    f"{metric} needs the option {name!r}")

    scope_user: str | None = None
    scope = raw.get("scope")
    if scope is not None:
        if not isinstance(scope, Mapping) or not isinstance(scope.get("user"), str):
            raise SalesmetricsError("invalid_option", "scope",
                                    'scope is {"user": <user id>}')
        refuse_unknown(scope, ("user",), "scope", "invalid_option", "a scope")
        scope_user = scope["user"]

    return Check(metric=metric, period=period, as_of=as_of, by=by, options=dict(options),
                 scope_user=scope_user)
