"""The stream engine's lenient loading: the memory engine's lenient report, part by part.

``stream_report(..., strict=False)`` skips the records ``load(..., strict=False)``
skips (duplicate ids and references to skipped records across parts
included), lists them in the same :class:`LoadReport`, entry for entry and in
its order, each with its file and line, and reports the same numbers. The
reference data is loaded once; the parts are built on it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesmetrics import SalesmetricsError
from salesmetrics.engines import stream as stream_module
from salesmetrics.engines.stream import split, stream_report
from salesmetrics.examples import EXAMPLE_PERIOD, example_path
from salesmetrics.load import LoadReport, load
from salesmetrics.load._csv import dump_csv_dir
from salesmetrics.load._jsonl import dump_jsonl
from salesmetrics.report import build_report, report_json

EXAMPLE = json.loads(example_path().read_text(encoding="utf-8"))


def _copy(data: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(data))  # type: ignore[no-any-return]


def _jsonl(data: dict[str, Any], path: Path, *extra: str) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        dump_jsonl(data, fh)
        fh.writelines(line + "\n" for line in extra)
    return path


def _messy() -> dict[str, Any]:
    """The example with an error of every kind, in reference sections and parts alike."""
    d = _copy(EXAMPLE)
    d["messages"][700]["at"] = "2026-03-10T09:00:00"  # naive
    d["messages"][900]["id"] = d["messages"][3]["id"]  # a duplicate id, maybe in another part
    d["messages"][901]["id"] = d["messages"][4]["id"]
    d["messages"][901]["direction"] = "sideways"  # and an error of its own, reported first
    d["customers"][40]["account_type"] = "alien"  # a customer skipped: its threads, leads too
    d["customers"][50]["id"] = d["customers"][2]["id"]
    d["customers"][0]["id"] = 5
    d["teams"][1]["calendar"] = "nowhere"  # a team skipped: its users, threads, leads...
    d["threads"][5]["customer"] = "nobody"
    d["threads"][6]["team"] = "ZZ"
    d["leads"][3]["received_at"] = "bad"  # a lead skipped: its activities
    d["users"][2]["team"] = "ZZ"
    d["activities"][10]["extra"] = 1
    d["smart_lists"][0]["customers"].append("nobody")
    return d


def _both(path: Path, partitions: int) -> tuple[LoadReport, LoadReport]:
    ds, memory = load(path, strict=False)
    report, streamed = stream_report(path, period=EXAMPLE_PERIOD, partitions=partitions,
                                     strict=False)
    assert report_json(report) == report_json(build_report(ds, period=EXAMPLE_PERIOD))
    assert streamed.skipped == memory.skipped  # entry for entry, in the same order
    assert streamed.records == memory.records
    return memory, streamed


@pytest.mark.parametrize("partitions", [1, 3, 7])
def test_stream_lenient_skips_and_reports_what_memory_lenient_does(
        tmp_path: Path, partitions: int) -> None:
    path = _jsonl(_messy(), tmp_path / "messy.jsonl", "{oops", '{"section": "nope"}')
    memory, streamed = _both(path, partitions)
    codes = {s.code for s in memory.skipped}
    assert codes == {"invalid_instant", "duplicate_id", "invalid_value", "unknown_reference"}
    # every entry says where it is: the line of the record (or of the line) in the file
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(streamed.places) == len(streamed.skipped)
    for entry, (file, line) in zip(streamed.skipped, streamed.places, strict=True):
        assert file == "messy.jsonl" and line is not None
        if entry.path.startswith("messages[700]"):
            assert "2026-03-10T09:00:00" in lines[line - 1]
        if entry.path.startswith("line "):
            assert entry.path == f"line {line}"
        if entry.path.startswith("customers[40]"):
            assert '"alien"' in lines[line - 1]


@pytest.mark.parametrize("partitions", [1, 4])
def test_stream_lenient_on_a_csv_folder(tmp_path: Path, partitions: int) -> None:
    data = _messy()
    folder = tmp_path / "csv"
    dump_csv_dir(data, folder)
    with open(folder / "messages.csv", "a", encoding="utf-8") as fh:
        fh.write("m-extra,t-000,2026-03-02T09:00:00+01:00,in,customer,,,sms,one too many\n")
    memory, streamed = _both(folder, partitions)
    assert any(s.message.startswith("messages.csv: row has") for s in memory.skipped)
    places = dict(zip(streamed.skipped, streamed.places, strict=True))
    alien = next(s for s in streamed.skipped if s.path.startswith("customers[40]"))
    file, line = places[alien]
    assert file == "customers.csv" and '"alien"' not in (line_text := (
        folder / "customers.csv").read_text(encoding="utf-8").splitlines()[line - 1]) \
        and "alien" in line_text


def test_a_clean_file_skips_nothing_and_strict_is_checked(tmp_path: Path) -> None:
    path = _jsonl(EXAMPLE, tmp_path / "clean.jsonl")
    report, skipped = stream_report(path, period=EXAMPLE_PERIOD, partitions=3, strict=False)
    assert skipped == LoadReport() and str(skipped) == "nothing skipped"
    assert report == build_report(load(path), period=EXAMPLE_PERIOD)
    with pytest.raises(SalesmetricsError) as e:
        stream_report(path, period=EXAMPLE_PERIOD, strict="no")  # type: ignore[call-overload]
    assert (e.value.code, e.value.path) == ("invalid_option", "strict")


def _small() -> dict[str, Any]:
    """A tenth of the example: every reference section, 25 threads, 15 leads."""
    d = _copy(EXAMPLE)
    threads = {t["id"] for t in d["threads"][:25]}
    leads = {x["id"] for x in d["leads"][:15]}
    d["threads"] = d["threads"][:25]
    d["messages"] = [m for m in d["messages"] if m["thread"] in threads]
    d["thread_events"] = [e for e in d["thread_events"] if e["thread"] in threads]
    d["leads"] = d["leads"][:15]
    d["activities"] = [a for a in d["activities"] if a.get("lead") in leads
                       or (a.get("lead") is None and len(leads) % 2)][:60]
    d["sessions"] = d["sessions"][:20]
    return d


SMALL = _small()

#: (section, field, bad value): None removes the field; "@dup" takes another record's id
_FAULTS = [
    ("messages", "at", "2026-03-02T09:00:00"), ("messages", "direction", "sideways"),
    ("messages", "thread", None), ("messages", "id", "@dup"), ("messages", "user", "ghost"),
    ("thread_events", "to_team", "ZZ"), ("thread_events", "id", "@dup"),
    ("threads", "team", "ZZ"), ("threads", "customer", "nobody"), ("threads", "id", "@dup"),
    ("leads", "received_at", "soon"), ("leads", "id", "@dup"), ("leads", "assignee", "ghost"),
    ("activities", "kind", "dance"), ("activities", "lead", "nolead"),
    ("activities", "id", "@dup"), ("sessions", "user", "ghost"), ("sessions", "id", "@dup"),
    ("customers", "account_type", "alien"), ("customers", "id", "@dup"),
    ("customers", "id", ""), ("teams", "calendar", "nowhere"), ("teams", "parent", "ZZ"),
    ("teams", "id", "@dup"), ("users", "team", "ZZ"), ("users", "id", "@dup"),
    ("smart_lists", "customers", ["nobody"]), ("smart_lists", "users", ["ghost"]),
    ("messages", "x", 1),
]


@st.composite
def _messy_small(draw: st.DrawFn) -> tuple[dict[str, Any], list[str]]:
    data = _copy(SMALL)
    for _ in range(draw(st.integers(1, 6))):
        section, field, value = draw(st.sampled_from(_FAULTS))
        records = data[section]
        i = draw(st.integers(0, len(records) - 1))
        if value is None:
            records[i].pop(field, None)
        elif value == "@dup":
            records[i][field] = records[draw(st.integers(0, len(records) - 1))].get("id", "d")
        else:
            records[i][field] = value
    extra = draw(st.lists(st.sampled_from(["{oops", "[1]", '{"section": "teams"}',
                                           '{"section": "calendars", "id": "store"}']),
                          max_size=2))
    return data, extra


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=_messy_small(), partitions=st.integers(1, 4), as_csv=st.booleans())
def test_stream_lenient_equals_memory_lenient_on_any_faults(
        tmp_path: Path, case: tuple[dict[str, Any], list[str]], partitions: int,
        as_csv: bool) -> None:
    data, extra = case
    if as_csv:
        path = tmp_path / f"case{len(list(tmp_path.iterdir()))}"
        dump_csv_dir(data, path)
    else:
        path = _jsonl(data, tmp_path / f"case{len(list(tmp_path.iterdir()))}.jsonl", *extra)
    _both(path, partitions)


def test_the_reference_is_validated_once_and_csv_customers_are_not_in_the_parts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _jsonl(EXAMPLE, tmp_path / "ex.jsonl")
    of_lists = {c for sl in EXAMPLE["smart_lists"] for c in sl["customers"]}
    seen: list[tuple[int, set[str]]] = []
    real = stream_module.finish

    def counting(data: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append((len(data.get("teams", [])), {c["id"] for c in data.get("customers", [])}))
        return real(data, *args, **kwargs)

    monkeypatch.setattr(stream_module, "finish", counting)
    assert stream_report(path, period=EXAMPLE_PERIOD, partitions=4) == build_report(
        load(path), period=EXAMPLE_PERIOD)
    assert len(seen) == 5  # the reference, then 4 parts
    assert seen[0] == (len(EXAMPLE["teams"]), of_lists)
    for teams, customers in seen[1:]:  # the parts: no reference record validated again
        assert teams == 0 and not customers & of_lists
    folder = tmp_path / "csv"
    dump_csv_dir(EXAMPLE, folder)
    with split(folder, partitions=3) as s:
        assert not list(s.root.glob("part*/customers.csv"))
        assert not list(s.root.glob("reference/customers.csv"))
        assert len(s.reference.customers) == len(of_lists)


def test_the_command_line_stream_lenient(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    from salesmetrics.cli import main

    path = _jsonl(_messy(), tmp_path / "messy.jsonl", "{oops")
    period = ["--period", EXAMPLE_PERIOD.start.isoformat(), EXAMPLE_PERIOD.end.isoformat()]
    assert main(["report", str(path), *period, "--format", "json", "--lenient"]) == 0
    memory = capsys.readouterr()
    assert main(["report", str(path), *period, "--format", "json", "--lenient",
                 "--engine", "stream", "--partitions", "3"]) == 0
    streamed = capsys.readouterr()
    assert streamed.out == memory.out
    mem_lines, stream_lines = memory.err.splitlines(), streamed.err.splitlines()
    assert stream_lines[-1] == mem_lines[-1]
    assert stream_lines[-1].endswith("record(s) skipped, the report counts the rest")
    assert len(stream_lines) == len(mem_lines)
    # the same entries, each with its place: "skipped messy.jsonl:LINE: path: code: message"
    for mem, got in zip(mem_lines[:-1], stream_lines[:-1], strict=True):
        head, rest = mem.split("skipped ", 1)
        assert got.startswith(head + "skipped messy.jsonl:") and got.endswith(": " + rest)
    assert main(["report", str(path), *period, "--engine", "stream"]) == 2  # strict refuses
    capsys.readouterr()
    assert main(["report", str(path), *period, "--engine", "dask", "--lenient"]) == 2
    assert "--lenient needs --engine memory or stream" in capsys.readouterr().err


def test_csv_customers_errors_name_their_line_in_customers_csv(tmp_path: Path) -> None:
    # a CSV folder's customers now go to the store as JSON Lines' do: strict errors
    # are the in-memory loader's, with the file and the row's line
    for change, path in ((("account_type", "alien"), "customers[40].account_type"),
                         (("id", EXAMPLE["customers"][2]["id"]), "customers[40].id")):
        data = _copy(EXAMPLE)
        data["customers"][40][change[0]] = change[1]
        folder = tmp_path / f"csv-{change[0]}"
        dump_csv_dir(data, folder)
        with pytest.raises(SalesmetricsError) as memory:
            load(folder)
        with pytest.raises(SalesmetricsError) as e:
            stream_report(folder, period=EXAMPLE_PERIOD, partitions=3)
        assert (e.value.code, e.value.path, e.value.message) == (
            memory.value.code, memory.value.path, memory.value.message)
        assert e.value.path == path
        # the header is line 1; (the first pass stops at the customers' errors)
        first = memory.value.errors[0]  # type: ignore[attr-defined]
        assert str(e.value.errors[0]) == f"customers.csv:42: {first}"  # type: ignore[attr-defined]


@pytest.mark.parametrize("partitions", [1, 3])
def test_csv_reading_errors_skip_their_rows_first_in_reference_and_parts(
        tmp_path: Path, partitions: int) -> None:
    # rows with a cell too many are left out before validation, with the records
    # that reference them (a team's users, a customer's threads), in any part
    folder = tmp_path / "csv"
    dump_csv_dir(EXAMPLE, folder)
    for name, line in (("teams.csv", "Z9,Zed,,,,extra,cells"), ("users.csv", "u-new,A,B,C,Z9"),
                       ("conversions.csv", "nolead,order,2026-03-02T09:00:00+01:00"),
                       ("customers.csv", "c-extra,person,brand,too,many"),
                       ("threads.csv", "t-new,c-extra,Z9,")):
        with open(folder / name, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
    memory, streamed = _both(folder, partitions)
    assert [s.path for s in memory.skipped] == [
        "customers[250]", "teams[3]", "conversions[56].lead", "users[8].team",
        "threads[250].customer", "threads[250].team"]
    at = [s.path for s in streamed.skipped].index("customers[250]")
    assert streamed.places[at] == ("customers.csv", 252)  # the header is line 1
