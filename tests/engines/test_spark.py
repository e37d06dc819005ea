"""The Spark engine on a local Spark session: the same numbers as in memory.

Skipped where pyspark or a Java runtime is missing (CI installs pyspark with the
``test`` extra; the machine brings Java).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from engine_reports import by_instant

from salesmetrics import SalesmetricsError
from salesmetrics.examples import EXAMPLE_PERIOD, example_path
from salesmetrics.examples import main as make_example
from salesmetrics.load import load
from salesmetrics.report import build_report, report_json

pyspark = pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("no Java runtime for Spark", allow_module_level=True)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    saved = {k: os.environ.get(k) for k in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON")}
    os.environ.update(dict.fromkeys(saved, sys.executable))  # the JVM starts workers with it

    # the Python workers run this interpreter (the one salesmetrics is installed in),
    # not whichever python3 comes first on PATH
    session = (SparkSession.builder.master("local[2]").appName("salesmetrics-tests")
               .config("spark.pyspark.python", sys.executable)
               .config("spark.pyspark.driver.python", sys.executable)
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "4").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def _lines(path: Path, seed: int) -> list[str]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    random.Random(seed).shuffle(lines)  # records in any order, reference data anywhere
    return lines


def test_spark_gives_the_memory_numbers_on_a_generated_dataset(spark: Any,
                                                               tmp_path: Path) -> None:
    from salesmetrics.engines.spark import spark_report

    path = tmp_path / "g5k.jsonl"
    assert make_example(["--messages", "5000", "--out", str(path)]) == 0
    memory = report_json(build_report(load(path), period=EXAMPLE_PERIOD))
    rdd = spark.sparkContext.parallelize(_lines(path, 1), 4)
    assert report_json(spark_report(rdd, period=EXAMPLE_PERIOD, partitions=3)) == memory


@pytest.mark.parametrize("by", ["team", "user"])
def test_spark_takes_dicts_and_any_partitioning(spark: Any, by: str) -> None:
    from salesmetrics.engines.dask import _records
    from salesmetrics.engines.spark import spark_report

    data = json.loads(example_path().read_text(encoding="utf-8"))
    memory = report_json(build_report(load(example_path()), period=EXAMPLE_PERIOD, by=by))
    records = list(_records(data))
    random.Random(2).shuffle(records)
    rdd = spark.sparkContext.parallelize(records, 5)
    assert report_json(spark_report(rdd, period=EXAMPLE_PERIOD, by=by, partitions=2)) == memory


def test_spark_refuses_a_bad_partition_count(spark: Any) -> None:
    from salesmetrics import SalesmetricsError
    from salesmetrics.engines.spark import spark_report

    rdd = spark.sparkContext.parallelize(['{"section": "teams", "id": "A"}'], 1)
    with pytest.raises(SalesmetricsError, match="partitions"):
        spark_report(rdd, period=EXAMPLE_PERIOD, partitions=0)


def test_spark_takes_dataframes_one_per_section(spark: Any) -> None:
    from pyspark.sql import functions

    from salesmetrics.engines.spark import records_of_frames, spark_report

    data = json.loads(example_path().read_text(encoding="utf-8"))
    memory = report_json(build_report(load(example_path()), period=EXAMPLE_PERIOD))
    sc = spark.sparkContext
    frames = {}
    for section, body in data.items():
        rows = ([{"id": cid, **cal} for cid, cal in body.items()] if section == "calendars"
                else body)
        if rows:
            frames[section] = spark.read.json(sc.parallelize([json.dumps(r) for r in rows], 2))
    report = spark_report(records_of_frames(frames), period=EXAMPLE_PERIOD, partitions=3)
    assert report_json(report) == memory
    # a real timestamp column has no offset: written in the session's zone, the same
    # instants (an instant the report shows, the last activity, shows that zone's offset)
    frames["messages"] = frames["messages"].withColumn("at", functions.to_timestamp("at"))
    report = spark_report(records_of_frames(frames), period=EXAMPLE_PERIOD, partitions=3)
    assert by_instant(report_json(report)) == by_instant(memory)


def test_spark_frames_are_checked(spark: Any) -> None:
    from salesmetrics import SalesmetricsError
    from salesmetrics.engines.spark import records_of_frames

    teams = spark.createDataFrame([("A",)], ["id"])
    with pytest.raises(SalesmetricsError, match=r"frames\['team'\]: unknown section"):
        records_of_frames({"team": teams})
    with pytest.raises(SalesmetricsError, match=r"frames\['teams'\]: a Spark DataFrame, not list"):
        records_of_frames({"teams": [{"id": "A"}]})
    with pytest.raises(SalesmetricsError, match="frames: give a mapping"):
        records_of_frames({})
    tagged = spark.createDataFrame([("A", "teams")], ["id", "section"])
    with pytest.raises(SalesmetricsError, match="a column is named 'section'"):
        records_of_frames({"teams": tagged})


@pytest.mark.parametrize(("items", "options", "code", "path"), [
    (['{"section": '], {}, "invalid_value", ""),
    ([5], {}, "invalid_value", ""),
    (['{"section": "teams", "id": "A", "id": "B"}'], {}, "invalid_value", ""),
    (['{"section": "threads", "id": "t", "team": "X"}'], {}, "unknown_reference", "threads.team"),
    ([], {"depth": 0}, "invalid_option", "depth"),
    ([], {"depth": 2.5}, "invalid_option", "depth"),
    ([], {"max_errors": "x"}, "invalid_option", "max_errors"),
    ([], {"period": "x"}, "invalid_period", "period"),
    ([], {"compare": "no"}, "invalid_option", "compare"),
])
def test_spark_raises_a_records_error_on_the_driver_not_sparks_exception(
        spark: Any, items: list[Any], options: dict[str, Any], code: str, path: str) -> None:
    from salesmetrics.engines.spark import spark_report

    rdd = spark.sparkContext.parallelize(items, 2)
    with pytest.raises(SalesmetricsError) as e:
        spark_report(rdd, **{"period": EXAMPLE_PERIOD, **options})
    assert (e.value.code, e.value.path) == (code, path)
    if items:
        assert str(e.value).startswith("records (bag partition ")


def test_spark_refuses_records_that_are_not_an_rdd() -> None:
    from salesmetrics.engines.spark import spark_report

    with pytest.raises(SalesmetricsError) as e:
        spark_report([{"section": "teams", "id": "A"}], period=EXAMPLE_PERIOD)
    assert (e.value.code, e.value.path) == ("invalid_value", "records")
