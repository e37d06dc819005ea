"""A hostile-input campaign over the public API and the CLI, as an attacker would run it.

One table of hostile values (:data:`HOSTILE`) is put into every field of
every section, every calendar field, every option of every metric, every
parameter of every metric function and every command-line argument; files
of every kind are given to every loader. The promise checked each time
(:func:`refused_well`): the input is accepted, or refused with a
:class:`SalesmetricsError` whose code is one of the codes and whose path is
a string, printable anywhere; never another exception, never a hang (a FIFO
would block forever), never a record lost (strict loading keeps every
record; lenient loading keeps or lists each one).
"""

from __future__ import annotations

import csv
import inspect
import io
import json
import os
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from _harness import SECTIONS, small_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesmetrics import cli, metrics
from salesmetrics.dataset import Dataset
from salesmetrics.errors import DatasetError, ErrorCode, SalesmetricsError, printable
from salesmetrics.examples import main as examples_main
from salesmetrics.load import from_dict, from_dict_lenient, load, load_csv_dir, load_json
from salesmetrics.load import load_jsonl as load_lines
from salesmetrics.load._csv import dump_csv_dir
from salesmetrics.load._dicts import _FIELDS
from salesmetrics.load._limits import Limits
from salesmetrics.load.realdata import helpdesk_data, maven_crm_data, twcs_data
from salesmetrics.period import Period
from salesmetrics.results import csv_text, safe_cell
from salesmetrics.spec.registry import METRICS
from salesmetrics.spec.runner import compute_case

CODES = {str(c) for c in ErrorCode}
FORMULA = ("=", "+", "-", "@", "\t", "\r")

DEEP: Any = 1
for _ in range(40):
    DEEP = [DEEP]

#: The hostile values: wrong types, numbers past a float, NaN, text that is not
#: Unicode, formula text, instants and dates past the supported range or in
#: another spelling, names of folders, very long and deeply nested values.
HOSTILE: list[Any] = [
    None, True, 0, -1, 10**400, -(10**400), 1e308, float("inf"), float("nan"), "", " ",
    "\x00", "\ud800", "A\ud83d", "Team\r=1+1", "=cmd|' /C calc'!A0", "-1", "x" * 5000,
    "9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00Z", "9998-12-31T20:00:00Z",
    "0002-01-01T23:00:00Z", "2026-03-02T09:00:00", "2026-03-02T09:00:00+24:00",
    "2026-W10-1", "20260302", "2026-03-02", "9999-12-31", "0001-01-01", "Europe", "A" * 300,
    "../../../etc/passwd", [], {}, [[]], {"a": 1}, ["A"], [1, 2], DEEP,
]
#: A smaller table for the many option × metric pairs.
HOSTILE_OPTIONS: list[Any] = [
    True, -1, 10**400, float("nan"), float("inf"), "", "\ud800", "=1+1", "x" * 5000,
    "9999-12-31T23:59:59+14:00", "2026-03-02T09:00:00", "2026-W10-1", "Europe", [], {},
    [[1, 2, 3]], [["a", "b"]], DEEP,
]


def refused_well(call: Callable[[], Any]) -> Any:
    """``call()``'s result, or its SalesmetricsError; fail on any other exception."""
    try:
        return call()
    except SalesmetricsError as exc:
        errors = exc.errors if isinstance(exc, DatasetError) else (exc,)
        for err in (exc, *errors):
            assert err.code in CODES and isinstance(err.path, str), err
            str(err).encode("utf-8")  # every error prints, whatever the input held
        return exc


