"""from_frames: DataFrames with the case format's columns give the dataset of the dicts."""

from __future__ import annotations

from typing import Any

import pytest
from _load_helpers import RECORD_SECTIONS, error_places, records, small_dataset
from _sql_helpers import example_data, report_of
from hypothesis import given, settings
from hypothesis import strategies as st

from salesmetrics.errors import DatasetError, SalesmetricsError
from salesmetrics.load import from_dict, from_dict_lenient, from_frames, load
from salesmetrics.load._dicts import _FIELDS

pd = pytest.importorskip("pandas")


def _frames(data: dict[str, Any], *, typed: bool = True) -> dict[str, Any]:
    """One DataFrame per section; instants as tz-aware datetime64 columns when ``typed``."""
    frames: dict[str, Any] = {}
    conversions = []
    for section in RECORD_SECTIONS:
        rows = [{k: v for k, v in rec.items() if k != "conversions"}
                for rec in data.get(section) or ()]
        for rec in data.get(section) or ():
            for conv in rec.get("conversions") or ():
                conversions.append({"lead": rec["id"], **conv})
        frame = pd.DataFrame(rows)
        if typed:
            for name, kind, _ in _FIELDS[section]:
                if kind[0] == "instant" and name in frame:
                    frame[name] = pd.to_datetime(frame[name], utc=True, format="ISO8601")
        frames[section] = frame
    if conversions:
        frames["conversions"] = pd.DataFrame(conversions)
    return frames


def test_the_example_network_from_frames_has_the_records_and_report_of_its_json() -> None:
    data = example_data()
    from_json = load("examples/store_network.json")
    ds = from_frames(_frames(data), calendars=data["calendars"])
    assert records(ds) == records(from_json)
    assert report_of(ds) == report_of(from_json)


def test_text_instants_with_offsets_and_missing_cells_as_nan_load_as_from_dict() -> None:
    data = small_dataset()
    frames = _frames(data, typed=False)
    assert frames["messages"]["user"].isna().any()  # NaN where a message has no user
    assert records(from_frames(frames, calendars=data["calendars"])) == records(from_dict(data))


def test_integer_ids_with_nan_and_a_named_index_load() -> None:
    frames = {
        "users": pd.DataFrame({"id": [7, 8], "first_name": ["Ana", None]}).set_index("id"),
        "teams": pd.DataFrame({"id": ["A"]}),
        "threads": pd.DataFrame({"id": ["t", "u"], "team": ["A", "A"],
                                 "assignee": [7, None]}),  # float64: 7.0, NaN
    }
    assert str(frames["threads"]["assignee"].dtype) == "float64"
    ds = from_frames(frames)
    assert [(u.id, u.first_name) for u in ds.users] == [("7", "Ana"), ("8", None)]
    assert [t.assignee for t in ds.threads] == ["7", None]


def test_boolean_and_nullable_columns() -> None:
    frames = {
        "users": pd.DataFrame({"id": ["u"]}),
        "activities": pd.DataFrame({
            "user": ["u", "u", "u"], "kind": ["call"] * 3,
            "at": pd.to_datetime(["2026-03-02T09:00:00+01:00"] * 3),
            "completed": pd.array([True, None, False], dtype="boolean"),
            "answered": [1, 0, None],
            "duration_seconds": pd.array([30, None, 5], dtype="Int64")}),
    }
    ds = from_frames(frames)
    assert [(a.completed, a.answered, a.duration_seconds) for a in ds.activities] == [
        (a.completed, a.answered, a.duration_seconds) for a in from_dict({
            "users": [{"id": "u"}],
            "activities": [
                {"user": "u", "kind": "call", "at": "2026-03-02T09:00:00+01:00",
                 "completed": True, "answered": True, "duration_seconds": 30},
                {"user": "u", "kind": "call", "at": "2026-03-02T09:00:00+01:00",
                 "answered": False},
                {"user": "u", "kind": "call", "at": "2026-03-02T09:00:00+01:00",
                 "completed": False, "duration_seconds": 5}]}).activities]


def test_naive_datetime_columns_need_naive_timezone() -> None:
    frames = {"teams": pd.DataFrame({"id": ["A"]}),
              "threads": pd.DataFrame({"id": ["t"], "team": ["A"]}),
              "messages": pd.DataFrame({"thread": ["t"], "direction": ["in"],
                                        "at": pd.to_datetime(["2026-03-02 09:00"])})}
    with pytest.raises(DatasetError) as info:
        from_frames(frames)
    assert error_places(info.value) == [("invalid_instant", "messages[0].at")]
    assert "naive_timezone=" in info.value.message
    at = from_frames(frames, naive_timezone="Europe/Paris").messages[0].at
    assert at.isoformat() == "2026-03-02T09:00:00+01:00"


