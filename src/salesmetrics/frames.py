"""Results as pandas DataFrames, and as a compact HTML table for notebooks.

:func:`to_frame` gives one row per group (the index named after ``by``), or
one row for the overall result when a metric is not grouped; :func:`rows_frame`
gives the drill-down rows. Columns are typed from the attrs annotations of the
summary (or row) class, whatever the metric:

* ``int``: ``Int64`` (nullable integers);
* ``float``: ``float64`` (durations in seconds, rates as fractions);
* ``datetime``: ``datetime64[ns, UTC]`` (``datetime64[us, UTC]`` for a column
  with an instant outside 1677–2262);
* ``bool``: ``boolean``;
* ``str`` and string enums: ``string``;
* anything else (mappings, tuples): ``object``, the values as they are.

N/A (``None``) is missing (``<NA>``, ``NaN``, ``NaT``). pandas is an optional
extra (``pip install 'salesmetrics[pandas]'``), imported when a frame is made.

>>> from datetime import datetime
>>> from salesmetrics.load import from_dict
>>> from salesmetrics.metrics import response_rate
>>> from salesmetrics.period import Period
>>> ds = from_dict({"teams": [{"id": "A"}, {"id": "B"}], "threads": [{"id": "t", "team": "A"}],
...     "messages": [{"thread": "t", "at": "2026-03-02T09:00:00+00:00", "direction": "in"},
...                  {"thread": "t", "at": "2026-03-02T09:05:00+00:00", "direction": "out"}]})
>>> week = Period(datetime.fromisoformat("2026-03-02T00:00:00+00:00"),
...               datetime.fromisoformat("2026-03-09T00:00:00+00:00"))
>>> result = response_rate(ds, period=week, by="team")
>>> to_frame(result)  # doctest: +NORMALIZE_WHITESPACE
      contacts  answered  answered_by_any  rate
team
A            1         1                1   1.0
B            0         0                0   NaN
>>> to_frame(result).dtypes.astype(str).to_dict()
{'contacts': 'Int64', 'answered': 'Int64', 'answered_by_any': 'Int64', 'rate': 'float64'}
>>> rows_frame(result)[["thread", "opened_at", "answered", "closed_by"]]
  thread                 opened_at  answered    closed_by
0      t 2026-03-02 09:00:00+00:00      True  messages[1]
"""

from __future__ import annotations

import enum
import html
import importlib
import types
import typing
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import attrs

from salesmetrics.errors import SalesmetricsError

if TYPE_CHECKING:
    import pandas as pd

    from salesmetrics.metrics._partial import Result

__all__ = ["html_table", "rows_frame", "short_repr", "to_frame", "unit_of"]

#: How many groups :func:`html_table` shows before saying how many more there are.
HTML_MAX_GROUPS = 50

_TIME_WIDE = "datetime64[us, UTC]"
_INT, _FLOAT, _TIME, _BOOL, _STR, _OBJ = (
    "Int64", "float64", "datetime64[ns, UTC]", "boolean", "string", "object")


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("DataFrames need pandas: pip install 'salesmetrics[pandas]'") from None
    return pandas


def _dtype_of(annotation: Any) -> str:
    """The column dtype of a field annotation (a type, or its text when it does not resolve)."""
    if isinstance(annotation, str):
        return _dtype_of_text(annotation)
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _dtype_of(args[0])
        kinds = {_dtype_of(a) for a in args}
        return _FLOAT if kinds <= {_INT, _FLOAT} else _OBJ
    if origin is typing.Literal:
        values = typing.get_args(annotation)
        return _STR if all(isinstance(v, str) for v in values) else _OBJ
    if origin is not None or not isinstance(annotation, type):
        return _OBJ
    if issubclass(annotation, bool):
        return _BOOL
    if issubclass(annotation, enum.Enum):
        return _STR if issubclass(annotation, str) else _OBJ
    if issubclass(annotation, int):
        return _INT
    if issubclass(annotation, float):
        return _FLOAT
    if issubclass(annotation, datetime):
        return _TIME
    if issubclass(annotation, str):
        return _STR
    return _OBJ


def _dtype_of_text(text: str) -> str:
    parts = [p.strip() for p in text.split("|") if p.strip() not in ("None", "")]
    simple = {"int": _INT, "float": _FLOAT, "bool": _BOOL, "str": _STR, "datetime": _TIME}
    if len(parts) == 1 and parts[0] in simple:
        return simple[parts[0]]
    return _OBJ


def _columns(cls: type) -> list[tuple[str, str]]:
    """(field, dtype) of an attrs class, from its annotations."""
    try:
        hints: Mapping[str, Any] = typing.get_type_hints(cls)
    except Exception:  # an annotation that names what its module only imports to type-check
        hints = {}
    return [(f.name, _dtype_of(hints.get(f.name, f.type if f.type is not None else "object")))
            for f in attrs.fields(cls)]


