"""Regression tests, one per example of issue 14 (hostile input that broke a promise).

Each test names the example; the campaign of ``test_hostile_campaign.py``
covers their classes with many more inputs.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from salesmetrics import cli, metrics
from salesmetrics.calendars import Calendar
from salesmetrics.errors import SalesmetricsError
from salesmetrics.examples import main as examples_main
from salesmetrics.load import (
    from_dict,
    from_dict_lenient,
    load,
    load_csv_dir,
    load_json,
    load_jsonl,
)
from salesmetrics.load._csv import dump_csv_dir
from salesmetrics.load.realdata import helpdesk_data, maven_crm_data, twcs_data
from salesmetrics.period import Period
from salesmetrics.results import csv_text
from salesmetrics.rules import Cap, Tukey
from salesmetrics.spec.runner import compute_case

WEEK = Period(datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC))
SRC = Path(__file__).resolve().parents[2] / "src"


def error_of(call: Any) -> tuple[str, str]:
    with pytest.raises(SalesmetricsError) as info:
        call()
    return info.value.code, info.value.path


def calendar_data(timezone_name: str) -> dict[str, Any]:
    return {"calendars": {"c": {"timezone": timezone_name, "weekly": {"mon": [["09:00", "18:00"]]}}},
            "teams": [{"id": "A", "calendar": "c"}]}


# -- tracebacks ------------------------------------------------------------------

@pytest.mark.parametrize("name", ["Europe", "A" * 300, "America", "../../etc/passwd",
                                  "/etc/localtime", "localtime", "Europe/", "UTC\x00"])
def test_a_timezone_naming_a_tzdata_folder_or_too_long_is_invalid_calendar(name: str) -> None:
    assert error_of(lambda: from_dict(calendar_data(name))) == (
        "invalid_calendar", "calendars.c.timezone")
    ds, report = from_dict_lenient(calendar_data(name))
    assert report.records == ("calendars.c", "teams[0]") and not ds.teams


def test_a_local_year_past_9998_through_a_calendar_offset_is_refused_at_load() -> None:
    # 9998-12-31T20:00Z is 9999-01-01 in Pacific/Kiritimati (+14): now out of range at load
    data = {**calendar_data("Pacific/Kiritimati"), "threads": [{"id": "t", "team": "A"}],
            "messages": [{"thread": "t", "at": "9998-12-31T20:00:00+00:00", "direction": "in"}],
            "leads": [{"id": "l", "received_at": "9998-12-31T20:00:00+00:00", "team": "A"}]}
    assert error_of(lambda: from_dict(data)) == ("invalid_instant", "messages[0].at")
    # the last accepted instants compute in every metric of the calendar's zone
    last = "9998-12-30T23:59:59+00:00"
    data["messages"] = [{"thread": "t", "at": last, "direction": "in"}]
    data["leads"][0]["received_at"] = last
    ds = from_dict(data)
    period = Period(datetime(9998, 12, 1, tzinfo=UTC), datetime(9998, 12, 30, 23, 59, 59, 999999,
                                                                 tzinfo=UTC))
    assert metrics.response_time(ds, period=period, by="team").groups["A"].count == 0
    assert metrics.lead_response_time(ds, period=period).overall.leads == 1


def test_the_cli_report_on_the_last_supported_instant_in_kiritimati(tmp_path: Path,
                                                                    capsys: Any) -> None:
    data = {**calendar_data("Pacific/Kiritimati"), "threads": [{"id": "t", "team": "A"}],
            "messages": [{"thread": "t", "at": "9998-12-30T20:00:00+00:00", "direction": "in"}]}
    path = tmp_path / "d.json"
    path.write_text(json.dumps(data))
    assert cli.main(["report", str(path), "--period", "9998-12-01T00:00:00Z",
                     "9998-12-30T23:00:00Z"]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_a_lone_surrogate_in_an_id_is_refused_at_load_and_its_error_prints() -> None:
    assert error_of(lambda: from_dict({"teams": [{"id": "A\ud800"}]})) == (
        "invalid_value", "teams[0].id")
    with pytest.raises(SalesmetricsError) as info:
        from_dict({"teams": [{"id": "A", "\ud800": 1}]})
    str(info.value).encode("utf-8")  # the error itself encodes
    json.dumps(info.value.to_dict(), ensure_ascii=False).encode("utf-8")


def test_a_lone_surrogate_in_a_dataset_never_crashes_the_report_output(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text('{"teams": [{"id": "A\\ud800"}]}')
    out = subprocess.run([sys.executable, "-m", "salesmetrics", "report", str(path), "--period",
                          "2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z", "--format", "csv"],
                         capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(SRC)})
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "teams[0].id" in out.stderr


def test_a_100000_deep_case_file_is_a_clean_spec_compute_error(tmp_path: Path,
                                                             capsys: Any) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert cli.main(["spec", "compute", str(path)]) == 2
    assert "nested too deeply" in capsys.readouterr().err
    nested: Any = 1
    for _ in range(900):  # parses, but is refused before anything recursive walks it
        nested = [nested]
    path.write_text(json.dumps({"format": "salesmetrics-case/1", "data": {},
                                "checks": [{"metric": "waiting", "options": {"at": nested}}]}))
    assert cli.main(["spec", "compute", str(path)]) == 2
    assert "nested deeper than" in capsys.readouterr().err


def test_a_401_digit_integer_option_is_invalid_option() -> None:
    doc = {"format": "salesmetrics-case/1", "data": {}, "checks": [
        {"metric": "conversations", "period": {"start": "2026-03-02T00:00:00Z",
                                               "end": "2026-03-09T00:00:00Z"},
         "options": {"gap_seconds": 10**400}},
        {"metric": "response_time", "period": {"start": "2026-03-02T00:00:00Z",
                                               "end": "2026-03-09T00:00:00Z"},
         "options": {"outliers": {"method": "cap", "seconds": 10**400}}}]}
    first, second = compute_case(doc)
    assert (first["error"]["code"], first["error"]["path"]) == ("invalid_option",
                                                                "options.gap_seconds")
    assert (second["error"]["code"], second["error"]["path"]) == (
        "invalid_option", "options.outliers")


@pytest.mark.parametrize("loader", [load, load_json, load_jsonl, load_csv_dir])
def test_every_loader_refuses_a_missing_path_or_a_wrong_kind_cleanly(tmp_path: Path,
                                                                     loader: Any) -> None:
    assert error_of(lambda: loader(tmp_path / "none.json")) == ("invalid_value", "")
    target = tmp_path if loader is not load_csv_dir else tmp_path / "f.json"
    (tmp_path / "f.json").write_text("{}")
    if loader is not load:
        assert error_of(lambda: loader(target)) == ("invalid_value", "")


@pytest.mark.parametrize("name", ["d.json", "d.jsonl", "d.ndjson", "d.JSON"])
def test_a_fifo_given_as_the_dataset_is_refused_without_opening_it(tmp_path: Path,
                                                                   name: str) -> None:
    fifo = tmp_path / name
    os.mkfifo(fifo)  # opening it would block forever: the test would hang
    assert error_of(lambda: load(fifo)) == ("invalid_value", "")
    assert error_of(lambda: load(fifo, strict=False)) == ("invalid_value", "")
    assert error_of(lambda: load_json(fifo)) == ("invalid_value", "")
    assert error_of(lambda: load_jsonl(fifo)) == ("invalid_value", "")
    assert cli.main(["spec", "compute", str(fifo)]) == 2


def test_a_fifo_inside_a_csv_folder_is_refused_at_its_section(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "teams.csv")
    os.mkfifo(tmp_path / "calendars.json")
    with pytest.raises(SalesmetricsError) as info:
        load_csv_dir(tmp_path)
    assert sorted(e.path for e in info.value.errors) == ["calendars", "teams"]  # type: ignore[attr-defined]


def test_a_naive_period_is_invalid_instant_naming_the_bound() -> None:
    aware = datetime(2026, 3, 2, tzinfo=UTC)
    assert error_of(lambda: Period(datetime(2026, 3, 2), aware + timedelta(1))) == (
        "invalid_instant", "period.start")
    assert error_of(lambda: Period(aware, datetime(2026, 3, 9))) == (
        "invalid_instant", "period.end")
    assert error_of(lambda: Period("2026-03-02", aware)) == (  # type: ignore[arg-type]
        "invalid_instant", "period.start")


@pytest.mark.parametrize(("call", "path"), [
    (lambda ds: metrics.conversations(ds, period=WEEK, as_of=datetime(2026, 3, 5), by="team"), "as_of"),
    (lambda ds: metrics.response_time(ds, period=WEEK, as_of=datetime(2026, 3, 5), by="team"), "as_of"),
    (lambda ds: metrics.lead_response_time(ds, period=WEEK, as_of=datetime(2026, 3, 5)), "as_of"),
    (lambda ds: metrics.rep_activity(ds, period=WEEK, as_of=datetime(2026, 3, 5), by="user"), "as_of"),
    (lambda ds: metrics.waiting(ds, at=datetime(2026, 3, 5), by="team"), "at"),
    (lambda ds: metrics.open_too_long(ds, at=datetime(2026, 3, 5), threshold_seconds=1), "at"),
    (lambda ds: metrics.inactive_users(ds, at=datetime(2026, 3, 5)), "at"),
    (lambda ds: metrics.colleagues(ds, day=date(2026, 3, 5), at=datetime(2026, 3, 5), by="user"), "at"),
    (lambda ds: metrics.lead_dashboard(ds, period=WEEK, at=datetime(2026, 3, 5)), "at"),
])
def test_a_naive_at_or_as_of_names_the_parameter(call: Any, path: str) -> None:
    assert error_of(lambda: call(from_dict({}))) == ("invalid_instant", path)


def test_real_data_adapters_on_a_missing_column_or_a_non_numeric_id(tmp_path: Path) -> None:
    twcs = tmp_path / "twcs.csv"
    twcs.write_text("tweet_id,author_id,inbound,created_at,response_tweet_id\n")
    assert error_of(lambda: twcs_data(twcs)) == ("missing_field",
                                                 "twcs.in_response_to_tweet_id")
    twcs.write_text("tweet_id,author_id,inbound,created_at,text,response_tweet_id,"
                    "in_response_to_tweet_id\n"
                    "x1,brand,False,Tue Oct 31 22:10:47 +0000 2017,hi,,1e400\n"
                    "1e400,115712,True,Tue Oct 31 22:09:47 +0000 2017,hello,x1,\n")
    data, skipped = twcs_data(twcs)
    assert [m["id"] for m in data["messages"]] == ["x1", "1e400"] and skipped == []
    helpdesk = tmp_path / "helpdesk.csv"
    helpdesk.write_text("case:concept:name,Activity\nc1,Closed\n")
    assert error_of(lambda: helpdesk_data(helpdesk))[0] == "missing_field"
    maven = tmp_path / "maven"
    maven.mkdir()
    assert error_of(lambda: maven_crm_data(maven)) == ("invalid_value", "products")


@pytest.mark.parametrize(("args", "path"), [
    (["--messages", "-1"], "--messages"), (["--weeks", "0"], "--weeks"),
    (["--start", "0002-01-01"], "--start"), (["--weeks", "600000"], "--weeks"),
])
def test_the_example_generator_refuses_what_it_cannot_honour(
        args: list[str], path: str, tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "ex.json"
    assert examples_main([*args, "--out", str(out)]) == 2
    assert path in capsys.readouterr().err and not out.exists()


def test_the_example_generator_near_the_end_of_the_range_writes_loadable_data(
        tmp_path: Path) -> None:
    out = tmp_path / "ex.json"
    assert examples_main(["--start", "9998-10-20", "--weeks", "1", "--messages", "200",
                          "--out", str(out)]) == 0
    assert len(load(out).messages) == 200


# -- hangs -------------------------------------------------------------------------

def test_lenient_loading_of_a_chain_of_team_parents_is_one_pass_per_round() -> None:
    n = 6000  # 51 s before: one validation round per link of the chain
    teams = [{"id": "T0", "parent": "nope"}] + [{"id": f"T{i}", "parent": f"T{i - 1}"}
                                                 for i in range(1, n)]
    threads = [{"id": "t", "team": f"T{n - 1}"}]
    ds, report = from_dict_lenient({"teams": [*teams, {"id": "ok"}], "threads": threads})
    assert [t.id for t in ds.teams] == ["ok"] and not ds.threads
    assert report.records[:2] == ("teams[0]", "teams[1]") and len(report.records) == n + 1
    assert report.skipped[1].message == "unknown team 'T0'"


# -- silent drops ----------------------------------------------------------------------

def test_duplicate_json_keys_are_refused_in_every_json_reader(tmp_path: Path) -> None:
    doc = '{"teams": [{"id": "A"}], "teams": [{"id": "B"}]}'
    (tmp_path / "d.json").write_text(doc)
    assert error_of(lambda: load(tmp_path / "d.json")) == ("invalid_value", "")
    assert error_of(lambda: load(tmp_path / "d.json", strict=False)) == ("invalid_value", "")
    (tmp_path / "d.jsonl").write_text('{"section": "teams", "id": "A", "id": "B"}\n')
    assert error_of(lambda: load_jsonl(tmp_path / "d.jsonl")) == ("invalid_value", "line 1")
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "calendars.json").write_text('{"c": {"timezone": "UTC", "timezone": "UTC"}}')
    assert error_of(lambda: load_csv_dir(folder)) == ("invalid_value", "calendars")
    (tmp_path / "case.json").write_text('{"format": "salesmetrics-case/1", "checks": [], '
                                        '"checks": []}')
    assert cli.main(["spec", "compute", str(tmp_path / "case.json")]) == 2


@pytest.mark.parametrize("header", ["id,,name", "id,name,name", "id, name ,name", "id,\t"])
def test_a_csv_header_with_an_empty_or_repeated_column_is_refused(tmp_path: Path,
                                                                  header: str) -> None:
    (tmp_path / "teams.csv").write_text(f"{header}\nA,x,y\n")
    assert error_of(lambda: load_csv_dir(tmp_path)) == ("invalid_value", "teams")


def test_an_upper_case_csv_suffix_is_read(tmp_path: Path) -> None:
    (tmp_path / "teams.csv").write_text("id\nA\n")
    (tmp_path / "threads.CSV").write_text("id,team\nt,A\n")
    (tmp_path / "Calendars.JSON").write_text("{}")  # not calendars.json: ignored like any file
    assert [t.id for t in load_csv_dir(tmp_path).threads] == ["t"]


def test_a_team_id_of_one_space_is_a_record_not_a_blank_row(tmp_path: Path) -> None:
    (tmp_path / "teams.csv").write_text("id\nA\n \n\n")
    assert [t.id for t in load_csv_dir(tmp_path).teams] == ["A", " "]


# -- wrong results ----------------------------------------------------------------------

def test_a_bare_carriage_return_in_an_id_never_starts_a_formula_line() -> None:
    text = csv_text([{"team": "Team\r=1+1", "n": 1}, {"team": "a\n@x\r\n-1", "n": 2}])
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert [ln for ln in lines if ln.startswith(("=", "+", "-", "@", "\t"))] == []


def test_dump_csv_dir_writes_no_formula_cell_and_reads_back_the_same(tmp_path: Path) -> None:
    data = {"teams": [{"id": "=1+1", "name": "a\r@b"}, {"id": "'=x", "name": "+33 1"}],
            "threads": [{"id": "-t", "team": "=1+1"}]}
    dump_csv_dir(data, tmp_path)
    for path in tmp_path.glob("*.csv"):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))):
            for cell in row:
                assert not any(line.startswith(("=", "+", "-", "@"))
                               for line in cell.splitlines())
    ds = load_csv_dir(tmp_path)
    assert [(t.id, t.name) for t in ds.teams] == [("=1+1", "a\r@b"), ("'=x", "+33 1")]
    assert [(t.id, t.team) for t in ds.threads] == [("-t", "=1+1")]


def test_colleagues_counts_23_hours_on_a_23_hour_dst_day() -> None:
    cal = {"timezone": "Europe/Paris", "weekly": {}}
    ds = from_dict({"calendars": {"p": cal}, "teams": [{"id": "A", "calendar": "p"}],
                    "users": [{"id": "u", "team": "A"}],
                    "sessions": [{"user": "u", "start": "2026-03-28T12:00:00+01:00",
                                  "end": "2026-03-30T12:00:00+02:00"}]})
    day = metrics.colleagues(ds, day=date(2026, 3, 29), at=datetime(2026, 3, 31, tzinfo=UTC), by="user")
    assert day.rows[0].connected_seconds == 23 * 3600
    assert day.rows[0].day_start.isoformat() == "2026-03-29T00:00:00+01:00"
    autumn = metrics.colleagues(ds, day=date(2026, 3, 28), at=datetime(2026, 3, 31, tzinfo=UTC), by="user")
    assert autumn.rows[0].connected_seconds == 12 * 3600


@pytest.mark.parametrize("key", ["2026-W10-1", "20260302", "2026-061", "2026-3-2",
                                 "2026-03-02 ", "２０２６-03-02"])
def test_a_second_spelling_of_a_special_date_is_refused(key: str) -> None:
    cal = {"timezone": "UTC", "special": {"2026-03-02": [], key: [["09:00", "10:00"]]}}
    assert error_of(lambda: Calendar.from_dict(cal, path="c")) == ("invalid_calendar",
                                                                    f"c.special.{key}")


@pytest.mark.parametrize(("make", "path"), [
    (lambda: Tukey(k=math.nan), "k"), (lambda: Tukey(k=-1), "k"),
    (lambda: Tukey(k=math.inf), "k"), (lambda: Cap(seconds=math.nan), "seconds"),
    (lambda: Cap(seconds=-1), "seconds"), (lambda: Cap(seconds=10**400), "seconds"),
    (lambda: Cap(seconds="5"), "seconds"),
])
def test_outlier_rules_refuse_nan_and_other_non_numbers(make: Any, path: str) -> None:
    assert error_of(make) == ("invalid_option", path)


def test_lenient_csv_loading_skips_the_record_it_reports(tmp_path: Path) -> None:
    (tmp_path / "teams.csv").write_text("id,name\nA,x,extra\nB,y\n")
    (tmp_path / "threads.csv").write_text("id,team\nt,A\nu,B\n")
    ds, report = load(tmp_path, strict=False)
    assert [t.id for t in ds.teams] == ["B"] and [t.id for t in ds.threads] == ["u"]
    assert report.records == ("teams[0]", "threads[0]")


def test_an_out_of_range_previous_period_names_the_period_not_its_start() -> None:
    period = Period(datetime(2, 1, 3, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
    assert error_of(period.previous) == ("invalid_period", "period")


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_the_report_prints_any_text_whatever_the_locale_encoding(tmp_path: Path,
                                                                 fmt: str) -> None:
    # found by the campaign: an ASCII locale made every report format a UnicodeEncodeError
    path = tmp_path / "d.json"
    path.write_text(json.dumps({"teams": [{"id": "Équipe 😀"}],
                                "threads": [{"id": "t", "team": "Équipe 😀"}],
                                "messages": [{"thread": "t", "at": "2026-03-03T10:00:00Z",
                                              "direction": "in"}]}), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "salesmetrics", "report", str(path), "--period",
                          "2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z", "--format", fmt],
                         capture_output=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(SRC), "PYTHONIOENCODING": "ascii"})
    assert out.returncode == 0, out.stderr
    assert "Équipe 😀" in out.stdout.decode("utf-8")