def one_of_each() -> dict[str, Any]:
    """A valid dataset with a record of every section (each field kind present)."""
    return {
        "calendars": {"c": {"timezone": "Europe/Paris", "weekly": {"mon": [["09:00", "18:00"]]},
                            "holidays": {"country": "FR"}, "closed": ["2026-03-10"],
                            "special": {"2026-03-11": [["10:00", "12:00"]]}}},
        "teams": [{"id": "A", "name": "a", "calendar": "c"}, {"id": "B", "parent": "A"}],
        "users": [{"id": "u", "first_name": "f", "last_name": "l", "code": "c", "team": "A"}],
        "customers": [{"id": "k", "account_type": "business", "brand": "b"}],
        "threads": [{"id": "t", "customer": "k", "team": "A", "assignee": "u"}],
        "messages": [{"id": "m", "thread": "t", "at": "2026-03-02T09:00:00+01:00",
                      "direction": "in", "channel": "sms"},
                     {"thread": "t", "at": "2026-03-02T10:00:00+01:00", "direction": "out",
                      "sender": "user", "user": "u", "team": "A"}],
        "thread_events": [{"id": "e", "thread": "t", "at": "2026-03-02T09:30:00+01:00",
                           "type": "transfer", "to_team": "B", "user": "u"}],
        "sessions": [{"user": "u", "start": "2026-03-02T08:00:00+01:00",
                      "end": "2026-03-02T12:00:00+01:00"}],
        "leads": [{"id": "l", "received_at": "2026-03-02T09:00:00+01:00", "customer": "k",
                   "type": "x", "team": "A", "assignee": "u", "status_group": "won",
                   "conversions": [{"kind": "sale", "at": "2026-03-03T09:00:00+01:00"}]}],
        "activities": [{"user": "u", "kind": "call", "at": "2026-03-02T11:00:00+01:00",
                        "customer": "k", "lead": "l", "smart_list": "s", "completed": True,
                        "duration_seconds": 60, "due_at": "2026-03-04T09:00:00+01:00"}],
        "smart_lists": [{"id": "s", "name": "n", "customers": ["k"], "users": ["u"]}],
    }


def record_count(data: dict[str, Any]) -> int:
    return sum(len(data.get(s) or []) for s in SECTIONS)


def dataset_count(ds: Dataset) -> int:
    return sum(len(getattr(ds, s)) for s in SECTIONS)


FIELD_PLACES = [(section, name) for section in _FIELDS for name, _, _ in _FIELDS[section]]


@pytest.mark.parametrize(("section", "field"), FIELD_PLACES,
                         ids=[f"{s}.{f}" for s, f in FIELD_PLACES])
def test_every_hostile_value_in_every_field_loads_or_is_refused_well(section: str,
                                                                     field: str) -> None:
    for value in HOSTILE:
        data = one_of_each()
        data[section][0][field] = value
        given = record_count(data)
        got = refused_well(lambda data=data: from_dict(data))
        if isinstance(got, Dataset):
            assert dataset_count(got) == given, (section, field, value)
        else:
            assert got.path.startswith((*SECTIONS, "calendars")), got
        ds, report = refused_well(lambda data=data: from_dict_lenient(data))
        kept = dataset_count(ds)
        skipped = sum(1 for r in report.records if r.split("[")[0] in SECTIONS)
        assert kept + skipped == given, (section, field, value, report)


CALENDAR_PLACES = ["timezone", "weekly", "weekly.mon", "weekly.mon[0]", "weekly.mon[0][0]",
                   "holidays", "holidays.country", "holidays.subdiv", "closed", "closed[0]",
                   "special", "special.2026-03-11", "special.2026-03-11[0]"]


def put(doc: Any, place: str, value: Any) -> None:
    """Set ``value`` at a dotted path with ``[i]`` indexes inside ``doc``."""
    parts: list[str | int] = []
    for piece in place.split("."):
        name, _, rest = piece.partition("[")
        parts.append(name)
        parts += [int(i) for i in rest.rstrip("]").split("][")] if rest else []
    for key in parts[:-1]:
        doc = doc[key]
    doc[parts[-1]] = value


@pytest.mark.parametrize("place", CALENDAR_PLACES)
def test_every_hostile_value_in_every_calendar_field_is_refused_well(place: str) -> None:
    for value in [*HOSTILE, "25:00", "24:01", "-1:00", "12:60", "Europe/Paris"]:
        data = one_of_each()
        put(data["calendars"]["c"], place, value)
        got = refused_well(lambda data=data: from_dict(data))
        if isinstance(got, SalesmetricsError):
            assert got.path.startswith("calendars.c"), (place, value, got)
        refused_well(lambda data=data: from_dict_lenient(data))
    special = one_of_each()
    special["calendars"]["c"]["special"][" 2026-03-11"] = []
    assert isinstance(refused_well(lambda: from_dict(special)), SalesmetricsError)


