"""Tables of values (database rows, DataFrame rows) as the dataset dict; :func:`from_sql`.

Database drivers and DataFrames hand over values the dict format refuses:
integer ids, ``0``/``1`` booleans, :class:`~decimal.Decimal`, datetime
objects, numpy scalars, ``NaN``/``NaT``/``None`` for an empty cell. One
function, :func:`cell_value`, turns each such value into what the dict format
takes, knowing only the field's kind; then the records go through
:func:`~salesmetrics.load.from_dict` (or its lenient twin), so the checks,
codes and paths are exactly those of every other format.

>>> cell_value(7, "ref", None), cell_value(1, "bool", None), cell_value(float("nan"), "str", None)
('7', True, MISSING)

The layout is that of a CSV folder (see the dataset formats page): one table
per section, ``conversions`` (``lead``, ``kind``, ``at``) appended to its
leads, smart-list members as ``;``-separated ids, and calendars either given
as the case format's mapping or read from a ``calendars`` table (``id``,
``definition`` as JSON text or a JSON column).
"""

from __future__ import annotations

import enum
import json
import math
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any, Literal, overload
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from salesmetrics.dataset import Dataset
from salesmetrics.errors import DatasetError, SalesmetricsError, join_path
from salesmetrics.load._csv import _CHILDREN, _FALSE, _TRUE, CSV_SECTIONS, _attach, _kinds
from salesmetrics.load._dicts import DEFAULT_MAX_ERRORS
from salesmetrics.load._jsonl import finish
from salesmetrics.load._lenient import LoadReport, Skipped, from_dict_lenient

__all__ = ["MISSING", "TABLES", "cell_value", "finish_tables", "from_sql", "zone_of"]


class _Missing(enum.Enum):
    MISSING = "MISSING"

    def __repr__(self) -> str:
        return "MISSING"


#: What :func:`cell_value` returns for an empty cell (``None``, ``NaN``, ``NaT``, ``NA``).
MISSING = _Missing.MISSING

#: The tables read by default: every CSV-folder section, ``conversions`` and ``calendars``.
TABLES = (*CSV_SECTIONS, *_CHILDREN, "calendars")

_TEXT_KINDS = frozenset({"id", "str", "ref", "enum", None})
_CONVERSION_KINDS = {"lead": "ref", "kind": "enum", "at": "instant"}
_HISTORY_KINDS = {"team": "ref", "from": "instant", "calendar": "ref"}
#: The columns' kinds of each child table (a row attached to its parent's list field).
_CHILD_KINDS = {"conversions": _CONVERSION_KINDS, "calendar_history": _HISTORY_KINDS}

_NAIVE_HINT = ("; the value has no offset: pass naive_timezone= (the IANA zone the "
               "timestamps are written in, e.g. 'UTC') or store it with its offset")


def _plain(value: Any) -> Any:
    """A numpy / pandas / driver scalar as a plain Python value, or MISSING when empty."""
    if value is None:
        return MISSING
    cls = type(value)
    if cls is str or cls is int or cls is bool:
        return value
    if cls is float:
        return MISSING if math.isnan(value) else value
    module = cls.__module__
    if module.startswith("numpy"):
        if cls.__name__ == "ndarray":
            return value.tolist()
        if cls.__name__ == "datetime64":
            if value != value:  # NaT
                return MISSING
            return value.astype("datetime64[us]").item()  # naive, as numpy has no zone
        return _plain(value.item())
    if cls.__name__ in ("NaTType", "NAType"):
        return MISSING
    if isinstance(value, float):  # a float subclass
        return MISSING if math.isnan(value) else float(value)
    if isinstance(value, datetime) and cls is not datetime:  # pandas.Timestamp and kin
        return datetime(value.year, value.month, value.day, value.hour, value.minute,
                        value.second, value.microsecond, tzinfo=value.tzinfo, fold=value.fold)
    if isinstance(value, Decimal) and value.is_nan():
        return MISSING
    return value


