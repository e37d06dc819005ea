"""from_sql against a real PostgreSQL server (psycopg 3), when SALESMETRICS_TEST_PG_DSN names one.

``.ci/run`` installs and starts a throwaway server and sets the variable; the
tests skip, saying why, where there is none. Each test works in a schema of
its own, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from _load_helpers import error_places, records
from _sql_helpers import PG_TYPES, example_data, report_of, write_tables

from salesmetrics.errors import DatasetError, SalesmetricsError
from salesmetrics.load import from_sql, load

DSN_VAR = "SALESMETRICS_TEST_PG_DSN"


@pytest.fixture
def pg() -> Iterator[Any]:
    """A psycopg connection whose search path is a fresh, empty schema."""
    dsn = os.environ.get(DSN_VAR)
    if not dsn:
        pytest.skip(f"{DSN_VAR} is not set: no PostgreSQL server to test against "
                    "(.ci/run starts one)")
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed "
                                  "(pip install 'salesmetrics[postgres]')")
    try:
        con = psycopg.connect(dsn, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.skip(f"the PostgreSQL server of {DSN_VAR} is unreachable: {exc}")
    schema = f"sm_test_{uuid.uuid4().hex[:12]}"
    con.execute(f"CREATE SCHEMA {schema}")
    con.execute(f"SET search_path TO {schema}")
    con.commit()
    try:
        yield con
    finally:
        con.rollback()
        con.execute(f"DROP SCHEMA {schema} CASCADE")
        con.commit()
        con.close()


def test_the_example_network_from_postgres_has_the_records_and_report_of_its_json(pg: Any
                                                                                 ) -> None:
    write_tables(pg, example_data(), ph="%s", types=PG_TYPES, boolean=bool,
                 calendar_type="JSONB")
    pg.execute("SET TIME ZONE 'America/Toronto'")  # instants come back at another offset
    from_json = load("examples/store_network.json")
    from_db = from_sql(pg)
    assert records(from_db) == records(from_json)
    assert from_db.calendars == from_json.calendars
    assert report_of(from_db) == report_of(from_json)


def test_postgres_types_bigint_uuid_numeric_timestamp_arrays_and_jsonb(pg: Any) -> None:
    pg.execute("""
        CREATE TABLE calendars (id TEXT, definition JSONB);
        INSERT INTO calendars VALUES ('store', '{"timezone": "Europe/Paris"}');
        CREATE TABLE teams (id BIGINT, calendar TEXT);
        INSERT INTO teams VALUES (10, 'store');
        CREATE TABLE users (id UUID, team BIGINT);
        INSERT INTO users VALUES ('00000000-0000-0000-0000-000000000001', 10);
        CREATE TABLE customers (id BIGINT);
        INSERT INTO customers VALUES (1), (2);
        CREATE TABLE activities (id BIGSERIAL, "user" UUID, kind TEXT, "at" TIMESTAMP,
                                 completed BOOLEAN, duration_seconds NUMERIC(10, 2));
        INSERT INTO activities ("user", kind, "at", completed, duration_seconds) VALUES
          ('00000000-0000-0000-0000-000000000001', 'call', '2026-03-02 09:00', TRUE, 61.5),
          ('00000000-0000-0000-0000-000000000001', 'call', '2026-03-02 10:00', NULL, NULL);
        CREATE TABLE smart_lists (id TEXT, customers BIGINT[], users TEXT);
        INSERT INTO smart_lists VALUES ('s', '{1,2}', NULL);
    """)
    ds = from_sql(pg, naive_timezone="Europe/Paris")
    assert ds.teams[0].id == "10" and ds.calendars["store"].timezone == "Europe/Paris"
    user = "00000000-0000-0000-0000-000000000001"
    assert [(a.id, a.user, a.at.isoformat(), a.duration_seconds) for a in ds.activities] == [
        ("1", user, "2026-03-02T09:00:00+01:00", 61.5), ("2", user, "2026-03-02T10:00:00+01:00",
                                                         None)]
    assert ds.smart_lists[0].customers == ("1", "2")
    with pytest.raises(DatasetError) as info:
        from_sql(pg)
    assert error_places(info.value) == [("invalid_instant", "activities[0].at"),
                                        ("invalid_instant", "activities[1].at")]
    assert "naive_timezone=" in info.value.message


def test_missing_tables_are_empty_sections_and_the_transaction_stays_usable(pg: Any) -> None:
    pg.execute("CREATE TABLE teams (id TEXT); INSERT INTO teams VALUES ('A')")
    ds = from_sql(pg)
    assert [t.id for t in ds.teams] == ["A"] and ds.messages == ()
    assert pg.execute("SELECT count(*) FROM teams").fetchone() == (1,)


def test_a_table_of_another_schema_is_not_read(pg: Any) -> None:
    pg.execute("CREATE TABLE teams (id TEXT); INSERT INTO teams VALUES ('A')")
    pg.execute("CREATE SCHEMA IF NOT EXISTS sm_test_elsewhere")
    pg.execute("CREATE TABLE sm_test_elsewhere.messages (thread TEXT)")
    try:
        assert from_sql(pg).messages == ()
    finally:
        pg.execute("DROP SCHEMA sm_test_elsewhere CASCADE")


def test_queries_and_their_errors(pg: Any) -> None:
    pg.execute("CREATE TABLE stores (store_id INT, label TEXT); INSERT INTO stores VALUES (1, 'x')")
    ds = from_sql(pg, queries={"teams": "SELECT store_id AS id, label AS name FROM stores"})
    assert [(t.id, t.name) for t in ds.teams] == [("1", "x")]
    with pytest.raises(SalesmetricsError) as info:
        from_sql(pg, queries={"teams": "SELECT * FROM nowhere"})
    assert (info.value.code, info.value.path) == ("invalid_value", "queries.teams")
    assert "nowhere" in info.value.message