def test_hostile_section_and_key_names_are_refused_or_listed() -> None:
    for key in ["bogus", "a.b", "teams[0]", "", "\ud800", "x-ok", "calendars.c", "Teams"]:
        data = one_of_each()
        data[key] = [{"id": "Z"}]
        got = refused_well(lambda data=data: from_dict(data))
        assert isinstance(got, Dataset) == (key == "x-ok"), key
        ds, report = from_dict_lenient(data)
        assert dataset_count(ds) == record_count(one_of_each()), key
        assert report.records == (printable(key),) or key == "x-ok", key
        for section in ("teams", "messages", "calendars"):
            bad = one_of_each()
            target = bad[section]["c"] if section == "calendars" else bad[section][0]
            target[key] = 1
            refused_well(lambda bad=bad: from_dict(bad))
            refused_well(lambda bad=bad: from_dict_lenient(bad))


# -- every metric, every option, through the case runner ------------------------------

PERIOD = {"start": "2026-03-02T00:00:00+01:00", "end": "2026-03-09T00:00:00+01:00"}
GOOD_OPTIONS: dict[str, dict[str, Any]] = {
    "ranking": {"of": "conversations", "key": "total"},
    "variation": {"of": "conversations", "key": "total"},
    "waiting": {"at": "2026-03-05T00:00:00Z"},
    "colleagues": {"day": "2026-03-02", "at": "2026-03-05T00:00:00Z"},
    "open_too_long": {"at": "2026-03-05T00:00:00Z", "threshold_seconds": 60},
    "business_time": {"calendar": "c", "intervals": [["2026-03-02T00:00:00Z",
                                                      "2026-03-03T00:00:00Z"]]},
    "lead_dashboard": {"at": "2026-03-05T00:00:00Z"},
    "inactive_users": {"at": "2026-03-05T00:00:00Z"},
}


def base_check(metric: str) -> dict[str, Any]:
    check: dict[str, Any] = {"metric": metric, "options": dict(GOOD_OPTIONS.get(metric, {}))}
    if METRICS[metric].needs_period:
        check["period"] = dict(PERIOD)
    return check


@pytest.mark.parametrize("metric", sorted(METRICS))
def test_every_hostile_option_of_every_metric_is_a_result_or_a_coded_error(metric: str) -> None:
    spec = METRICS[metric]
    checks = [base_check(metric)]
    for name in spec.options:
        for value in HOSTILE_OPTIONS:
            check = base_check(metric)
            check["options"][name] = value
            checks.append(check)
    for key in ("period", "as_of", "by", "scope", "metric", "options"):
        for value in HOSTILE_OPTIONS:
            check = base_check(metric)
            check[key] = value
            checks.append(check)
    for bound in ("start", "end"):
        for value in HOSTILE_OPTIONS:
            check = base_check(metric)
            check["period"] = {**PERIOD, bound: value}
            checks.append(check)
    doc = {"format": "salesmetrics-case/1", "data": one_of_each(), "checks": checks}
    results = compute_case(doc)
    assert "error" not in results[0], results[0]
    internal = [(c, r) for c, r in zip(checks, results, strict=True)
                if isinstance(r, dict) and r.get("error", {}).get("code") not in (None, *CODES)]
    assert internal == []
    json.dumps(results, ensure_ascii=False).encode("utf-8")


# -- every metric function of the Python API, every parameter --------------------------

WEEK = Period(datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC))
GOOD_ARGS: dict[str, Any] = {"period": WEEK, "at": datetime(2026, 3, 5, tzinfo=UTC),
                             "day": date(2026, 3, 2), "threshold_seconds": 60.0}
HOSTILE_ARGS: list[Any] = [
    None, "2026-03-05T00:00:00Z", datetime(2026, 3, 5), datetime(9999, 1, 1, tzinfo=UTC),
    datetime(1, 1, 1, tzinfo=UTC), date(9999, 12, 31), date(1, 1, 1), float("nan"), -1,
    10**400, "Europe", "\ud800", [], WEEK, 3,
]
FUNCTIONS = [name for name in metrics.__all__
             if inspect.isfunction(getattr(metrics, name))
             and next(iter(inspect.signature(getattr(metrics, name)).parameters)) == "dataset"
             and name != "first_response"]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_every_parameter_of_every_metric_function_is_checked(name: str) -> None:
    func = getattr(metrics, name)
    ds = from_dict(one_of_each())
    params = inspect.signature(func).parameters
    needed = {p: GOOD_ARGS[p] for p, v in params.items()
              if v.default is inspect.Parameter.empty and p != "dataset"}
    func(ds, **needed)
    for param in params:
        if param == "dataset":
            for value in (None, {}, "x"):
                assert isinstance(refused_well(lambda v=value: func(v, **needed)),
                                  SalesmetricsError)
            continue
        for value in HOSTILE_ARGS:
            refused_well(lambda p=param, v=value: func(ds, **{**needed, p: v}))


