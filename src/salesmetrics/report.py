"""``salesmetrics report``: every implemented metric of a dataset as tables.

The report computes each metric over ``--period`` (and the previous period of
the same length, shown beside each number as a variation), grouped by team or
by user, and prints aligned text tables, JSON or CSV (cells never start a
spreadsheet formula). It goes through the same adapters as the conformance
runner, so the numbers are exactly those the fixtures specify.

>>> from salesmetrics.report import format_change
>>> format_change(12, 10), format_change(3, 3), format_change(1, 0), format_change(None, 2)
('+20%', '=', '', '')
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from salesmetrics._time import parse_instant
from salesmetrics.dataset import Dataset
from salesmetrics.errors import SalesmetricsError
from salesmetrics.metrics.table import TABLE, ReportSection
from salesmetrics.period import Period
from salesmetrics.results import csv_text, safe_cell, to_jsonable
from salesmetrics.spec.check import Check
from salesmetrics.spec.registry import NotImplementedMetric, adapter_for

__all__ = ["SECTIONS", "add_arguments", "build_report", "format_change", "run"]


#: The report's sections, in table order: every metric of the table with a report section.
SECTIONS: tuple[tuple[str, ReportSection], ...] = tuple(
    (m.name, m.report) for m in TABLE.values() if m.report is not None)


def format_change(current: Any, previous: Any) -> str:
    """The variation of a number against the previous period, as text.

    ``=`` when equal; a signed percentage otherwise; empty when it has no
    meaning (previous 0 or N/A, or not numbers).
    """
    numeric = (int, float)
    if (not isinstance(current, numeric) or not isinstance(previous, numeric)
            or isinstance(current, bool) or isinstance(previous, bool)):
        return ""
    if current == previous:
        return "="
    if previous == 0:
        return ""
    return f"{(current - previous) / previous:+.0%}"


def _cell(value: Any) -> str:
    if value is None:
        return "N/A"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 1 and value != 0 else f"{value:,.1f}"
    return str(value)


def build_report(
    dataset: Dataset,
    *,
    period: Period,
    as_of: datetime | None = None,
    by: str = "team",
    compare: bool = True,
) -> list[dict[str, Any]]:
    """Compute every report section: a list of ``{title, metric, by, rows, error}``.

    Each row is ``{group, <column>: value, <column>_previous: value}``; a section
    whose metric is not implemented or failed carries its error message instead.
    """
    out: list[dict[str, Any]] = []
    for metric, section in SECTIONS:
        grouping = section.by_team if by == "team" else section.by_user
        entry: dict[str, Any] = {"title": section.title, "metric": metric,
                                 "by": grouping, "columns": list(section.columns),
                                 "rows": [], "error": None}
        out.append(entry)
        if grouping is None:
            entry["error"] = f"not available by {by}"
            continue
        try:
            adapter = adapter_for(metric)
            current = adapter(dataset, Check(metric, period=period, as_of=as_of, by=grouping))
            previous = (adapter(dataset, Check(metric, period=period.previous(), as_of=as_of,
                                               by=grouping))
                        if compare else {})
        except NotImplementedMetric:
            entry["error"] = f"not implemented: {metric}"
            continue
        except SalesmetricsError as exc:
            entry["error"] = str(exc)
            continue
        current = to_jsonable(current)
        previous = to_jsonable(previous)
        for group in sorted(current):
            values = current[group]
            before = previous.get(group, {}) if isinstance(previous, Mapping) else {}
            row: dict[str, Any] = {"group": group}
            for col in section.columns:
                row[col] = values.get(col)
                if compare:
                    row[f"{col}_previous"] = before.get(col)
            entry["rows"].append(row)
    return out


def _render_table(entry: Mapping[str, Any], compare: bool) -> str:
    title = f"{entry['title']} (by {entry['by']})" if entry["by"] else entry["title"]
    if entry["error"]:
        return f"{title}\n  {entry['error']}\n"
    columns: list[str] = entry["columns"]
    header = [entry["by"] or "group", *columns]
    lines = [header]
    for row in entry["rows"]:
        cells = [str(row["group"])]
        for col in columns:
            text = _cell(row[col])
            if compare and col != "last_activity":
                change = format_change(row[col], row.get(f"{col}_previous"))
                if change:
                    text = f"{text} ({change})"
            cells.append(text)
        lines.append(cells)
    widths = [max(len(r[i]) for r in lines) for i in range(len(header))]
    rendered = [title]
    for j, r in enumerate(lines):
        rendered.append("  " + "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths,
                                                                                strict=True))
        ))
        if j == 0:
            rendered.append("  " + "  ".join("-" * w for w in widths))
    if not entry["rows"]:
        rendered.append("  (no groups)")
    return "\n".join(rendered) + "\n"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``report`` arguments to an argparse (sub)parser."""
    parser.add_argument("file", help="dataset: a .json file, a .jsonl file or a folder of CSVs")
    parser.add_argument("--period", nargs=2, metavar=("START", "END"), required=True,
                        help="ISO 8601 instants with an offset; the period is [START, END)")
    parser.add_argument("--as-of", dest="as_of", default=None,
                        help="read data up to this instant (default: everything)")
    parser.add_argument("--by", choices=("team", "user"), default="team")
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    parser.add_argument("--no-compare", dest="compare", action="store_false",
                        help="do not compute the previous period")


def _load(path: str) -> Dataset:
    from salesmetrics import load as loaders

    loader = getattr(loaders, "load", None)
    if loader is not None:
        result = loader(path)
        return result[0] if isinstance(result, tuple) else result  # type: ignore[no-any-return]
    return loaders.load_json(path)


def run(args: argparse.Namespace, out: Any = None) -> int:
    """Run the report for parsed arguments; return the exit code."""
    out = out or sys.stdout
    try:
        period = Period(parse_instant(args.period[0], "--period START"),
                        parse_instant(args.period[1], "--period END"))
        as_of = parse_instant(args.as_of, "--as-of") if args.as_of else None
        dataset = _load(args.file)
    except SalesmetricsError as exc:
        print(f"salesmetrics report: {exc}", file=sys.stderr)
        errors: Sequence[SalesmetricsError] = getattr(exc, "errors", ())
        for more in list(errors)[1:10]:
            print(f"  {more}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"salesmetrics report: {exc}", file=sys.stderr)
        return 2
    report = build_report(dataset, period=period, as_of=as_of, by=args.by,
                          compare=args.compare)
    if args.format == "json":
        json.dump({"period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
                   "as_of": as_of.isoformat() if as_of else None, "by": args.by,
                   "sections": report}, out, indent=2, ensure_ascii=False)
        out.write("\n")
    elif args.format == "csv":
        rows = []
        for entry in report:
            for row in entry["rows"]:
                for col in entry["columns"]:
                    rows.append({"section": entry["metric"], "by": entry["by"],
                                 "group": row["group"], "key": col, "value": row[col],
                                 "previous": row.get(f"{col}_previous"),
                                 "change": format_change(row[col], row.get(f"{col}_previous"))})
        out.write(csv_text(rows, ["section", "by", "group", "key", "value", "previous",
                                  "change"]))
    else:
        out.write(f"salesmetrics report: {safe_cell(args.file)}\n"
                  f"period [{period.start.isoformat()}, {period.end.isoformat()})"
                  + (f", as of {as_of.isoformat()}" if as_of else "")
                  + (" — variation against the previous period in brackets\n\n"
                     if args.compare else "\n\n"))
        for entry in report:
            out.write(_render_table(entry, args.compare) + "\n")
    return 0
