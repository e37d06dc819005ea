from __future__ import annotations

import json
from pathlib import Path

import pytest
from _load_helpers import error_places, records, small_dataset

from salesmetrics.errors import DatasetError, SalesmetricsError
from salesmetrics.load import from_dict, load, load_csv_dir, load_jsonl
from salesmetrics.load._csv import dump_csv_dir, read_csv_dir
from salesmetrics.load._jsonl import iter_jsonl_lines


def write(folder: Path, name: str, text: str, *, encoding: str = "utf-8") -> None:
    folder.mkdir(exist_ok=True)
    with open(folder / name, "w", encoding=encoding, newline="") as fh:
        fh.write(text)


def test_json_jsonl_and_csv_give_identical_datasets(tmp_path: Path) -> None:
    data = small_dataset()
    assert data["leads"] and any(lead.get("conversions") for lead in data["leads"])
    dump_csv_dir(data, tmp_path / "csv")
    json_path = tmp_path / "d.json"
    json_path.write_text(json.dumps(data), encoding="utf-8")
    expected = records(from_dict(data))
    assert records(load(json_path)) == expected
    assert records(load_jsonl(iter_jsonl_lines(data))) == expected
    assert records(load_csv_dir(tmp_path / "csv")) == expected
    assert records(load(tmp_path / "csv")) == expected


def test_cells_convert_by_field_kind(tmp_path: Path) -> None:
    d = tmp_path / "d"
    write(d, "users.csv", "id,team\nu1,\n")
    write(d, "customers.csv", "id,account_type\nc1,business\nc2,\n")
    write(d, "activities.csv",
          "user,kind,at,completed,automated,answered,duration_seconds\n"
          "u1,call,2026-03-02T09:00:00+01:00,yes,0,TRUE,61.5\n"
          "u1,todo,2026-03-02T09:00:00+01:00,No,false,,\n")
    write(d, "smart_lists.csv", "id,name,customers,users\nsl,Renewals,c1; c2,\nsl2,Empty,,u1\n")
    ds = load_csv_dir(d)
    call, todo = ds.activities
    assert (call.completed, call.automated, call.answered, call.duration_seconds) == (
        True, False, True, 61.5)
    assert (todo.completed, todo.answered, todo.duration_seconds) == (False, None, None)
    assert ds.users[0].team is None and ds.customers[1].account_type is None
    assert ds.smart_lists[0].customers == ("c1", "c2") and ds.smart_lists[0].users == ()
    assert ds.smart_lists[1].customers == () and ds.smart_lists[1].users == ("u1",)


def test_errors_name_the_row_within_the_file(tmp_path: Path) -> None:
    d = tmp_path / "d"
    write(d, "teams.csv", "id\nA\n")
    write(d, "threads.csv", "id,team\nt,A\n")
    write(d, "messages.csv", "thread,at,direction\n"
          "t,2026-03-02T09:00:00+01:00,in\n\n"
          "t,2026-03-02T09:00:00,in\n"
          "t,2026-03-02T09:05:00+01:00,up\n")
    write(d, "activities.csv", "user,kind,at,completed\nu9,call,2026-03-02T09:00:00Z,maybe\n")
    with pytest.raises(DatasetError) as info:
        load_csv_dir(d)
    assert error_places(info.value) == [
        ("invalid_instant", "messages[1].at"),
        ("invalid_value", "messages[2].direction"),
        ("unknown_reference", "activities[0].user"),
        ("invalid_value", "activities[0].completed"),
    ]


def test_bom_crlf_and_line_breaks_inside_quoted_cells(tmp_path: Path) -> None:
    d = tmp_path / "d"
    write(d, "teams.csv", '\ufeffid,name\r\n"A","Paris\rOpéra"\r\nB,"two\r\nlines"\r\n')
    ds = load_csv_dir(d)
    assert [t.id for t in ds.teams] == ["A", "B"]
    assert ds.teams[0].name == "Paris\rOpéra" and ds.teams[1].name == "two\r\nlines"


def test_conversions_csv_attaches_rows_to_their_leads(tmp_path: Path) -> None:
    d = tmp_path / "d"
    write(d, "leads.csv", "id,received_at\nL1,2026-03-02T09:00:00+01:00\nL2,"
          "2026-03-02T09:00:00+01:00\n")
    write(d, "conversions.csv", "lead,kind,at\nL2,order,2026-03-03T09:00:00+01:00\n"
          "L2,sale,2026-03-04T09:00:00+01:00\n")
    ds = load_csv_dir(d)
    assert ds.leads[0].conversions == ()
    assert [c.kind.value for c in ds.leads[1].conversions] == ["order", "sale"]


def test_conversion_errors(tmp_path: Path) -> None:
    d = tmp_path / "d"
    write(d, "leads.csv", "id,received_at\nL1,2026-03-02T09:00:00+01:00\n")
    write(d, "conversions.csv", "lead,kind,at\nL9,order,2026-03-03T09:00:00+01:00\n"
          "L1,refund,2026-03-03T09:00:00+01:00\n,sale,2026-03-03T09:00:00+01:00\n")
    with pytest.raises(DatasetError) as info:
        load_csv_dir(d)
    assert error_places(info.value) == [
        ("unknown_reference", "conversions[0].lead"),
        ("missing_field", "conversions[2].lead"),
        ("invalid_value", "leads[0].conversions[0].kind"),
    ]


def test_calendars_json_beside_the_csvs(tmp_path: Path) -> None:
    d = tmp_path / "d"
    write(d, "calendars.json", json.dumps({"store": {"timezone": "Europe/Paris",
                                                     "weekly": {"mon": [["09:00", "25:00"]]}}}))
    write(d, "teams.csv", "id,calendar\nA,store\n")
    with pytest.raises(DatasetError) as info:
        load_csv_dir(d)
    assert error_places(info.value)[0] == ("invalid_calendar", "calendars.store.weekly.mon[0]")
    write(d, "calendars.json", "{nope")
    with pytest.raises(DatasetError) as bad:
        load_csv_dir(d)
    assert error_places(bad.value)[0] == ("invalid_value", "calendars")


def test_unknown_files_and_columns_are_errors_not_silence(tmp_path: Path) -> None:
    d = tmp_path / "d"
    write(d, "teams.csv", "id,colour,x-note\nA,red,fine\n")
    write(d, "widgets.csv", "id\nw\n")
    write(d, "notes.txt", "ignored: not CSV")
    with pytest.raises(DatasetError) as info:
        load_csv_dir(d)
    assert error_places(info.value) == [("invalid_value", "widgets"),
                                        ("invalid_value", "teams[0].colour")]


def test_a_row_longer_than_the_header(tmp_path: Path) -> None:
    d = tmp_path / "d"
    write(d, "teams.csv", "id\nA\nB,extra\n")
    with pytest.raises(DatasetError) as info:
        load_csv_dir(d)
    assert error_places(info.value) == [("invalid_value", "teams[1]")]


def test_empty_file_and_header_only_file(tmp_path: Path) -> None:
    d = tmp_path / "d"
    write(d, "teams.csv", "")
    write(d, "users.csv", "id,team\n")
    data, errors = read_csv_dir(d)
    assert data == {"teams": [], "users": []} and errors == []


def test_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(SalesmetricsError) as info:
        load_csv_dir(tmp_path / "missing")
    assert (info.value.code, info.value.path) == ("invalid_value", "")
