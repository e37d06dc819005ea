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
import os
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Protocol

import attrs

__all__ = [
    "RowsExport",
    "XlsxSheet",
    "csv_text",
    "mean",
    "median",
    "percentile",
    "rate",
    "require",
    "safe_cell",
    "to_jsonable",
    "write_xlsx_sheets",
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
        # a field with metadata {"omit_none": True} appears only when set
        return {a.name: to_jsonable(getattr(value, a.name)) for a in attrs.fields(type(value))
                if not (a.metadata.get("omit_none") and getattr(value, a.name) is None)}
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


def require(module: str, extra: str) -> None:
    """Check that an optional dependency is installed, before a long computation needs it.

    Raises:
        ModuleNotFoundError: it is not, with the ``pip install`` line of its extra.

    >>> require("json", "none")
    >>> require("no_such_module_here", "plot")
    Traceback (most recent call last):
    ...
    ModuleNotFoundError: this needs no_such_module_here: pip install 'salesmetrics[plot]'
    """
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise ModuleNotFoundError(f"this needs {module}: pip install 'salesmetrics[{extra}]'",
                                  name=module)


# -- Excel ---------------------------------------------------------------------

#: Excel number formats by kind of value (durations are stored as days).
XLSX_FORMATS: Mapping[str, str] = {
    "count": "#,##0",
    "seconds": "[h]:mm:ss",
    "rate": "0.0%",
    "change": "+0%;-0%;0%",
    "points": '+0.0" pts";-0.0" pts";0" pts"',
    "instant": "yyyy-mm-dd hh:mm",
}


@attrs.frozen
class XlsxSheet:
    """One worksheet: a header, rows of cells, how each column is shown, an optional total.

    ``kinds`` names each column's kind: ``text``, ``count``, ``seconds``
    (a duration, shown as ``[h]:mm:ss``), ``rate`` (a fraction), ``change`` (a relative change as a
    fraction), ``points`` (a difference of fractions, shown in percentage
    points) or ``instant`` (a datetime, shown in its own local time).
    """

    title: str
    header: Sequence[str]
    kinds: Sequence[str]
    rows: Sequence[Sequence[Any]]
    total: Sequence[Any] | None = None
    note: str | None = None


#: Widths of the text Excel shows for numbers with a format (``123:45:06``, ``+17%``, a date-time).
_SHOWN_WIDTH = {"seconds": 10, "instant": 17, "rate": 7, "change": 6, "points": 10}

_BAD_TITLE = str.maketrans({c: " " for c in "[]:*?/\\"})


def _sheet_title(title: str, used: set[str]) -> str:
    base = title.translate(_BAD_TITLE).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.casefold() in used:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(name.casefold())
    return name


def _xlsx_value(kind: str, value: Any) -> Any:
    """A cell's value as stored: text formula-safe, durations in days, points as points."""
    if value is None:
        return None
    if kind == "text" or isinstance(value, str):
        return safe_cell(str(value))
    if kind == "seconds":
        return value / 86400
    if kind == "points":
        return value * 100
    if kind == "instant" and isinstance(value, datetime):
        return value.replace(tzinfo=None)  # Excel has no offsets: the local time as recorded
    return value


def write_xlsx_sheets(sheets: Sequence[XlsxSheet], path: str | os.PathLike[str]) -> None:
    """Write sheets to an Excel workbook (needs openpyxl: the ``excel`` extra).

    Every text cell goes through :func:`safe_cell` and is stored as text;
    numbers stay numbers with the number format of their kind; the header is
    bold and frozen, the total (if any) bold on the last line, columns sized
    to their content.

    Raises:
        ModuleNotFoundError: openpyxl is not installed (the message says how to install it).
    """
    require("openpyxl", "excel")
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    used: set[str] = set()
    bold = Font(name="Calibri", size=11, bold=True)  # the default font, bold
    right = Alignment(horizontal="right")
    for sheet in sheets:
        ws = book.create_sheet(_sheet_title(sheet.title, used))
        widths = [len(str(h)) for h in sheet.header]
        lines: list[tuple[Sequence[Any], bool]] = [(sheet.header, True)]
        lines += [(row, False) for row in sheet.rows]
        if sheet.total is not None:
            lines.append((sheet.total, True))
        for r, (cells, strong) in enumerate(lines, start=1):
            for c, value in enumerate(cells, start=1):
                kind = "text" if r == 1 else sheet.kinds[c - 1]
                stored = _xlsx_value(kind, value)
                cell = ws.cell(row=r, column=c, value=stored)
                if isinstance(stored, str):
                    cell.data_type = "s"  # text, never a formula
                elif kind in XLSX_FORMATS and stored is not None:
                    cell.number_format = XLSX_FORMATS[kind]
                if strong:
                    cell.font = bold
                if r == 1 and sheet.kinds[c - 1] != "text":
                    cell.alignment = right  # a number's header sits over it
                shown = (len(str(value)) if isinstance(stored, str)
                         else _SHOWN_WIDTH[kind] if kind in _SHOWN_WIDTH
                         else len(f"{stored:,}") if isinstance(stored, int | float) else 0)
                widths[c - 1] = max(widths[c - 1], shown)
        if sheet.note:
            ws.cell(row=len(lines) + 2, column=1, value=safe_cell(sheet.note)).data_type = "s"
        ws.freeze_panes = "B2" if len(sheet.header) > 1 else "A2"
        # printed: landscape, one page wide, the header repeated on every page
        ws.page_setup.orientation = "landscape"
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.print_title_rows = "1:1"
        for c, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(c)].width = min(max(w, 6) + 2, 60)
    book.save(os.fspath(path))