# -- instants at the ends of the range, in every kind of zone -------------------------

ZONES = ["Pacific/Kiritimati", "Etc/GMT-14", "Etc/GMT+12", "Pacific/Pago_Pago",
         "America/St_Johns", "Asia/Kathmandu", "Australia/Lord_Howe", "Europe/Paris", "UTC"]
EDGES = ["0002-01-02T00:00:00+00:00", "0002-01-02T00:00:00-12:00", "0002-01-03T00:00:00+14:00",
         "9998-12-30T23:59:59+00:00", "9998-12-31T12:00:00+14:00", "9998-12-30T11:59:59-12:00"]


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("end", ["first", "last"])
def test_the_first_and_last_supported_instants_compute_in_every_zone(zone: str,
                                                                     end: str) -> None:
    # the two ends in two datasets: one calendar queried in both years 2 and 9998
    # compiles every year between (a known limit of the calendar engine)
    edges = EDGES[:3] if end == "first" else EDGES[3:]
    data: dict[str, Any] = {
        "calendars": {"c": {"timezone": zone, "weekly": {d: [["09:00", "18:00"]] for d in
                                                         ("mon", "tue", "sat")}}},
        "teams": [{"id": "A", "calendar": "c"}], "users": [{"id": "u", "team": "A"}],
        "threads": [], "messages": [], "leads": [], "sessions": []}
    for i, at in enumerate(edges):
        data["threads"].append({"id": f"t{i}", "team": "A"})
        data["messages"].append({"thread": f"t{i}", "at": at, "direction": "in"})
        data["leads"].append({"id": f"l{i}", "received_at": at, "team": "A", "assignee": "u"})
        data["sessions"].append({"user": "u", "start": at, "end": at})
    ds = from_dict(data)
    period = (Period(datetime(2, 1, 2, tzinfo=UTC), datetime(2, 2, 1, tzinfo=UTC))
              if end == "first" else
              Period(datetime(9998, 12, 1, tzinfo=UTC),
                     datetime(9998, 12, 31, tzinfo=UTC) - timedelta(microseconds=1)))
    as_of = period.end
    assert metrics.response_time(ds, period=period, as_of=as_of, by="team").groups["A"].count == 0
    assert metrics.lead_response_time(ds, period=period, as_of=as_of).overall.leads == 3
    assert metrics.conversations(ds, period=period, as_of=as_of, by="team").groups["A"].total == 3
    assert metrics.response_rate(ds, period=period, as_of=as_of, by="team").groups["A"].contacts == 3
    day = date(2, 1, 1) if end == "first" else date(9998, 12, 31)
    metrics.colleagues(ds, day=day, at=as_of, by="user")


# -- files of every kind, to every loader and command ----------------------------------

def hostile_files(root: Path) -> list[Path]:
    """Paths of every kind: missing, folder, FIFO, device, loop, empty, garbage, deep."""
    out = [root / "missing.json", root / "folder.json", root / "fifo.json", root / "fifo.jsonl",
           root / "loop.json", root / "empty.json", root / "empty.jsonl", root / "bin.json",
           root / "bin.jsonl", root / "deep.json", root / "dup.jsonl", root / "list.json",
           root / "x.txt", Path("/dev/null"), root / "bad\x00name.json"]
    (root / "folder.json").mkdir()
    os.mkfifo(root / "fifo.json")
    os.mkfifo(root / "fifo.jsonl")
    os.symlink(root / "loop.json", root / "loop.json")
    (root / "empty.json").write_bytes(b"")
    (root / "empty.jsonl").write_bytes(b"")
    (root / "bin.json").write_bytes(bytes(range(256)) * 4)
    (root / "bin.jsonl").write_bytes(b"\xff\xfe\x00{\n" * 3)
    (root / "deep.json").write_text("{\"teams\": " + "[" * 50_000 + "]" * 50_000 + "}")
    (root / "dup.jsonl").write_text('{"section": "teams", "section": "users", "id": "A"}\n')
    (root / "list.json").write_text("[1, 2]")
    (root / "x.txt").write_text("{}")
    return out