def _column(pd: Any, values: list[Any], dtype: str) -> Any:
    if dtype == _TIME:
        try:
            return pd.Series(pd.to_datetime(values, utc=True)).astype(_TIME).array
        except (OverflowError, pd.errors.OutOfBoundsDatetime):  # beyond 1677..2262
            utc = [None if v is None else v.astimezone(UTC) for v in values]
            return pd.Series(utc, dtype=_TIME_WIDE).array
    if dtype == _STR:
        values = [v.value if isinstance(v, enum.Enum) else v for v in values]
    if dtype == _OBJ:
        out = pd.array([None] * len(values), dtype=object)
        for i, v in enumerate(values):
            out[i] = v
        return out
    return pd.array(values, dtype=dtype)


def _frame(items: Sequence[Any], cls: type | None, index: Any) -> pd.DataFrame:
    pd = _pandas()
    if cls is None:
        return pd.DataFrame(index=index)
    data = {name: _column(pd, [getattr(item, name) for item in items], dtype)
            for name, dtype in _columns(cls)}
    return pd.DataFrame(data, index=index)


def _summary_class(result: Result[Any, Any]) -> type:
    if result.by is not None and result.groups:
        return type(next(iter(result.groups.values())))
    return type(result.overall)


def _readings(summary: Any) -> Mapping[str, Any] | None:
    """A summary that maps names to summaries (each profile's figures, for
    ``compare_profiles``), else None."""
    if isinstance(summary, Mapping) and summary and all(attrs.has(type(v))
                                                         for v in summary.values()):
        return summary
    return None


def _check_result(result: object) -> None:
    """Refuse what is not a metric's Result (``invalid_value`` at ``result``).

    (By its attributes, so any object shaped like one is read: the Result
    class imports this module.)
    """
    if not all(hasattr(result, a) for a in ("by", "groups", "overall", "rows")):
        raise SalesmetricsError("invalid_value", "result",
                                f"a metric's Result is needed, not {type(result).__name__}")


def to_frame(result: Result[Any, Any]) -> pd.DataFrame:
    """One row per group (index named after ``result.by``), or one row for the overall result.

    Args:
        result: a metric's result.

    Returns:
        A DataFrame with a typed column per field of the summary class (see
        the module's table); with ``by`` None, a single row (index ``0``).
        A summary that maps names to summaries (``compare_profiles``: each
        profile's figures) gives two column levels, ``(name, field)``.
    """
    _check_result(result)
    pd = _pandas()
    summaries = [result.overall] if result.by is None else list(result.groups.values())
    if result.by is None:
        index = pd.RangeIndex(1)
    else:
        index = pd.Index(pd.array([str(k) for k in result.groups], dtype=_STR), name=result.by)
    first = _readings(summaries[0]) if summaries else None
    if first is not None:
        return pd.concat({name: _frame([s[name] for s in summaries], type(value), index)
                          for name, value in first.items()}, axis=1)
    return _frame(summaries, _summary_class(result) if result.by is not None
                  else type(result.overall), index)


def rows_frame(result: Result[Any, Any]) -> pd.DataFrame:
    """The drill-down rows, one per row, typed like :func:`to_frame` (no columns when none)."""
    _check_result(result)
    pd = _pandas()
    cls = type(result.rows[0]) if result.rows else None
    return _frame(result.rows, cls, pd.RangeIndex(len(result.rows)))


# -- notebooks --------------------------------------------------------------------

_SECONDS_NAMES = ("mean", "median", "p90", "p50", "p95", "mean_time", "median_time")


def unit_of(name: str, dtype: str, metric: str | None = None) -> str:
    """The unit a summary field is in: ``s`` (durations), ``%`` (rates) or ``""``.

    The metric table's unit of the field when the table declares it
    (``seconds``, ``rate``); otherwise from its name: durations are
    ``*seconds*``, ``*_time`` and the statistics of a time (``mean``,
    ``median``, ``p90``); rates are ``rate``, ``*_rate`` and ``share``,
    fractions shown as percentages.

    >>> unit_of("avg_call_seconds", "float64"), unit_of("within_24h_rate", "float64")
    ('s', '%')
    >>> unit_of("contacts", "Int64")
    ''
    """
    if dtype not in (_INT, _FLOAT):
        return ""
    declared = _declared_unit(metric, name) if metric else None
    if declared is not None:
        return {"seconds": "s", "rate": "%"}.get(declared, "")
    if name in ("rate", "share") or name.endswith(("_rate", "_share")):
        return "%" if dtype == _FLOAT else ""
    if "seconds" in name or name.endswith("_time") or name in _SECONDS_NAMES:
        return "s"
    return ""


def _declared_unit(metric: str, name: str) -> str | None:
    """The unit the metric table declares for a result field (None: no table or no entry)."""
    try:
        table = importlib.import_module("salesmetrics.metrics.table").TABLE
        return str(table[metric].field(name).unit)
    except Exception:  # no table in this version, or no entry for the metric or field
        return None


