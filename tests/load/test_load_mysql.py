"""from_sql against a real MySQL or MariaDB server (pymysql), when SALESMETRICS_TEST_MYSQL_DSN names one.

CI does not start one (PostgreSQL is the server it tests against); set the
variable to ``mysql://user:password@host:port/`` to check the MySQL recipe of
the loading docs. Each test works in a database of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from _load_helpers import error_places, records
from _sql_helpers import example_data, naive_utc, report_of, write_tables

from salesmetrics.errors import DatasetError
from salesmetrics.load import from_sql, load

DSN_VAR = "SALESMETRICS_TEST_MYSQL_DSN"
MYSQL_TYPES = {"bool": "BOOLEAN", "number": "DECIMAL(12, 3)", "instant": "DATETIME(6)"}


@pytest.fixture
def mysql() -> Iterator[Any]:
    """A pymysql connection to a fresh, empty database (ANSI quotes on)."""
    dsn = os.environ.get(DSN_VAR)
    if not dsn:
        pytest.skip(f"{DSN_VAR} is not set: no MySQL server to test against")
    pymysql = pytest.importorskip("pymysql", reason="pymysql is not installed")
    url = urlsplit(dsn)
    try:
        con = pymysql.connect(host=url.hostname or "127.0.0.1", port=url.port or 3306,
                              user=unquote(url.username or "root"),
                              password=unquote(url.password or ""), connect_timeout=5)
    except pymysql.err.OperationalError as exc:
        pytest.skip(f"the MySQL server of {DSN_VAR} is unreachable: {exc}")
    name = f"sm_test_{uuid.uuid4().hex[:12]}"
    cur = con.cursor()
    cur.execute(f"CREATE DATABASE {name}")
    cur.execute(f"USE {name}")
    cur.execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')")
    try:
        yield con
    finally:
        con.cursor().execute(f"DROP DATABASE {name}")
        con.close()


def test_the_example_network_from_mysql_datetime_columns_with_naive_timezone(mysql: Any
                                                                            ) -> None:
    write_tables(mysql, example_data(), ph="%s", types=MYSQL_TYPES, boolean=bool,
                 instant=naive_utc, calendar_type="JSON")
    from_json = load("examples/store_network.json")
    from_db = from_sql(mysql, naive_timezone="UTC")
    assert records(from_db) == records(from_json)
    assert report_of(from_db) == report_of(from_json)
    with pytest.raises(DatasetError) as info:
        from_sql(mysql)
    assert error_places(info.value)[0] == ("invalid_instant", "messages[0].at")
    assert "naive_timezone=" in info.value.message


def test_only_the_current_databases_tables_are_read(mysql: Any) -> None:
    cur = mysql.cursor()
    cur.execute("CREATE TABLE teams (id BIGINT)")
    cur.execute("INSERT INTO teams VALUES (5)")
    assert [t.id for t in from_sql(mysql).teams] == ["5"]
    assert from_sql(mysql).messages == ()
