"""Dask DataFrames, one per section, through the Dask engine: the memory engine's numbers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from engine_reports import by_instant

from salesmetrics import SalesmetricsError
from salesmetrics.examples import EXAMPLE_PERIOD, example_path
from salesmetrics.load import load
from salesmetrics.report import build_report, report_json

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")


@pytest.mark.parametrize("by", ["team", "user"])
def test_dask_dataframes_give_the_memory_numbers(by: str) -> None:
    from salesmetrics.engines.dask import dask_report, frames_bag

    data = json.loads(example_path().read_text(encoding="utf-8"))
    memory = report_json(build_report(load(example_path()), period=EXAMPLE_PERIOD, by=by))
    frames: dict[str, Any] = {}
    for section, rows in data.items():
        if section != "calendars" and rows:
            frame = pd.DataFrame(rows)  # absent fields are NaN: missing, as in from_frames
            if section == "messages":  # a real timestamp column (UTC), the same instants
                frame["at"] = pd.to_datetime(frame["at"], utc=True, format="ISO8601")
            # lists stay lists (smart lists' customers, leads' conversions): by default
            # Dask turns object columns into text
            with dask.config.set({"dataframe.convert-string": False}):
                frames[section] = dd.from_pandas(frame, npartitions=3)
    bag = frames_bag(frames, calendars=data["calendars"])
    with dask.config.set(scheduler="sync"):
        report = dask_report(bag, period=EXAMPLE_PERIOD, by=by, partitions=4)
    assert by_instant(report_json(report)) == by_instant(memory)


def test_dask_dataframes_are_checked() -> None:
    from salesmetrics.engines.dask import dask_report, frames_bag

    teams = dd.from_pandas(pd.DataFrame({"id": ["A"]}), npartitions=1)
    with pytest.raises(SalesmetricsError, match=r"frames\['team'\]: unknown section"):
        frames_bag({"team": teams})
    with pytest.raises(SalesmetricsError, match=r"frames\['teams'\]: a Dask or pandas DataFrame"):
        frames_bag({"teams": [{"id": "A"}]})
    with pytest.raises(SalesmetricsError, match="a column is named 'section'"):
        frames_bag({"teams": pd.DataFrame({"id": ["A"], "section": ["teams"]})})
    with pytest.raises(SalesmetricsError, match=r"calendars\.c: a calendar is an object"):
        frames_bag({"teams": teams}, calendars={"c": "nope"})
    with pytest.raises(SalesmetricsError, match="naive_timezone"):
        frames_bag({"teams": teams}, naive_timezone="Mars/Olympus")
    # a naive timestamp is refused at its record, as from_frames refuses it
    threads = pd.DataFrame({"id": ["t"], "team": ["A"]})
    messages = pd.DataFrame({"thread": ["t"], "direction": ["in"],
                             "at": pd.to_datetime(["2026-03-10T09:00:00"])})
    bag = frames_bag({"teams": teams, "threads": threads, "messages": messages})
    with dask.config.set(scheduler="sync"), pytest.raises(SalesmetricsError, match=r"messages.*\.at"):
        dask_report(bag, period=EXAMPLE_PERIOD)
