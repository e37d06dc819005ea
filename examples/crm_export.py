"""The week's team report from your CRM database, exported for the people who read it.

Copy this script and adapt it. It

1. reads your data from a database with ``salesmetrics.load.from_sql``: a
   sqlite file (``--sqlite crm.db``) or PostgreSQL (``--dsn postgresql://…``,
   needs ``pip install 'salesmetrics[postgres]'``), one table per section
   (``teams``, ``users``, ``threads``, ``messages``, ``leads``, ``conversions``,
   ``activities``, ``calendars``…, the columns of the CSV-folder format), or your
   own tables through ``--queries queries.json`` (a section → SQL mapping,
   each query returning the format's column names with ``AS``);
2. computes the week's report (``salesmetrics.report.build_report``: every
   metric, by team or by user, against the week before);
3. writes, into ``--out``:

   * ``report.txt``: the tables a manager reads (names, ``1h 05m``, percentages);
   * ``report.csv``: the same numbers as numbers, one line per section, group
     and number (``report_csv``);
   * ``report.xlsx``: one sheet per section (``write_xlsx``; needs
     ``salesmetrics[excel]``, skipped with a note without it);
   * ``by_team.csv``: one row per team, the week's conversation and lead
     figures side by side (``Result.to_frame``; needs ``salesmetrics[pandas]``);
   * ``teams/<team>.csv``: each team's first responses of the week, one row per
     conversation, the rows behind its numbers (``Result.rows_frame``).

``--demo`` builds a sqlite database (``demo.db`` in ``--out``) from the
example dataset that ships with the package and reports its second week, so
the script runs out of the box::

    python examples/crm_export.py --demo --out weekly/
    python examples/crm_export.py --sqlite crm.db --week 2026-03-09 --timezone Europe/Paris --out weekly/
    python examples/crm_export.py --dsn postgresql://reader@db.example/crm --out weekly/

Without ``--week`` the report covers the last complete week (Monday to
Monday in ``--timezone``) before today. Timestamps stored without an offset
need ``--naive-timezone`` (the zone they were written in). Exit status: 0
written; 2 bad arguments, unreadable database or invalid data (each error
with its place, e.g. ``messages[3].at``; ``--lenient`` skips invalid records
and lists them); 3 nothing happened in the week.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from salesmetrics.dataset import Dataset
from salesmetrics.errors import SalesmetricsError
from salesmetrics.examples import EXAMPLE_PERIOD, example_path
from salesmetrics.load import from_sql
from salesmetrics.metrics import lead_response_time, response_rate, response_time
from salesmetrics.period import Period
from salesmetrics.report import (
    EXIT_NO_DATA,
    Report,
    build_report,
    period_has_data,
    render_table,
    report_csv,
    write_xlsx,
)

PROG = "crm_export"


# -- 1. the database -------------------------------------------------------------------


def demo_database(path: Path) -> Path:
    """A sqlite database holding the bundled example, one table per section of the CSV format.

    Every column is TEXT except the booleans (0/1 INTEGER) and
    ``duration_seconds`` (REAL); smart-list members are ``;``-separated ids,
    each lead's conversions are rows of ``conversions`` and the calendars are
    rows of ``calendars`` (``id``, ``definition`` as JSON text).
    """
    data = json.loads(example_path().read_text(encoding="utf-8"))
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    try:
        for section, records in data.items():
            if section == "calendars":
                continue
            columns = sorted({key for rec in records for key in rec if key != "conversions"})
            con.execute(f"CREATE TABLE {section} "
                        f"({', '.join(f'{_quote(c)} {_sqlite_type(c)}' for c in columns)})")
            con.executemany(f"INSERT INTO {section} ({', '.join(map(_quote, columns))}) "
                            f"VALUES ({', '.join('?' * len(columns))})",
                            [tuple(_cell(rec.get(c)) for c in columns) for rec in records])
        con.execute('CREATE TABLE conversions (lead TEXT, kind TEXT, "at" TEXT)')
        con.executemany("INSERT INTO conversions VALUES (?, ?, ?)",
                        [(lead["id"], c["kind"], c["at"]) for lead in data["leads"]
                         for c in lead.get("conversions", ())])
        con.execute("CREATE TABLE calendars (id TEXT, definition TEXT)")
        con.executemany("INSERT INTO calendars VALUES (?, ?)",
                        [(cid, json.dumps(body)) for cid, body in data["calendars"].items()])
        con.commit()
    finally:
        con.close()
    return path


def _quote(column: str) -> str:
    return f'"{column}"'  # "user", "end" and "at" are SQL keywords


def _sqlite_type(column: str) -> str:
    if column in ("completed", "automated", "answered"):
        return "INTEGER"
    return "REAL" if column == "duration_seconds" else "TEXT"


def _cell(value: Any) -> Any:
    """A JSON value as a sqlite cell: booleans 0/1, id lists ``;``-separated."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, list):
        return ";".join(value)
    return value


