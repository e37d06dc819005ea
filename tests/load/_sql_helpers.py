"""Shared helpers of the database loader tests (not a test module): a dataset dict as tables."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from salesmetrics.load._csv import CSV_SECTIONS
from salesmetrics.load._dicts import _FIELDS
from salesmetrics.period import Period
from salesmetrics.report import build_report, report_json

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "store_network.json"

#: column type per field kind, sqlite
SQLITE_TYPES = {"bool": "INTEGER", "number": "REAL", "instant": "TEXT"}
#: column type per field kind, PostgreSQL
PG_TYPES = {"bool": "BOOLEAN", "number": "NUMERIC", "instant": "TIMESTAMPTZ"}

WHOLE_PERIOD = Period(datetime(2026, 2, 23, tzinfo=UTC), datetime(2026, 4, 6, tzinfo=UTC))


def example_data() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def naive_utc(text: str) -> str:
    """An ISO instant as naive UTC text (``2026-03-02 08:00:00``)."""
    return datetime.fromisoformat(text).astimezone(UTC).replace(tzinfo=None).isoformat(" ")


def write_tables(
    con: Any,
    data: Mapping[str, Any],
    *,
    ph: str = "?",
    types: Mapping[str, str] = SQLITE_TYPES,
    boolean: Callable[[bool], Any] = int,
    instant: Callable[[str], Any] = str,
    calendar_type: str = "TEXT",
) -> None:
    """Create one table per CSV-folder file and insert ``data``'s records."""
    cur = con.cursor()
    conversions: list[tuple[Any, ...]] = []
    for section in CSV_SECTIONS:
        fields = [(n, k[0]) for n, k, _ in _FIELDS[section] if n != "conversions"]
        cols = ", ".join(f'"{n}" {types.get(k, "TEXT")}' for n, k in fields)
        cur.execute(f"CREATE TABLE {section} ({cols})")
        sql = (f"INSERT INTO {section} ({', '.join(f'{chr(34)}{n}{chr(34)}' for n, _ in fields)})"
               f" VALUES ({', '.join([ph] * len(fields))})")
        rows = []
        for rec in data.get(section) or ():
            row = []
            for name, kind in fields:
                v = rec.get(name)
                if v is not None and kind == "bool":
                    v = boolean(v)
                elif v is not None and kind == "instant":
                    v = instant(v)
                elif kind == "refs":
                    v = ";".join(v or ())
                row.append(v)
            rows.append(tuple(row))
            for conv in rec.get("conversions") or ():
                conversions.append((rec["id"], conv["kind"], instant(conv["at"])))
        if rows:
            cur.executemany(sql, rows)
    cur.execute('CREATE TABLE conversions (lead TEXT, kind TEXT, "at" '
                f'{types.get("instant", "TEXT")})')
    if conversions:
        cur.executemany(f"INSERT INTO conversions VALUES ({ph}, {ph}, {ph})", conversions)
    cur.execute(f"CREATE TABLE calendars (id TEXT, definition {calendar_type})")
    for cid, body in (data.get("calendars") or {}).items():
        cur.execute(f"INSERT INTO calendars VALUES ({ph}, {ph})", (cid, json.dumps(body)))
    con.commit()


def _utc(value: Any) -> Any:
    """Instants (as ISO text) in UTC, recursively: the same instant, whatever its offset."""
    if isinstance(value, dict):
        return {k: _utc(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_utc(v) for v in value]
    if isinstance(value, str) and len(value) >= 19 and value[:4].isdigit():
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        if parsed.tzinfo is not None:
            return parsed.astimezone(UTC).isoformat()
    return value


def report_of(dataset: Any) -> Any:
    """Every report section, by team and by user, over the example's whole period.

    Instants are compared in UTC: a database may hand back an instant at
    another offset (its session's zone) than the one it was written with.
    """
    return _utc([report_json(build_report(dataset, period=WHOLE_PERIOD, by=by))
                 for by in ("team", "user")])
