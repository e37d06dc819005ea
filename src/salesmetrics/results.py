"""Shared pieces of every metric result: statistics, N/A, JSON and CSV conversion.

Every metric is computed as per-item facts (rows) → partial aggregates that
merge associatively → a final result. The helpers here are the one place where
N/A, means, medians, percentiles, rates and exports are decided:

* N/A is ``None``; ``rate(0, 0)`` is ``None``, never a warning;
* medians of an even count are the mean of the two middle values;
* ``p90`` uses linear interpolation between closest ranks (``inclusive``);
* exported cells never start a spreadsheet formula.

>>> rate(1, 2), rate(0, 0)
(0.5, None)
>>> mean([1, 2, 4]), median([1, 2, 3, 4]), median([])
(2.3333333333333335, 2.5, None)
>>> safe_cell("=SUM(A1)"), safe_cell("-3"), safe_cell(-3)
("'=SUM(A1)", "'-3", -3)
"""

from __future__ import annotations

import csv
import enum
import io
import math
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Protocol

import attrs

__all__ = [
    "RowsExport",
    "csv_text",
    "mean",
    "median",
    "percentile",
    "rate",
    "safe_cell",
    "to_jsonable",
]


def rate(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator``, or None (N/A) when the denominator is 0."""
    if denominator == 0:
        return None
    return numerator / denominator


def mean(values: Sequence[float]) -> float | None:
    """The arithmetic mean, or None for no values."""
    if not values:
        return None
    return math.fsum(values) / len(values)


def median(values: Sequence[float]) -> float | None:
    """Python's ``statistics.median`` (mean of the middle two), or None for no values."""
    if not values:
        return None
    return float(statistics.median(values))


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0–100), linear between closest ranks; None for no values.

    >>> percentile([10, 20, 30, 40, 50], 90)
    46.0
    >>> percentile([7], 90)
    7.0
    """
    if not values:
        return None
    s = sorted(values)
    if len(s) == 1:
        return float(s[0])
    pos = (len(s) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(s) - 1)
    return float(s[lo] + (s[hi] - s[lo]) * (pos - lo))


def to_jsonable(value: Any) -> Any:
    """A value as JSON-able data: attrs classes → dicts, instants → ISO strings.

    Enums become their values, tuples and sets lists, mappings dicts with
    string keys; floats that are whole stay floats.

    >>> from datetime import timezone
    >>> to_jsonable({"at": datetime(2026, 3, 2, tzinfo=timezone.utc), "n": (1, 2)})
    {'at': '2026-03-02T00:00:00+00:00', 'n': [1, 2]}
    """
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if attrs.has(type(value)):
        return {k: to_jsonable(v) for k, v in attrs.asdict(value, recurse=False).items()}
    if isinstance(value, Mapping):
        return {str(to_jsonable(k)): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return [to_jsonable(v) for v in items]
    raise TypeError(f"cannot convert {type(value).__name__} to JSON")


#: What starts a spreadsheet formula, and what starts a line (``str.splitlines``).
FORMULA_STARTS = "=+-@\t\r"
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def line_starts(chars: str) -> re.Pattern[str]:
    """The empty matches at each line start of a text that is followed by one of ``chars``."""
    return re.compile(f"(?:^|(?<=[{re.escape(LINE_BREAKS)}]))(?=[{re.escape(chars)}])")


_FORMULA_LINE = line_starts(FORMULA_STARTS)


def safe_cell(value: Any) -> Any:
    """A CSV/Excel cell none of whose lines starts a spreadsheet formula.

    An apostrophe is put before ``=``, ``+``, ``-``, ``@``, tab or carriage
    return at the start of the text *and after every line break in it* (a
    reader that splits rows on a bare ``\\r`` would otherwise see a row
    starting ``=1+1``); numbers are left as they are.

    >>> safe_cell("Team\\r=1+1")
    "Team\\r'=1+1"
    """
    if isinstance(value, str) and value:
        return _FORMULA_LINE.sub("'", value)
    return value


def csv_text(rows: Iterable[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """Rows as CSV text with a header, every cell neutralised by :func:`safe_cell`.

    >>> print(csv_text([{"team": "=A", "rate": 0.5}]), end="")
    team,rate
    '=A,0.5
    """
    rows = list(rows)
    if columns is None:
        seen: dict[str, None] = {}
        for r in rows:
            for k in r:
                seen.setdefault(k, None)
        columns = list(seen)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([safe_cell(c) for c in columns])
    for r in rows:
        cells = []
        for c in columns:
            v = to_jsonable(r.get(c))
            cells.append("" if v is None else safe_cell(v if not isinstance(v, list | dict)
                                                        else str(v)))
        writer.writerow(cells)
    return buf.getvalue()


class _HasRows(Protocol):
    def to_rows(self) -> list[dict[str, Any]]: ...


class RowsExport:
    """Mixin for results with drill-down rows: export them as formula-safe CSV.

    A result class that defines ``to_rows()`` (one JSON-able dict per row)
    gets ``csv()``; every cell goes through :func:`safe_cell`.
    """

    __slots__ = ()

    def csv(self: _HasRows) -> str:
        """The drill-down rows (``to_rows()``) as CSV text with a header."""
        return csv_text(self.to_rows())