def connect(args: argparse.Namespace) -> Any:
    """A DB-API connection: PostgreSQL for ``--dsn``, else the sqlite file, opened read-only."""
    if args.dsn:
        try:
            import psycopg
        except ImportError:
            raise ModuleNotFoundError("--dsn needs psycopg: pip install 'salesmetrics[postgres]'"
                                      ) from None
        return psycopg.connect(args.dsn)
    path = Path(args.sqlite)
    if not path.is_file():
        raise SalesmetricsError("invalid_value", "--sqlite", f"no such database file: {path}")
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def read_dataset(args: argparse.Namespace) -> Dataset:
    """The dataset from the database; with ``--lenient``, invalid records are skipped and listed."""
    queries = json.loads(Path(args.queries).read_text(encoding="utf-8")) if args.queries else None
    con = connect(args)
    try:
        if not args.lenient:
            return from_sql(con, queries=queries, naive_timezone=args.naive_timezone)
        dataset, skipped = from_sql(con, queries=queries, naive_timezone=args.naive_timezone,
                                    strict=False)
    finally:
        con.close()
    for s in skipped.skipped:
        print(f"{PROG}: skipped {s.path}: {s.code}: {s.message}", file=sys.stderr)
    return dataset


# -- 2. the week -------------------------------------------------------------------------


def week_of(day: date | None, zone: str) -> Period:
    """Monday 00:00 to the next Monday in ``zone``: the week of ``day``, or the last complete one."""
    tz = ZoneInfo(zone)
    if day is None:  # the script reads the clock; the metric functions never do
        day = datetime.now(tz).date() - timedelta(weeks=1)
    monday = day - timedelta(days=day.weekday())
    return Period(datetime.combine(monday, time(), tz),
                  datetime.combine(monday + timedelta(weeks=1), time(), tz))


# -- 3. the exports ----------------------------------------------------------------------


def team_frames(dataset: Dataset, week: Period) -> tuple[Any, dict[str, Any]]:
    """One row per team (response rate, first response, lead response) and each team's conversations."""
    import pandas as pd

    rate = response_rate(dataset, period=week, by="team").to_frame()
    first = response_time(dataset, period=week, by="team")
    leads = lead_response_time(dataset, period=week, by="team").to_frame()
    by_team = pd.concat([
        rate[["contacts", "answered", "rate"]].add_prefix("response_"),
        first.to_frame()[["count", "median", "p90"]].add_prefix("first_response_"),
        leads[["leads", "responded", "median", "within_24h_rate"]].add_prefix("lead_"),
    ], axis=1)
    by_team.insert(0, "name", pd.Series({t.id: t.name or t.id for t in dataset.teams}))
    rows = first.rows_frame()
    return by_team, {team: rows[rows["team"] == team].reset_index(drop=True)
                     for team in by_team.index}


def export(report: Report, dataset: Dataset, out: Path, *, source: str) -> list[Path]:
    """Write the report and the team frames into ``out``; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "report.txt", out / "report.csv"]
    written[0].write_text(render_table(report, source=source) + "\n", encoding="utf-8")
    written[1].write_text(report_csv(report), encoding="utf-8", newline="")
    try:
        write_xlsx(report, out / "report.xlsx", source=source)
        written.append(out / "report.xlsx")
    except ModuleNotFoundError as exc:
        print(f"{PROG}: report.xlsx not written: {exc}", file=sys.stderr)
    try:
        by_team, conversations = team_frames(dataset, report.period)
    except ModuleNotFoundError as exc:
        print(f"{PROG}: team frames not written: {exc}", file=sys.stderr)
        return written
    by_team.to_csv(out / "by_team.csv", index_label="team")
    written.append(out / "by_team.csv")
    (out / "teams").mkdir(exist_ok=True)
    for team, frame in conversations.items():
        path = out / "teams" / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', team)}.csv"
        frame.to_csv(path, index=False)
        written.append(path)
    return written


# -- the command line ----------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--sqlite", metavar="FILE", help="a sqlite database file (opened read-only)")
    source.add_argument("--dsn", help="a PostgreSQL connection string (psycopg)")
    source.add_argument("--demo", action="store_true",
                        help="build a sqlite database from the bundled example and report its second week")
    parser.add_argument("--queries", metavar="FILE.json",
                        help="section → SQL returning the format's columns (default: one table per section)")
    parser.add_argument("--week", type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="a day of the week to report (default: the last complete week)")
    parser.add_argument("--timezone", default="UTC", help="where weeks start on Monday 00:00 (default UTC)")
    parser.add_argument("--naive-timezone", metavar="ZONE",
                        help="the zone of timestamps stored without an offset")
    parser.add_argument("--by", choices=("team", "user"), default="team")
    parser.add_argument("--lenient", action="store_true", help="skip invalid records, listing them")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="where to write")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.demo:
            args.out.mkdir(parents=True, exist_ok=True)
            args.sqlite = str(demo_database(args.out / "demo.db"))
            week = EXAMPLE_PERIOD if args.week is None else week_of(args.week, args.timezone)
        else:
            week = week_of(args.week, args.timezone)
        dataset = read_dataset(args)
        if not period_has_data(dataset, week):
            print(f"{PROG}: nothing happened from {week.start.isoformat()} to "
                  f"{week.end.isoformat()}: no report written (check --week and --timezone)",
                  file=sys.stderr)
            return EXIT_NO_DATA
        report = build_report(dataset, period=week, by=args.by)
        source = "demo database" if args.demo else (args.sqlite or "PostgreSQL")
        written = export(report, dataset, args.out, source=source)
    except SalesmetricsError as exc:
        for err in getattr(exc, "errors", None) or [exc]:
            print(f"{PROG}: {err.path}: {err.code}: {err.message}", file=sys.stderr)
        return 2
    except (ModuleNotFoundError, ZoneInfoNotFoundError, ValueError, OSError, sqlite3.Error) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    print(f"{PROG}: week {week.start.isoformat()} to {week.end.isoformat()}, by {args.by}:")
    for path in written:
        print(f"  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