def _cell(value: Any, unit: str) -> str:
    if value is None:
        return "N/A"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if unit == "%":
            return f"{value * 100:.1f}%"
        return f"{value:,.1f}" if unit == "s" or abs(value) >= 100 else f"{value:.3g}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        text = ", ".join(f"{k}: {v}" for k, v in value.items())
    elif isinstance(value, list | tuple | set | frozenset):
        return f"{len(value):,} items"
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def html_table(result: Result[Any, Any]) -> str:
    """A compact HTML table of a result: its groups and overall row, units, and how many rows.

    The drill-down rows are counted, not shown; every text is escaped.

    >>> from salesmetrics.metrics import Result
    >>> from salesmetrics.metrics.responses import ResponseRate
    >>> print(html_table(Result("response_rate", None, {}, ResponseRate(4, 3, 3, 0.75), ())))
    <table class="salesmetrics-result">
    <caption>response_rate: overall; 0 drill-down rows (<code>.rows</code>)</caption>
    <thead><tr><th></th><th>contacts</th><th>answered</th><th>answered_by_any</th><th>rate (%)</th></tr></thead>
    <tbody>
    <tr><th>overall</th><td>4</td><td>3</td><td>3</td><td>75.0%</td></tr>
    </tbody>
    </table>
    """
    _check_result(result)
    readings = _readings(result.overall)
    if readings is not None:  # each profile's figures: one column per profile and field
        flat = {f"{name} {f}": (name, f) for name, value in readings.items()
                for f, _ in _columns(type(value))}
        return _html_rows(result, [(label, "float64") for label in flat],
                          lambda summary, label: getattr(summary[flat[label][0]],
                                                         flat[label][1], None),
                          lambda label: unit_of(flat[label][1], "float64", "response_time"))
    cls = _summary_class(result)
    fields = _columns(cls) if attrs.has(cls) else []
    metric = getattr(result, "metric", type(result).__name__)
    return _html_rows(result, fields, lambda summary, name: getattr(summary, name, None),
                      lambda name: unit_of(name, dict(fields)[name], metric))


def _html_rows(result: Result[Any, Any], fields: Sequence[tuple[str, str]],
               value_of: Any, unit: Any) -> str:
    """The HTML table: a header of ``fields`` with units, a row per group shown and overall."""
    esc = html.escape
    metric = getattr(result, "metric", type(result).__name__)
    units = [unit(name) for name, _ in fields]
    heads = [esc(name) + (f" ({esc(u)})" if u else "") for (name, _), u in
             zip(fields, units, strict=True)]
    lines = ['<table class="salesmetrics-result">']
    n_rows = len(result.rows)
    grouping = f"by {result.by}, {len(result.groups):,} groups" if result.by else "overall"
    n_excluded = len(getattr(result, "excluded", ()))
    excluded = f", {n_excluded:,} excluded" if n_excluded else ""
    lines.append(f"<caption>{esc(metric)}: {esc(grouping)}; {n_rows:,} drill-down "
                 f"row{'s' if n_rows != 1 else ''}{excluded} (<code>.rows</code>)</caption>")
    lines.append("<thead><tr><th>" + esc(result.by or "") + "</th>"
                 + "".join(f"<th>{h}</th>" for h in heads) + "</tr></thead>")
    lines.append("<tbody>")
    shown = list(result.groups.items())[:HTML_MAX_GROUPS] if result.by else []

    def row(label: str, summary: Any) -> str:
        cells = "".join(f"<td>{esc(_cell(value_of(summary, name), u))}</td>"
                        for (name, _), u in zip(fields, units, strict=True))
        return f"<tr><th>{esc(label)}</th>{cells}</tr>"

    lines.extend(row(str(k), v) for k, v in shown)
    if len(result.groups) > len(shown) and result.by:
        lines.append(f'<tr><td colspan="{len(fields) + 1}">… {len(result.groups) - len(shown):,}'
                     " more groups (<code>.to_frame()</code>)</td></tr>")
    lines.append(row("overall", result.overall))
    lines.append("</tbody>")
    lines.append("</table>")
    return "\n".join(lines)


def short_repr(result: Result[Any, Any]) -> str:
    """One line: the metric, its grouping, how many groups and drill-down rows.

    >>> from salesmetrics.metrics import Result
    >>> from salesmetrics.metrics.responses import ResponseRate
    >>> one = ResponseRate(1, 1, 1, 1.0)
    >>> short_repr(Result("response_rate", "team", {"A": one}, one, ()))
    "Result(metric='response_rate', by='team', groups=1, rows=0)"
    """
    _check_result(result)
    metric = getattr(result, "metric", type(result).__name__)
    return (f"Result(metric={metric!r}, by={result.by!r}, groups={len(result.groups)}, "
            f"rows={len(result.rows)})")