def test_errors_and_lenient_report_are_those_of_from_dict() -> None:
    data = {"teams": [{"id": "A"}, {"id": "A"}],
            "threads": [{"id": "t", "team": "A"}, {"id": "u", "team": "Z"}],
            "messages": [{"thread": "t", "at": "2026-03-02T09:00:00+01:00", "direction": "in"},
                         {"thread": "u", "at": "2026-03-02T09:00:00+01:00", "direction": "in"},
                         {"thread": "t", "at": "2026-03-02T09:00:00+01:00", "direction": "up"}]}
    frames = {k: pd.DataFrame(v) for k, v in data.items()}
    with pytest.raises(DatasetError) as from_df:
        from_frames(frames)
    with pytest.raises(DatasetError) as from_dicts:
        from_dict(data)
    assert error_places(from_df.value) == error_places(from_dicts.value)
    ds, report = from_frames(frames, strict=False)
    ds_dict, report_dict = from_dict_lenient(data)
    assert records(ds) == records(ds_dict) and report.skipped == report_dict.skipped


def test_an_unknown_column_or_section_is_reported_at_its_place() -> None:
    with pytest.raises(DatasetError) as info:
        from_frames({"teams": pd.DataFrame({"id": ["A"], "colour": ["red"]}),
                     "stores": pd.DataFrame({"id": ["s"]})})
    assert error_places(info.value) == [("invalid_value", "stores"),
                                        ("invalid_value", "teams[0].colour")]


def test_something_other_than_a_frame_is_refused_at_its_section() -> None:
    with pytest.raises(SalesmetricsError) as info:
        from_frames({"teams": "A,B"})
    assert (info.value.code, info.value.path) == ("invalid_value", "teams")
    with pytest.raises(SalesmetricsError) as info:
        from_frames([("teams", [])])  # type: ignore[arg-type]
    assert (info.value.code, info.value.path) == ("invalid_value", "frames")


def test_a_column_used_twice_is_refused_not_half_read() -> None:
    twice = pd.DataFrame([["A", "x", "y"]], columns=["id", "name", "name"])
    with pytest.raises(SalesmetricsError) as info:
        from_frames({"teams": twice})
    assert (info.value.code, info.value.path) == ("invalid_value", "teams")
    clash = pd.DataFrame({"id": ["A"], "name": ["x"]}).set_index("name")
    clash["name"] = ["y"]
    with pytest.raises(SalesmetricsError) as info:
        from_frames({"teams": clash})
    assert "'name' is used twice" in info.value.message


def test_a_calendars_frame_and_smart_list_members_as_lists() -> None:
    frames = {
        "calendars": pd.DataFrame({"id": ["c"], "definition": ['{"timezone": "Europe/Paris"}']}),
        "teams": pd.DataFrame({"id": ["A"], "calendar": ["c"]}),
        "customers": pd.DataFrame({"id": [1, 2]}),
        "smart_lists": pd.DataFrame({"id": ["s", "r"], "customers": [[1, 2], "2"]}),
    }
    ds = from_frames(frames)
    assert ds.calendars["c"].timezone == "Europe/Paris"
    assert [s.customers for s in ds.smart_lists] == [("1", "2"), ("2",)]


def _full(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every row with every column (Arrow infers its schema from the first row)."""
    columns = list(dict.fromkeys(k for r in rows for k in r))
    return [{c: r.get(c) for c in columns} for r in rows]


def _plain_tables(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The sections as lists of records, conversions in their own table."""
    plain: dict[str, list[dict[str, Any]]] = {
        s: [{k: v for k, v in r.items() if k != "conversions"} for r in data[s]]
        for s in RECORD_SECTIONS if data.get(s)}
    plain["conversions"] = [{"lead": lead["id"], **c} for lead in data["leads"]
                            for c in lead.get("conversions") or ()]
    return plain


def test_lists_of_records_load_too() -> None:
    data = small_dataset()
    assert records(from_frames(_plain_tables(data), calendars=data["calendars"])) == records(
        from_dict(data))


@pytest.mark.parametrize("module", ["polars", "pyarrow"])
def test_polars_frames_and_arrow_tables_load_too(module: str) -> None:
    lib = pytest.importorskip(module, reason=f"{module} is not installed (optional)")
    data = small_dataset()
    if module == "polars":
        frames = {s: lib.DataFrame(rows, infer_schema_length=None)
                  for s, rows in _plain_tables(data).items()}
    else:
        frames = {s: lib.Table.from_pylist(_full(rows)) for s, rows in _plain_tables(data).items()}
    assert records(from_frames(frames, calendars=data["calendars"])) == records(from_dict(data))


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**31), typed=st.booleans())
def test_frames_of_any_generated_dataset_load_as_its_dict(seed: int, typed: bool) -> None:
    from salesmetrics.examples import generate

    data = generate(seed=seed, messages=30, weeks=1)
    assert records(from_frames(_frames(data, typed=typed), calendars=data["calendars"])) == (
        records(from_dict(data)))
