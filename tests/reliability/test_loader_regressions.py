"""Regression tests: hostile inputs that once escaped as a non-salesmetrics exception or a hang."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesmetrics.errors import SalesmetricsError
from salesmetrics.load import from_dict, from_dict_lenient, load, load_csv_dir, load_jsonl

DEEP = "[" * 100_000 + "]" * 100_000


def test_an_int_too_large_for_a_float_is_an_invalid_number() -> None:
    data = {"users": [{"id": "u"}],
            "activities": [{"user": "u", "kind": "call", "at": "2026-03-02T09:00:00Z",
                            "duration_seconds": 10**400}]}
    with pytest.raises(SalesmetricsError) as info:
        from_dict(data)
    assert (info.value.code, info.value.path) == ("invalid_value",
                                                  "activities[0].duration_seconds")


def test_jsonl_line_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_bytes(b'{"section": "teams", "id": "A"}\n{"section": "teams", "id": "\xff"}\n')
    with pytest.raises(SalesmetricsError) as info:
        load_jsonl(path)
    assert (info.value.code, info.value.path) == ("invalid_value", "line 2")
    ds, report = load(path, strict=False)
    assert [t.id for t in ds.teams] == ["A"] and report.records == ("line 2",)


def test_jsonl_line_nested_too_deeply_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text('{"section": "teams", "id": "A"}\n' + DEEP + "\n")
    with pytest.raises(SalesmetricsError) as info:
        load_jsonl(path)
    assert info.value.path == "line 2"


def test_lenient_json_nested_too_deeply_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text('{"teams": ' + DEEP + "}")
    with pytest.raises(SalesmetricsError) as info:
        load(path, strict=False)
    assert (info.value.code, info.value.path) == ("invalid_value", "")


@pytest.mark.parametrize(("name", "body", "path"), [
    ("teams.csv", b"id,name\nA,\xff\n", "teams"),
    ("teams.csv", b"id,name\nA," + b"x" * 200_000 + b"\n", "teams"),
    ("calendars.json", DEEP.encode(), "calendars"),
])
def test_csv_folder_file_unreadable_names_its_section(tmp_path: Path, name: str, body: bytes,
                                                      path: str) -> None:
    (tmp_path / name).write_bytes(body)
    with pytest.raises(SalesmetricsError) as info:
        load_csv_dir(tmp_path)
    assert (info.value.code, info.value.path) == ("invalid_value", path)
    if name.endswith(".csv"):
        _, report = load(tmp_path, strict=False)
        assert report.records == (path,)


@pytest.mark.parametrize("key", ["a.b", "a[0]", "Messages[0]x", "", 1])
def test_lenient_skips_any_unknown_top_level_key(key: object) -> None:
    ds, report = from_dict_lenient({key: [1], "teams": [{"id": "A"}]})  # type: ignore[dict-item]
    assert len(ds.teams) == 1
    assert [s.code for s in report.skipped] == ["invalid_value"]


def test_lenient_skips_a_record_nested_too_deeply() -> None:
    deep: object = 1
    for _ in range(20):
        deep = [deep]
    ds, report = from_dict_lenient({"teams": [{"id": "A", "x-deep": deep}, {"id": "B"}]})
    assert [t.id for t in ds.teams] == ["B"] and report.records == ("teams[0]",)


@pytest.mark.parametrize("at", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00",
                                "9999-01-01T00:00:00Z", "0001-12-31T00:00:00Z"])
def test_instants_outside_the_supported_years_are_invalid(at: str) -> None:
    data = {"teams": [{"id": "A"}], "threads": [{"id": "t", "team": "A"}],
            "messages": [{"thread": "t", "at": at, "direction": "in"}]}
    with pytest.raises(SalesmetricsError) as info:
        from_dict(data)
    assert (info.value.code, info.value.path) == ("invalid_instant", "messages[0].at")


def test_a_previous_period_before_year_one_is_an_invalid_period() -> None:
    from salesmetrics.spec.runner import compute_case

    doc = {"format": "salesmetrics-case/1", "data": {"teams": [{"id": "A"}]}, "checks": [
        {"metric": "variation", "options": {"of": "conversations", "key": "total"},
         "period": {"start": "0002-01-02T00:00:00Z", "end": "9998-01-01T00:00:00Z"}},
        {"metric": "colleagues", "options": {"day": "9999-12-31",
                                             "at": "9998-12-30T00:00:00Z"}}]}
    first, second = compute_case(doc)
    assert (first["error"]["code"], first["error"]["path"]) == ("invalid_period", "period")
    assert (second["error"]["code"], second["error"]["path"]) == ("invalid_option", "options.day")


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_a_number_too_long_to_read_is_not_json_without_python_advice(tmp_path: Path,
                                                                    suffix: str) -> None:
    digits = "9" * 5000
    body = (f'{{"section": "teams", "id": "A", "x-n": {digits}}}\n' if suffix == ".jsonl"
            else f'{{"teams": [{{"id": "A", "x-n": {digits}}}]}}')
    path = tmp_path / f"big{suffix}"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(SalesmetricsError) as info:
        load(path)
    text = str(info.value)
    assert "not JSON: a number of more than" in text and "set_int_max_str_digits" not in text


@pytest.mark.parametrize("given", ["", 5, None, b"data.json", 2.5, ["data.json"]])
@pytest.mark.parametrize("loader", [load, load_csv_dir])
def test_a_path_that_is_not_one_is_an_invalid_value_not_a_type_error(loader: object,
                                                                     given: object) -> None:
    with pytest.raises(SalesmetricsError) as info:
        loader(given)  # type: ignore[operator]
    assert info.value.code == "invalid_value"
    assert "path" in info.value.message