def _whole(value: Any) -> int | None:
    """The integer a number stands for (``3``, ``3.0``, ``Decimal('3')``), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        try:
            if value == int(value):
                return int(value)
        except (OverflowError, ValueError):
            return None
    return None


def _text(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    whole = _whole(value)
    return value if whole is None else str(whole)


def _bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        low = value.strip().lower()
        return True if low in _TRUE else False if low in _FALSE else value
    whole = _whole(value)
    return value if whole not in (0, 1) else bool(whole)


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _instant(value: Any, naive_timezone: tzinfo | None) -> Any:
    if naive_timezone is None:
        return value
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return value
        return parsed.replace(tzinfo=naive_timezone) if parsed.tzinfo is None else value
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=naive_timezone)
    return value


def cell_value(value: Any, kind: str | None, naive_timezone: tzinfo | None) -> Any:
    """One value of a database row or DataFrame cell as the dict format's value.

    The one place where driver and DataFrame values are read (``from_sql`` and
    ``from_frames`` both use it); what does not convert is passed on as it is,
    so the validator reports it at its place.

    Args:
        value: the cell.
        kind: the field's kind (``id``, ``str``, ``ref``, ``enum``, ``bool``,
            ``number``, ``instant``, ``refs``, ``conversions``), None for an
            unknown column.
        naive_timezone: the zone of timestamps without an offset, or None to
            refuse them (the validator's ``invalid_instant``).

    Returns:
        :data:`MISSING` for an empty cell (``None``, ``NaN``, ``NaT``,
        ``pandas.NA``), except for a list of ids, where it is ``[]``.

    >>> cell_value(3.0, "id", None), cell_value("no", "bool", None), cell_value("a; b", "refs", None)
    ('3', False, ['a', 'b'])
    >>> from decimal import Decimal
    >>> cell_value(Decimal("12.5"), "number", None), cell_value(None, "refs", None)
    (12.5, [])
    >>> cell_value(datetime(2026, 3, 2, 9), "instant", ZoneInfo("Europe/Paris")).isoformat()
    '2026-03-02T09:00:00+01:00'
    """
    if type(value) is str and kind in _TEXT_KINDS:
        return value
    value = _plain(value)
    if value is MISSING:
        return [] if kind == "refs" else MISSING
    if kind in ("id", "str", "ref", "enum"):
        return _text(value)
    if kind == "bool":
        return _bool(value)
    if kind == "number":
        return _number(value)
    if kind == "instant":
        return _instant(value, naive_timezone)
    if kind == "refs":
        if isinstance(value, str):
            return [v.strip() for v in value.split(";") if v.strip()]
        if isinstance(value, list | tuple):
            return [_text(_plain(v)) for v in value]
        return value
    if kind in _CHILD_KINDS and isinstance(value, list | tuple):
        return [record(item, _CHILD_KINDS[kind], naive_timezone)
                if isinstance(item, Mapping) else item for item in value]
    return value


def record(row: Mapping[str, Any], kinds: Mapping[str, str],
           naive_timezone: tzinfo | None) -> dict[str, Any]:
    """A row (column → value) as a record of the dict format, empty cells left out."""
    out: dict[str, Any] = {}
    for col, value in row.items():
        v = cell_value(value, kinds.get(col), naive_timezone)
        if v is not MISSING:
            out[col] = v
    return out


def section_records(name: str, rows: Iterable[Mapping[str, Any]],
                    naive_timezone: tzinfo | None) -> list[dict[str, Any]]:
    """The rows of section ``name`` as records of the dict format (each cell read by its field's kind).

    >>> section_records("teams", [{"id": 7, "name": None}], None)
    [{'id': '7'}]
    """
    kinds = _kinds(name) if name in CSV_SECTIONS else {}
    return [record(r, kinds, naive_timezone) for r in rows]


def zone_of(naive_timezone: str | tzinfo | None) -> tzinfo | None:
    """The ``naive_timezone=`` option as a tzinfo (an IANA name or a tzinfo).

    Raises:
        SalesmetricsError: ``invalid_option`` at ``naive_timezone`` for an unknown zone.
    """
    if naive_timezone is None or isinstance(naive_timezone, tzinfo):
        return naive_timezone
    if isinstance(naive_timezone, str):
        try:
            return ZoneInfo(naive_timezone)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    raise SalesmetricsError("invalid_option", "naive_timezone",
                            f"not an IANA time zone: {naive_timezone!r}")


def _calendar_rows(rows: Iterable[Mapping[str, Any]], errors: list[SalesmetricsError]
                   ) -> dict[str, Any]:
    """A ``calendars`` table (``id``, ``definition``) as the calendars mapping."""
    out: dict[str, Any] = {}
    for i, row in enumerate(rows):
        try:
            cid, body = _calendar_row(row, join_path("calendars", i), out)
        except SalesmetricsError as exc:
            errors.append(exc)
        else:
            out[cid] = body
    return out


def _calendar_row(row: Mapping[str, Any], rpath: str, seen: Mapping[str, Any]
                  ) -> tuple[str, Any]:
    extra = sorted(k for k in row if k not in ("id", "definition") and not k.startswith("x-"))
    if extra:
        raise SalesmetricsError("invalid_value", join_path(rpath, extra[0]),
                                f"unknown column {extra[0]!r} of calendars")
    cid = _text(_plain(row.get("id")))
    if cid is MISSING:
        raise SalesmetricsError("missing_field", join_path(rpath, "id"), "a calendar row needs 'id'")
    if not isinstance(cid, str) or not cid:
        raise SalesmetricsError("invalid_value", join_path(rpath, "id"),
                                f"a calendar id is text, not {cid!r}")
    if cid in seen:
        raise SalesmetricsError("duplicate_id", join_path(rpath, "id"),
                                f"calendar id {cid!r} is used twice in calendars")
    body = _plain(row.get("definition"))
    if body is MISSING:
        raise SalesmetricsError("missing_field", join_path(rpath, "definition"),
                                f"calendar {cid!r} needs 'definition'")
    if isinstance(body, bytes | bytearray | memoryview):
        body = bytes(body).decode("utf-8", "replace")
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except (ValueError, RecursionError) as exc:
            raise SalesmetricsError("invalid_value", join_path("calendars", cid),
                                    f"definition is not JSON: {exc}") from None
    return cid, body


def _hint(code: str, message: str) -> str:
    """A naive instant's message, with how to load it."""
    if code == "invalid_instant" and message.startswith("naive instant"):
        return message + _NAIVE_HINT
    return message


def finish_tables(
    tables: Mapping[str, Iterable[Mapping[str, Any]]],
    *,
    calendars: Mapping[str, Any] | None,
    naive_timezone: str | tzinfo | None,
    strict: bool,
    max_errors: int,
    errors: Sequence[SalesmetricsError] = (),
) -> Dataset | tuple[Dataset, LoadReport]:
    """Validate tables of rows (section → rows of column → value) as a dataset.

    ``conversions`` and ``calendar_history`` rows are attached to their leads
    and teams as in a CSV folder; a
    ``calendars`` table is read when ``calendars`` is None. Any other name is
    a section (an unknown one is reported by the validator).
    """
    zone = zone_of(naive_timezone)
    pre: list[SalesmetricsError] = list(errors)
    data: dict[str, Any] = {}
    children: dict[str, list[dict[str, Any]]] = {}
    for name, rows in tables.items():
        if name == "calendars":
            if calendars is None:
                data["calendars"] = _calendar_rows(rows, pre)
        elif name in _CHILD_KINDS:
            children[name] = [record(r, _CHILD_KINDS[name], zone) for r in rows]
        else:
            data[name] = section_records(name, rows, zone)
    if calendars is not None:
        data["calendars"] = calendars
    for name, rows in children.items():
        _attach(data, name, rows, pre)
    if strict:
        try:
            return finish(data, pre, max_errors=max_errors)
        except DatasetError as exc:
            raise DatasetError([SalesmetricsError(e.code, e.path, _hint(e.code, e.message))
                                for e in exc.errors]) from None
    ds, report = from_dict_lenient(data, errors=pre)
    return ds, LoadReport(tuple(Skipped(s.path, s.code, _hint(s.code, s.message))
                                for s in report.skipped))


# -- databases ------------------------------------------------------------------

_STANDARD_CATALOG = "SELECT table_name FROM information_schema.tables"
_PG_CATALOG = _STANDARD_CATALOG + " WHERE table_schema = ANY (current_schemas(false))"
_MYSQL_CATALOG = _STANDARD_CATALOG + " WHERE table_schema = DATABASE()"

# the catalog query listing the tables and views, by the connection class's top module
_CATALOGS = {
    "sqlite3": "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')",
    "psycopg": _PG_CATALOG, "psycopg2": _PG_CATALOG, "pg8000": _PG_CATALOG,
    "MySQLdb": _MYSQL_CATALOG, "pymysql": _MYSQL_CATALOG, "mysql": _MYSQL_CATALOG,
    "mariadb": _MYSQL_CATALOG,
}


def _catalog_query(connection: Any) -> str:
    driver = getattr(connection, "driver_connection", None) or connection  # SQLAlchemy's
    top = type(driver).__module__.split(".")[0]
    return _CATALOGS.get(top, _STANDARD_CATALOG)


def _run(connection: Any, query: str, path: str) -> list[dict[str, Any]]:
    """The rows of one query as dicts keyed by column name."""
    try:
        cursor = connection.cursor()
    except AttributeError:
        raise SalesmetricsError("invalid_value", "connection",
                                "not a DB-API 2.0 connection (it has no cursor())") from None
    try:
        try:
            cursor.execute(query)
        except Exception as exc:  # every driver has its own error classes
            raise SalesmetricsError("invalid_value", path,
                                    f"the query failed: {type(exc).__name__}: {exc}".strip()
                                    ) from exc
        if cursor.description is None:
            raise SalesmetricsError("invalid_value", path, "the query returns no rows")
        columns = [str(d[0]) for d in cursor.description]
        dup = next((c for i, c in enumerate(columns) if c in columns[:i]), None)
        if dup is not None:
            raise SalesmetricsError("invalid_value", path,
                                    f"the query returns column {dup!r} twice")
        out: list[dict[str, Any]] = []
        while True:
            batch = cursor.fetchmany(10_000)
            if not batch:
                return out
            out.extend(dict(zip(columns, row, strict=True)) for row in batch)
    finally:
        close = getattr(cursor, "close", None)
        if close is not None:
            close()


def _tables_present(connection: Any) -> set[str]:
    query = _catalog_query(connection)
    try:
        rows = _run(connection, query, "connection")
    except SalesmetricsError as exc:
        raise SalesmetricsError(exc.code, exc.path, f"{exc.message} (listing the tables; "
                                "to read no catalog, give every section in queries=)") from exc
    return {str(next(iter(r.values()))) for r in rows if r}


@overload
def from_sql(connection: Any, /, *, queries: Mapping[str, str | None] | None = ...,
             calendars: Mapping[str, Any] | None = ..., naive_timezone: str | tzinfo | None = ...,
             strict: Literal[True] = ..., max_errors: int = ...) -> Dataset: ...


@overload
def from_sql(connection: Any, /, *, queries: Mapping[str, str | None] | None = ...,
             calendars: Mapping[str, Any] | None = ..., naive_timezone: str | tzinfo | None = ...,
             strict: Literal[False], max_errors: int = ...) -> tuple[Dataset, LoadReport]: ...


def from_sql(
    connection: Any,
    /,
    *,
    queries: Mapping[str, str | None] | None = None,
    calendars: Mapping[str, Any] | None = None,
    naive_timezone: str | tzinfo | None = None,
    strict: bool = True,
    max_errors: int = DEFAULT_MAX_ERRORS,
) -> Dataset | tuple[Dataset, LoadReport]:
    """Load a dataset from a database over any DB-API 2.0 connection.

    By default each section is the table of its name, with the columns of the
    CSV-folder format (``teams``, ``messages``, ``conversions``,
    ``smart_lists`` with ``;``-separated ids, …, and ``calendars`` with
    ``id`` and ``definition``); a table that does not exist is an empty
    section. Which tables exist is read from the catalog (``sqlite_master``
    for sqlite3, ``information_schema.tables`` of the current schemas for
    PostgreSQL and MySQL drivers, ``information_schema.tables`` otherwise),
    so no failing query is ever sent (it would abort a PostgreSQL
    transaction). The connection is only read: nothing is committed or closed.

    Args:
        connection: an open DB-API 2.0 connection (sqlite3, psycopg, pymysql…).
        queries: section (or ``conversions``, ``calendars``) → SQL returning
            its rows with the format's column names (use ``AS``); None skips
            the section. Sections not named here are read from their tables.
        calendars: the calendars as the case format's mapping (id →
            definition); when given, no ``calendars`` table is read.
        naive_timezone: the IANA zone (or tzinfo) of timestamps without an
            offset (``timestamp`` columns, naive text). Without it, such a
            timestamp is an ``invalid_instant`` error at its field.
        strict: True: any error refuses the dataset. False: invalid records
            are skipped and the result is ``(dataset, report)``.
        max_errors: strict mode: stop collecting after this many errors.

    Raises:
        DatasetError: strict mode, the dataset's errors (``messages[3].at``,
            the row's position in its query's result).
        SalesmetricsError: ``invalid_value`` at ``queries.<name>`` or the
            table's name when a query fails; ``invalid_option`` for an unknown
            name in ``queries`` or an unknown ``naive_timezone``.

    >>> import sqlite3
    >>> con = sqlite3.connect(":memory:")
    >>> _ = con.executescript(
    ...     "CREATE TABLE teams (id INTEGER, name TEXT);"
    ...     "CREATE TABLE threads (id TEXT, team INTEGER);"
    ...     "CREATE TABLE messages (thread TEXT, at TEXT, direction TEXT);"
    ...     "INSERT INTO teams VALUES (1, 'Lyon'); INSERT INTO threads VALUES ('t', 1);"
    ...     "INSERT INTO messages VALUES ('t', '2026-03-02 09:00:00', 'in');")
    >>> from_sql(con, naive_timezone="Europe/Paris").messages[0].at.isoformat()
    '2026-03-02T09:00:00+01:00'
    >>> from_sql(con)
    Traceback (most recent call last):
    ...
    salesmetrics.errors.DatasetError: messages[0].at: naive instant '2026-03-02 09:00:00', add an offset; the value has no offset: pass naive_timezone= (the IANA zone the timestamps are written in, e.g. 'UTC') or store it with its offset
    """
    zone_of(naive_timezone)
    if queries is not None and not isinstance(queries, Mapping):
        raise SalesmetricsError("invalid_option", "queries",
                                "queries is a mapping: section name -> SQL (or None)")
    queries = dict(queries or {})
    for name in queries:
        if name not in TABLES:
            raise SalesmetricsError("invalid_option", join_path("queries", str(name)),
                                    f"unknown section {name!r}; names: {', '.join(TABLES)}")
    wanted = [t for t in TABLES if not (t == "calendars" and calendars is not None)]
    defaults = [t for t in wanted if t not in queries]
    present = _tables_present(connection) if defaults else set()
    tables: dict[str, list[dict[str, Any]]] = {}
    for name in wanted:
        if name in queries:
            query = queries[name]
            if query is None:
                continue
            tables[name] = _run(connection, query, join_path("queries", name))
        elif name in present:
            tables[name] = _run(connection, f"SELECT * FROM {name}", name)
    return finish_tables(tables, calendars=calendars, naive_timezone=naive_timezone,
                         strict=strict, max_errors=max_errors)

