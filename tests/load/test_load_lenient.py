from __future__ import annotations

import json
from pathlib import Path

import pytest
from _load_helpers import records, small_dataset

from salesmetrics.errors import DatasetError, SalesmetricsError
from salesmetrics.load import LoadReport, Skipped, from_dict, from_dict_lenient, load
from salesmetrics.load._csv import dump_csv_dir
from salesmetrics.load._jsonl import iter_jsonl_lines

AT = "2026-03-02T09:00:00+01:00"


def broken() -> dict[str, object]:
    return {
        "calendars": {"good": {"timezone": "UTC"}, "bad": {"timezone": "Mars/Olympus"}},
        "teams": [{"id": "A", "calendar": "good"}, {"id": "B", "calendar": "bad"}],
        "users": [{"id": "u", "team": "A"}, {"id": "v", "team": "B"}],
        "threads": [{"id": "t", "team": "A"}, {"id": "s", "team": "B"}],
        "messages": [{"thread": "t", "at": AT, "direction": "in"},
                     {"thread": "t", "at": "2026-03-02T09:00:00", "direction": "in"},
                     {"thread": "s", "at": AT, "direction": "in"},
                     {"thread": "t", "at": AT, "direction": "out", "user": "v"},
                     {"thread": "t", "at": AT, "direction": "out", "user": "u"}],
    }


def test_strict_is_the_default(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text(json.dumps(broken()))
    with pytest.raises(DatasetError):
        load(path)


def test_lenient_keeps_the_valid_records_and_reports_every_skipped_one() -> None:
    ds, report = from_dict_lenient(broken())
    assert sorted(ds.calendars) == ["good"]
    assert [t.id for t in ds.teams] == ["A"]
    assert [u.id for u in ds.users] == ["u"]
    assert [t.id for t in ds.threads] == ["t"]
    # the kept messages keep their input positions as indexes
    assert [m.index for m in ds.messages] == [0, 1]
    assert [m.user for m in ds.messages] == [None, "u"]
    assert report.records == ("calendars.bad", "messages[1]", "teams[1]", "users[1]",
                              "threads[1]", "messages[2]", "messages[3]")
    codes = {s.path: s.code for s in report.skipped}
    assert codes == {
        "calendars.bad.timezone": "invalid_calendar",
        "messages[1].at": "invalid_instant",
        "teams[1].calendar": "unknown_reference",
        "users[1].team": "unknown_reference",
        "threads[1].team": "unknown_reference",
        "messages[2].thread": "unknown_reference",
        "messages[3].user": "unknown_reference",
    }


def test_every_skipped_record_is_reported() -> None:
    data = broken()
    ds, report = from_dict_lenient(data)
    total = sum(len(v) for k, v in data.items() if k != "calendars") + 2
    kept = sum(len(getattr(ds, k)) for k in data if k != "calendars") + len(ds.calendars)
    assert kept + len(report.records) == total


def test_lenient_on_valid_data_skips_nothing() -> None:
    data = small_dataset()
    ds, report = from_dict_lenient(data)
    assert report == LoadReport() and len(report) == 0 and str(report) == "nothing skipped"
    assert records(ds) == records(from_dict(data))


def test_a_record_with_several_errors_is_one_record_in_the_report() -> None:
    data = {"teams": [{"id": "A"}],
            "threads": [{"id": "t", "team": "A"}],
            "messages": [{"thread": "zz", "at": "yesterday", "direction": "?"}]}
    _ds, report = from_dict_lenient(data)
    assert len(report.skipped) == 3 and report.records == ("messages[0]",)
    assert "messages[0].at: invalid_instant" in str(report)


def test_whole_sections_and_unknown_sections_are_reported() -> None:
    _ds, report = from_dict_lenient({"teams": {"id": "A"}, "widgets": [], "x-note": 1})
    assert [(s.path, s.code) for s in report.skipped] == [("widgets", "invalid_value"),
                                                          ("teams", "invalid_value")]


def test_not_an_object_cannot_be_loaded_leniently() -> None:
    with pytest.raises(DatasetError):
        from_dict_lenient([])  # type: ignore[arg-type]


def test_lenient_files_of_every_type_report_the_same_records(tmp_path: Path) -> None:
    data = broken()
    (tmp_path / "d.json").write_text(json.dumps({"format": "salesmetrics-case/1",
                                                  "data": data, "checks": []}))
    (tmp_path / "d.jsonl").write_text("\n".join([*iter_jsonl_lines(data), "not json"]) + "\n")
    dump_csv_dir(data, tmp_path / "csv")
    expected = from_dict_lenient(data)
    for name in ("d.json", "d.jsonl", "csv"):
        ds, report = load(tmp_path / name, strict=False)
        assert records(ds) == records(expected[0]), name
        extra = (Skipped("line 14", "invalid_value", report.skipped[0].message),) \
            if name == "d.jsonl" else ()
        assert report.skipped == extra + expected[1].skipped, name


def test_lenient_json_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text("{")
    with pytest.raises(SalesmetricsError):
        load(path, strict=False)
    with pytest.raises(SalesmetricsError):
        load(tmp_path / "missing.json", strict=False)


def test_calendars_whose_ids_hold_dots_are_each_reported() -> None:
    # "", "." and "a.b" spell paths that read alike (calendars..timezone,
    # calendars...timezone): each skipped calendar is still its own record
    ds, report = from_dict_lenient({"calendars": {"": {}, ".": {}, "a.b": {"timezone": "X"},
                                                  "ok": {"timezone": "UTC"}}})
    assert list(ds.calendars) == ["ok"]
    assert report.records == ("calendars.", "calendars..", "calendars.a.b")
