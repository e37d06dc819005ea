from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from _load_helpers import error_places, records, small_dataset

from salesmetrics.errors import DatasetError, SalesmetricsError
from salesmetrics.load import from_dict, load, load_jsonl
from salesmetrics.load._jsonl import dump_jsonl, iter_jsonl_lines, read_jsonl

TEAM = '{"section": "teams", "id": "A"}'
THREAD = '{"section": "threads", "id": "t", "team": "A"}'


def msg(at: str = "2026-03-02T09:00:00+01:00", **extra: str) -> str:
    rec = {"section": "messages", "thread": "t", "at": at, "direction": "in", **extra}
    return json.dumps(rec)


def test_jsonl_gives_the_same_records_as_the_dict() -> None:
    data = small_dataset()
    assert records(load_jsonl(list(iter_jsonl_lines(data)))) == records(from_dict(data))


def test_jsonl_file_round_trip_through_load(tmp_path: Path) -> None:
    data = small_dataset()
    path = tmp_path / "data.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        dump_jsonl(data, fh)
    assert records(load(path)) == records(from_dict(data))
    ndjson = tmp_path / "data.ndjson"
    ndjson.write_bytes(path.read_bytes())
    assert records(load(ndjson)) == records(from_dict(data))


def test_sections_may_interleave_and_blank_lines_are_skipped() -> None:
    lines = [THREAD, "", "   ", msg(), TEAM, msg("2026-03-02T10:00:00+01:00")]
    ds = load_jsonl(lines)
    assert [m.index for m in ds.messages] == [0, 1]
    assert ds.messages[1].at.hour == 10


def test_record_errors_name_the_index_within_the_section() -> None:
    lines = [TEAM, THREAD, msg(), TEAM.replace('"A"', '"B"'), msg(), msg("2026-03-02T09:00:00")]
    with pytest.raises(DatasetError) as info:
        load_jsonl(lines)
    assert error_places(info.value) == [("invalid_instant", "messages[2].at")]


def test_same_error_paths_as_json() -> None:
    data = {"teams": [{"id": "A"}, {"id": "A"}],
            "threads": [{"id": "t", "team": "Z"}],
            "messages": [{"thread": "t", "at": "2026-03-02", "direction": "sideways"}]}
    with pytest.raises(DatasetError) as from_json:
        from_dict(data)
    with pytest.raises(DatasetError) as from_jsonl:
        load_jsonl(iter_jsonl_lines(data))
    assert error_places(from_jsonl.value) == error_places(from_json.value)
    assert ("duplicate_id", "teams[1].id") in error_places(from_jsonl.value)


def test_calendar_lines_carry_their_id_and_errors_name_it() -> None:
    lines = ['{"section": "calendars", "id": "store", "timezone": "Mars/Olympus"}',
             '{"section": "teams", "id": "A", "calendar": "store"}']
    with pytest.raises(DatasetError) as info:
        load_jsonl(lines)
    assert error_places(info.value)[0] == ("invalid_calendar", "calendars.store.timezone")


@pytest.mark.parametrize(("line", "code"), [
    ("{not json", "invalid_value"),
    ("[1, 2]", "invalid_value"),
    ('{"id": "A"}', "missing_field"),
    ('{"section": "widgets", "id": "A"}', "invalid_value"),
    ('{"section": "calendars", "timezone": "UTC"}', "missing_field"),
])
def test_a_line_that_fits_no_section_names_the_line(line: str, code: str) -> None:
    with pytest.raises(DatasetError) as info:
        load_jsonl([TEAM, "", line])
    assert error_places(info.value) == [(code, "line 3")]


def test_duplicate_calendar_id_names_the_later_line() -> None:
    cal = '{"section": "calendars", "id": "c", "timezone": "UTC"}'
    with pytest.raises(DatasetError) as info:
        load_jsonl([cal, cal])
    assert error_places(info.value) == [("duplicate_id", "line 2")]


def test_line_errors_come_before_record_errors_and_respect_max_errors() -> None:
    lines = ["oops", THREAD, "oops again"]
    with pytest.raises(DatasetError) as info:
        load_jsonl(lines)
    assert error_places(info.value) == [("invalid_value", "line 1"),
                                        ("invalid_value", "line 3"),
                                        ("unknown_reference", "threads[0].team")]
    with pytest.raises(DatasetError) as limited:
        load_jsonl(lines, max_errors=2)
    assert len(limited.value.errors) == 2


def test_reads_a_file_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_bytes(("\ufeff" + TEAM + "\r\n" + THREAD + "\r\n").encode())
    assert len(load_jsonl(path).threads) == 1
    assert len(load_jsonl(str(path)).threads) == 1


def test_read_jsonl_accepts_a_text_stream() -> None:
    data, errors = read_jsonl(io.StringIO(TEAM + "\n"))
    assert data == {"teams": [{"id": "A"}]} and errors == []


def test_not_a_dataset_file_type(tmp_path: Path) -> None:
    path = tmp_path / "d.txt"
    path.write_text("x")
    with pytest.raises(SalesmetricsError) as info:
        load(path)
    assert (info.value.code, info.value.path) == ("invalid_value", "")
