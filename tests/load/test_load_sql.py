"""from_sql over sqlite3: the example network as tables gives the dataset and report of its JSON."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from _load_helpers import error_places, records, small_dataset
from _sql_helpers import example_data, naive_utc, report_of, write_tables

from salesmetrics.errors import DatasetError, SalesmetricsError
from salesmetrics.load import from_dict, from_dict_lenient, from_sql, load
from salesmetrics.load._sql import MISSING, TABLES, cell_value


def _script(sql: str) -> sqlite3.Connection:
    """An in-memory database made by a SQL script."""
    con = sqlite3.connect(":memory:")
    con.executescript(sql)
    return con


def _errors_of(sql: str) -> list[tuple[str, str]]:
    """The (code, path) of every error from_sql raises on the database of a script."""
    with pytest.raises(DatasetError) as info:
        from_sql(_script(sql))
    return error_places(info.value)


def _db(data: dict[str, Any], **kw: Any) -> sqlite3.Connection:
    con = sqlite3.connect(":memory:")
    write_tables(con, data, **kw)
    return con


@pytest.fixture(scope="module")
def example_db() -> sqlite3.Connection:
    return _db(example_data())


def test_the_example_network_from_sqlite_has_the_records_and_report_of_its_json(
        example_db: sqlite3.Connection) -> None:
    from_json = load("examples/store_network.json")
    from_db = from_sql(example_db)
    assert records(from_db) == records(from_json)
    assert from_db.calendars == from_json.calendars
    assert report_of(from_db) == report_of(from_json)


def test_naive_utc_text_with_naive_timezone_gives_the_same_report() -> None:
    con = _db(example_data(), instant=naive_utc)
    assert report_of(from_sql(con, naive_timezone="UTC")) == report_of(
        load("examples/store_network.json"))


def test_naive_timestamps_without_naive_timezone_are_invalid_instants_with_a_hint() -> None:
    con = _db(small_dataset(), instant=naive_utc)
    with pytest.raises(DatasetError) as info:
        from_sql(con)
    first = info.value.errors[0]
    assert (first.code, first.path) == ("invalid_instant", "messages[0].at")
    assert "naive_timezone=" in first.message
    ds, report = from_sql(con, strict=False)
    assert len(ds.messages) == 0 and "naive_timezone=" in report.skipped[0].message


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_datasets_load_from_sqlite_as_from_dict(seed: int) -> None:
    from salesmetrics.examples import generate

    data = generate(seed=seed, messages=60, weeks=1)
    assert records(from_sql(_db(data))) == records(from_dict(data))


def test_a_missing_table_is_an_empty_section() -> None:
    con = _script("CREATE TABLE teams (id TEXT, name TEXT); INSERT INTO teams VALUES ('A', 'x');"
                      "CREATE TABLE unrelated (id TEXT);")
    ds = from_sql(con)
    assert [t.id for t in ds.teams] == ["A"]
    assert ds.messages == () and ds.calendars == {}


def test_driver_values_integer_ids_and_0_1_booleans_load() -> None:
    con = _script(
        'CREATE TABLE users (id INTEGER, first_name TEXT);'
        'INSERT INTO users VALUES (7, "Ana");'
        'CREATE TABLE activities (user INTEGER, kind TEXT, "at" TEXT, completed INTEGER,'
        ' duration_seconds REAL);'
        "INSERT INTO activities VALUES (7, 'call', '2026-03-02T09:00:00+01:00', 1, 30);"
        "INSERT INTO activities VALUES (7, 'call', '2026-03-02T10:00:00+01:00', 0, NULL);")
    ds = from_sql(con)
    assert [(a.user, a.completed, a.duration_seconds) for a in ds.activities] == [
        ("7", True, 30.0), ("7", False, None)]


def _bad_rows_data() -> dict[str, Any]:
    return {"teams": [{"id": "A"}],
            "threads": [{"id": "t", "team": "A"}, {"id": "u", "team": "Z"}],
            "messages": [{"thread": "t", "at": "2026-03-02T09:00:00+01:00", "direction": "in"},
                         {"thread": "t", "at": "2026-03-02T09:00:00", "direction": "in"},
                         {"thread": "t", "at": "2026-03-02T09:00:00+01:00", "direction": "up"}],
            "activities": [{"user": "nobody", "kind": "call", "at": "2026-03-02T09:00:00+01:00"}]}


def test_errors_have_the_codes_and_paths_of_from_dict() -> None:
    data = _bad_rows_data()
    con = _db(data)
    with pytest.raises(DatasetError) as from_db:
        from_sql(con)
    with pytest.raises(DatasetError) as from_dicts:
        from_dict(data)
    assert error_places(from_db.value) == error_places(from_dicts.value)
    assert ("invalid_value", "messages[2].direction") in error_places(from_db.value)


def test_lenient_loading_skips_what_from_dict_lenient_skips() -> None:
    data = _bad_rows_data()
    ds, report = from_sql(_db(data), strict=False)
    ds_dict, report_dict = from_dict_lenient(data)
    assert records(ds) == records(ds_dict)
    assert report.records == report_dict.records
    assert [(s.code, s.path) for s in report.skipped] == [
        (s.code, s.path) for s in report_dict.skipped]


def test_a_boolean_other_than_0_or_1_is_an_invalid_value_at_its_cell() -> None:
    assert _errors_of(
        "CREATE TABLE users (id TEXT); INSERT INTO users VALUES ('u');"
        'CREATE TABLE activities (user TEXT, kind TEXT, "at" TEXT, answered INTEGER);'
        "INSERT INTO activities VALUES ('u', 'call', '2026-03-02T09:00:00+01:00', 2);"
    ) == [("invalid_value", "activities[0].answered")]


def test_queries_replace_tables_and_none_skips_a_section(example_db: sqlite3.Connection) -> None:
    ds = from_sql(example_db, queries={
        "messages": "SELECT thread, \"at\", direction FROM messages WHERE direction = 'in'",
        "sessions": None})
    assert ds.messages and all(m.direction == "in" for m in ds.messages)
    assert ds.sessions == ()
    assert len(ds.teams) == 3


def test_query_columns_are_renamed_with_as() -> None:
    con = _script("CREATE TABLE stores (store_id INTEGER, label TEXT);"
                      "INSERT INTO stores VALUES (1, 'Lyon');")
    ds = from_sql(con, queries={"teams": "SELECT store_id AS id, label AS name FROM stores"})
    assert [(t.id, t.name) for t in ds.teams] == [("1", "Lyon")]


def test_a_failing_query_and_an_unknown_name_are_errors_at_queries() -> None:
    con = sqlite3.connect(":memory:")
    with pytest.raises(SalesmetricsError) as info:
        from_sql(con, queries={"messages": "SELECT * FROM nowhere"})
    assert (info.value.code, info.value.path) == ("invalid_value", "queries.messages")
    assert "nowhere" in info.value.message
    with pytest.raises(SalesmetricsError) as info:
        from_sql(con, queries={"message": "SELECT 1"})
    assert (info.value.code, info.value.path) == ("invalid_option", "queries.message")
    with pytest.raises(SalesmetricsError) as info:
        from_sql(con, queries="SELECT 1")  # type: ignore[arg-type]
    assert (info.value.code, info.value.path) == ("invalid_option", "queries")
    with pytest.raises(SalesmetricsError) as info:
        from_sql(con, queries={"teams": "SELECT 1 AS id, 2 AS id"})
    assert (info.value.code, info.value.path) == ("invalid_value", "queries.teams")


def test_not_a_connection_and_an_unknown_zone_are_refused() -> None:
    with pytest.raises(SalesmetricsError) as info:
        from_sql(object())
    assert (info.value.code, info.value.path) == ("invalid_value", "connection")
    with pytest.raises(SalesmetricsError) as info:
        from_sql(sqlite3.connect(":memory:"), naive_timezone="Mars/Olympus")
    assert (info.value.code, info.value.path) == ("invalid_option", "naive_timezone")


def test_calendars_given_as_a_mapping_replace_the_table(example_db: sqlite3.Connection) -> None:
    ds = from_sql(example_db, calendars={"paris": {"timezone": "Europe/Paris"},
                                         "montreal": {"timezone": "America/Toronto"},
                                         "overnight": {"timezone": "UTC"}})
    assert ds.calendars["paris"].timezone == "Europe/Paris"
    assert ds.calendars["paris"] != load("examples/store_network.json").calendars["paris"]


def test_calendar_rows_that_do_not_read_are_errors_at_their_place() -> None:
    assert _errors_of(
        "CREATE TABLE calendars (id TEXT, definition TEXT);"
        "INSERT INTO calendars VALUES ('store', '{not json');"
        "INSERT INTO calendars VALUES (NULL, '{}');"
        "INSERT INTO calendars VALUES ('late', '{\"timezone\": \"Nowhere/Land\"}');"
    ) == [
        ("invalid_value", "calendars.store"), ("missing_field", "calendars[1].id"),
        ("invalid_calendar", "calendars.late.timezone")]


def test_conversions_rows_attach_to_their_lead_or_name_their_row() -> None:
    script = (
        "CREATE TABLE leads (id TEXT, received_at TEXT);"
        "INSERT INTO leads VALUES ('L1', '2026-03-02T09:00:00+01:00');"
        'CREATE TABLE conversions (lead TEXT, kind TEXT, "at" TEXT);'
        "INSERT INTO conversions VALUES ('L1', 'sale', '2026-03-03T09:00:00+01:00');"
        "INSERT INTO conversions VALUES ('L9', 'sale', '2026-03-03T09:00:00+01:00');")
    assert _errors_of(script) == [("unknown_reference", "conversions[1].lead")]
    ds, _ = from_sql(_script(script), strict=False)
    assert [c.kind for c in ds.leads[0].conversions] == ["sale"]


def test_smart_list_members_are_semicolon_separated_ids() -> None:
    con = _script(
        "CREATE TABLE customers (id INTEGER); INSERT INTO customers VALUES (1), (2);"
        "CREATE TABLE smart_lists (id TEXT, customers TEXT, users TEXT);"
        "INSERT INTO smart_lists VALUES ('s', '1; 2', NULL);")
    ds = from_sql(con)
    assert (ds.smart_lists[0].customers, ds.smart_lists[0].users) == (("1", "2"), ())


# -- cell_value: every driver value ------------------------------------------------

PARIS = timezone(timedelta(hours=1))


@pytest.mark.parametrize(("value", "kind", "expected"), [
    (None, "str", MISSING),
    (float("nan"), "number", MISSING),
    (Decimal("NaN"), "number", MISSING),
    (Decimal("2.5"), "number", 2.5),
    ("2.5", "number", 2.5),
    (True, "number", True),  # passed on: the validator refuses it
    (12, "id", "12"),
    (12.0, "ref", "12"),
    (12.5, "id", 12.5),  # passed on: the validator refuses it
    (Decimal("12"), "ref", "12"),
    (uuid.UUID(int=1), "id", "00000000-0000-0000-0000-000000000001"),
    (True, "id", True),
    (0, "bool", False),
    (1.0, "bool", True),
    (Decimal(1), "bool", True),
    (2, "bool", 2),
    ("Yes", "bool", True),
    ("maybe", "bool", "maybe"),
    ("a;;b ", "refs", ["a", "b"]),
    ([1, "b"], "refs", ["1", "b"]),
    (None, "refs", []),
    (datetime(2026, 3, 2, 9, tzinfo=PARIS), "instant", datetime(2026, 3, 2, 9, tzinfo=PARIS)),
    ([{"kind": "sale", "at": None}], "conversions", [{"kind": "sale"}]),
])
def test_cell_value_reads_driver_values(value: Any, kind: str, expected: Any) -> None:
    got = cell_value(value, kind, None)
    assert got == expected and type(got) is type(expected)


def test_naive_values_take_the_naive_timezone_aware_ones_keep_their_offset() -> None:
    aware = datetime(2026, 3, 2, 9, tzinfo=PARIS)
    assert cell_value(datetime(2026, 3, 2, 8), "instant", UTC) == aware
    assert cell_value("2026-03-02 08:00:00", "instant", UTC) == aware
    assert cell_value(aware, "instant", UTC).utcoffset() == timedelta(hours=1)
    assert cell_value("2026-03-02T09:00:00+01:00", "instant", UTC) == "2026-03-02T09:00:00+01:00"
    assert cell_value("not a time", "instant", UTC) == "not a time"
    assert cell_value(datetime(2026, 3, 2, 8), "instant", None).tzinfo is None


def test_numpy_scalars_and_pandas_missing_values() -> None:
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    assert cell_value(np.int64(4), "id", None) == "4"
    assert cell_value(np.float64("nan"), "number", None) is MISSING
    assert cell_value(np.float32(1.5), "number", None) == 1.5
    assert cell_value(np.bool_(True), "bool", None) is True
    assert cell_value(np.datetime64("NaT"), "instant", None) is MISSING
    assert cell_value(np.datetime64("2026-03-02T08:00"), "instant", UTC) == datetime(
        2026, 3, 2, 8, tzinfo=UTC)
    assert cell_value(np.array(["a", "b"]), "refs", None) == ["a", "b"]
    assert cell_value(pd.NA, "str", None) is MISSING
    assert cell_value(pd.NaT, "instant", None) is MISSING
    ts = cell_value(pd.Timestamp("2026-03-02T09:00:00+01:00"), "instant", None)
    assert type(ts) is datetime and ts == datetime(2026, 3, 2, 8, tzinfo=UTC)


class _Cursor:
    """A minimal DB-API cursor over canned results (the catalog query fails)."""

    def __init__(self, results: dict[str, tuple[list[str], list[tuple[Any, ...]]]]) -> None:
        self.results = results
        self.description: list[tuple[str, ...]] | None = None
        self.rows: list[tuple[Any, ...]] = []

    def execute(self, query: str) -> None:
        if query not in self.results:
            raise RuntimeError(f"no such table in {query!r}")
        columns, self.rows = self.results[query]
        self.description = [(c, None, None, None, None, None, None) for c in columns]

    def fetchmany(self, size: int) -> list[tuple[Any, ...]]:
        batch, self.rows = self.rows[:size], self.rows[size:]
        return batch


class _Connection:
    def __init__(self, results: dict[str, tuple[list[str], list[tuple[Any, ...]]]]) -> None:
        self.results = results

    def cursor(self) -> _Cursor:
        return _Cursor(self.results)


def test_any_db_api_connection_reads_with_queries_and_says_when_the_catalog_fails() -> None:
    con = _Connection({"SELECT id FROM t": (["id"], [(1,), (2,)])})
    queries: dict[str, str | None] = {name: None for name in TABLES}
    ds = from_sql(con, queries={**queries, "teams": "SELECT id FROM t"})
    assert [t.id for t in ds.teams] == ["1", "2"]
    with pytest.raises(SalesmetricsError) as info:
        from_sql(con)
    assert (info.value.code, info.value.path) == ("invalid_value", "connection")
    assert "queries=" in info.value.message