@pytest.mark.parametrize("loader", ["load", "load_lenient", "load_json", "load_jsonl",
                                    "load_csv_dir", "spec_compute", "spec_run", "report"])
def test_every_loader_and_command_refuses_every_kind_of_bad_file(
        tmp_path: Path, loader: str, capsys: pytest.CaptureFixture[str]) -> None:
    calls: dict[str, Callable[[Path], Any]] = {
        "load": load, "load_lenient": lambda p: load(p, strict=False), "load_json": load_json,
        "load_jsonl": load_lines, "load_csv_dir": load_csv_dir,
        "spec_compute": lambda p: cli.main(["spec", "compute", str(p)]),
        "spec_run": lambda p: cli.main(["spec", "run", str(p)]),
        "report": lambda p: cli.main(["report", str(p), "--period", "2026-03-02T00:00:00Z",
                                      "2026-03-09T00:00:00Z"]),
    }
    for path in hostile_files(tmp_path):
        got = refused_well(lambda path=path: calls[loader](path))
        # an empty JSON Lines file is the empty dataset; a folder is a CSV dataset: the
        # report says it has no data (exit 3); anything else is refused (exit 2)
        empty = {"report": ("empty.jsonl", "folder.json")}.get(loader, ())
        if loader in ("spec_compute", "spec_run", "report"):
            assert got == (3 if path.name in empty else 2) or (
                loader != "report" and got != 0), (path, got)
        assert "Traceback" not in capsys.readouterr().err


def test_a_csv_folder_holding_files_of_every_kind_is_refused_by_section(tmp_path: Path) -> None:
    (tmp_path / "teams.csv").mkdir()
    os.mkfifo(tmp_path / "users.csv")
    (tmp_path / "threads.csv").write_bytes(b"id,team\n\xff,A\n")
    (tmp_path / "messages.csv").write_text('thread,at\n"t,')
    (tmp_path / "leads.csv").write_text("")
    (tmp_path / "Leads.CSV").write_text("id\n")
    (tmp_path / "calendars.json").write_text("[")
    with pytest.raises(DatasetError) as info:
        load_csv_dir(tmp_path)
    assert {e.path for e in info.value.errors} >= {"teams", "users", "threads", "calendars"}
    refused_well(lambda: load(tmp_path, strict=False))


# -- the command line ---------------------------------------------------------------------

def test_hostile_command_lines_exit_with_a_code_never_a_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d.json"
    data.write_text(json.dumps(one_of_each()))
    instants = ["", "x", "2026-03-02", "2026-03-02T00:00:00", "9999-12-31T23:59:59-14:00",
                "0001-01-01T00:00:00Z", "\ud800", "2026-03-02T00:00:00Z" * 100]
    lines: list[list[str]] = [[], ["spec"], ["spec", "compute"], ["bogus"], ["report"],
                              ["report", str(data)], ["spec", "run", str(tmp_path / "none")]]
    for a in instants:
        lines.append(["report", str(data), "--period", a, "2026-03-09T00:00:00Z"])
        lines.append(["report", str(data), "--period", "2026-03-02T00:00:00Z", a])
        lines.append(["report", str(data), "--period", "2026-03-02T00:00:00Z",
                      "2026-03-09T00:00:00Z", "--as-of", a])
    lines.append(["report", str(data), "--period", "0002-01-02T00:00:00Z",
                  "9998-12-30T00:00:00Z", "--format", "csv"])
    lines.append(["report", str(data), "--period", "2026-03-09T00:00:00Z",
                  "2026-03-02T00:00:00Z"])
    for fmt in ("table", "json", "csv"):
        for by in ("team", "user"):
            lines.append(["report", str(data), "--period", "2026-03-02T00:00:00Z",
                          "2026-03-09T00:00:00Z", "--format", fmt, "--by", by])
    for argv in lines:
        code = cli.main(argv)
        assert isinstance(code, int), argv
        out = capsys.readouterr()
        assert "Traceback" not in out.err, argv
        out.out.encode("utf-8")


@pytest.mark.parametrize("args", [
    ["--messages", "-1"], ["--messages", "x"], ["--weeks", "0"], ["--weeks", "-5"],
    ["--weeks", "10000000000"], ["--start", "0001-01-01"], ["--start", "9998-12-01"],
    ["--start", "2026-02-30"], ["--start", "2026-W10-1"], ["--seed", "1e9"],
    ["--format", "xml"], ["--out", "/"], ["--out", "/nonexistent/dir/x.json"],
])
def test_hostile_example_generator_arguments_exit_2(args: list[str], tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = examples_main([*args] if "--out" in args else [*args, "--out",
                                                               str(tmp_path / "x.json")])
    except SystemExit as exc:  # argparse's own refusal: usage and exit 2
        code = exc.code
    assert code == 2
    assert "Traceback" not in capsys.readouterr().err


# -- real-data adapters -----------------------------------------------------------------

TWCS_HEADER = ("tweet_id,author_id,inbound,created_at,text,response_tweet_id,"
               "in_response_to_tweet_id")
HELPDESK_HEADER = "case:concept:name,Activity,Resource,time:timestamp"


@pytest.mark.parametrize("body", [
    "", "\n", TWCS_HEADER, "a,a\n", "tweet_id,tweet_id\n", TWCS_HEADER + "\n1,2,3,4,5,6,7,8\n",
    TWCS_HEADER + "\n,,,,,,\n", TWCS_HEADER + "\nx,y,True,nope,t,,\n",
    TWCS_HEADER + "\n1,b,False,Tue Oct 31 22:10:47 +0000 2017,t,1,1\n",
    TWCS_HEADER + "\n\u00b2,b,False,Tue Oct 31 22:10:47 +0000 2017,t,inf,nan\n",
    TWCS_HEADER + '\n1,b,False,Tue Oct 31 22:10:47 +0000 2017,"unterminated\n',
])
def test_the_twitter_adapter_on_hostile_files(tmp_path: Path, body: str) -> None:
    path = tmp_path / "twcs.csv"
    path.write_text(body)
    refused_well(lambda: twcs_data(path))


@pytest.mark.parametrize("body", [
    "", HELPDESK_HEADER, HELPDESK_HEADER + "\nc,Closed,r,2026-13-01T00:00:00+00:00\n",
    HELPDESK_HEADER + "\nc,Closed,r,2026-03-01T00:00:00\n",
    HELPDESK_HEADER + "\nc,Closed,r,9999-12-31T23:59:59-14:00\n",
    HELPDESK_HEADER + "\nc,Closed,r\n", HELPDESK_HEADER + "\nc,Closed,r,x,extra\n",
])
def test_the_helpdesk_adapter_on_hostile_files(tmp_path: Path, body: str) -> None:
    path = tmp_path / "helpdesk.csv"
    path.write_text(body)
    refused_well(lambda: helpdesk_data(path))


@pytest.mark.parametrize("pipeline", [
    "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date\n"
    "o1,A B,GTXPro,acc,Won,2017-13-01,2017-02-01\n",
    "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date\n"
    "o1,A B,GTXPro,acc,Won,2017-01-01,soon\n",
    "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date\n"
    "o1,Nobody,GTXPro,acc,Won,2017-01-01,\n",
    "opportunity_id,sales_agent\no1,A B\n",
])
def test_the_maven_adapter_on_hostile_files(tmp_path: Path, pipeline: str) -> None:
    (tmp_path / "products.csv").write_text("product,series\nGTX Pro,GTX\n")
    (tmp_path / "sales_teams.csv").write_text("sales_agent,regional_office\nA B,West\n")
    (tmp_path / "accounts.csv").write_text("account,sector\nacc,tech\n")
    (tmp_path / "sales_pipeline.csv").write_text(pipeline)
    refused_well(lambda: maven_crm_data(tmp_path))


# -- properties: exports never start a formula line, CSV folders round-trip -----------------

texts = st.text(alphabet=st.sampled_from("=+-@\t\r\n'a; \u2028"), min_size=1, max_size=12)
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(text=texts)
def test_no_line_of_an_exported_cell_starts_a_formula(text: str) -> None:
    assert not any(line.startswith(FORMULA) for line in str(safe_cell(text)).splitlines())
    exported = csv_text([{"a": text}])
    for row in csv.reader(io.StringIO(exported, newline="")):
        for cell in row:
            assert not any(line.startswith(FORMULA) for line in cell.splitlines())


@SETTINGS
@given(ids=st.lists(texts.filter(lambda t: t.strip(" ") and ";" not in t and t == t.strip()),
                    min_size=1, max_size=4, unique=True))
def test_a_csv_folder_of_hostile_text_reads_back_the_same_dataset(tmp_path_factory: Any,
                                                                 ids: list[str]) -> None:
    data = {"teams": [{"id": i, "name": i} for i in ids],
            "threads": [{"id": i, "team": i} for i in ids]}
    folder = tmp_path_factory.mktemp("csv")
    dump_csv_dir(data, folder)
    ds = load_csv_dir(folder)
    assert [(t.id, t.name) for t in ds.teams] == [(i, i) for i in ids]
    assert [t.team for t in ds.threads] == ids


@SETTINGS
@given(seed=st.integers(0, 10**6), drop=st.sampled_from(SECTIONS))
def test_lenient_loading_keeps_or_lists_every_record_when_a_section_is_dropped(
        seed: int, drop: str) -> None:
    data = small_data(seed % 50)
    data[drop] = [{**r, "id": 5} if isinstance(r, dict) else r for r in data[drop][:2]] + \
        data[drop][2:]
    ds, report = from_dict_lenient(data)
    skipped = sum(1 for r in report.records if r.split("[")[0] in SECTIONS)
    assert dataset_count(ds) + skipped == record_count(data)


@pytest.mark.parametrize("source", [5, None, b"{}", [1, None, b"{}"], [{"section": "teams"}]])
def test_json_lines_given_anything_but_text_lines_is_refused_well(source: Any) -> None:
    assert isinstance(refused_well(lambda: load_lines(source)), SalesmetricsError)


@pytest.mark.parametrize("params", [{"format": "xml"}, {"messages": "5"}, {"weeks": 2.5},
                                    {"seed": None}, {"start": "2026-03-02"},
                                    {"start": datetime(2026, 3, 2, tzinfo=UTC)}])
def test_the_example_writer_refuses_hostile_parameters(params: dict[str, Any]) -> None:
    from salesmetrics.examples import write

    assert isinstance(refused_well(lambda: write(io.StringIO(), **params)), SalesmetricsError)


def test_lenient_loading_of_many_bad_calendars_and_unknown_keys_reports_each() -> None:
    # 8,000 of each took 16 s and 4.6 s (a scan of every id per error); now 0.2 s
    n = 8000
    data: dict[str, Any] = {f"k{i}": 1 for i in range(n)}
    data["calendars"] = {f"c{i}": {"timezone": "Nope"} for i in range(n)}
    data["calendars"]["c.7[x]"] = {"timezone": "Nope"}  # an id holding a dot and brackets
    data["calendars"]["c"] = {"timezone": "UTC"}
    ds, report = from_dict_lenient(data)
    assert list(ds.calendars) == ["c"] and len(report.skipped) == 2 * n + 1
    assert report.skipped[-1].path == "calendars.c.7[x].timezone"


@pytest.mark.parametrize(("call", "path"), [
    (lambda: load("x.json", strict="no"), "strict"),
    (lambda: load("x.json", max_errors="5"), "max_errors"),
    (lambda: from_dict({}, max_errors=None), "max_errors"),
    (lambda: load_lines([], max_errors=1.5), "max_errors"),
    (lambda: load_csv_dir(".", max_errors=[]), "max_errors"),
    (lambda: Limits(max_depth=0), "max_depth"),
    (lambda: Limits(max_bytes="1"), "max_bytes"),
    (lambda: Limits(max_records=True), "max_records"),
])
def test_every_loader_option_is_checked(call: Callable[[], Any], path: str) -> None:
    got = refused_well(call)
    assert isinstance(got, SalesmetricsError) and (got.code, got.path) == ("invalid_option", path)
