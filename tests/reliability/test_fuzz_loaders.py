"""Fuzzing every loader: any input loads or raises a SalesmetricsError, and nothing is lost.

Strict loading that succeeds keeps every record given; lenient loading keeps
or lists (in its LoadReport) every record given.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from _harness import SECTIONS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesmetrics.dataset import Dataset
from salesmetrics.errors import DatasetError, ErrorCode, SalesmetricsError
from salesmetrics.examples import generate
from salesmetrics.load import (
    LoadReport,
    from_dict,
    from_dict_lenient,
    load,
    load_csv_dir,
    load_json,
    load_jsonl,
)
from salesmetrics.load._csv import dump_csv_dir
from salesmetrics.load._jsonl import iter_jsonl_lines

CODES = {str(c) for c in ErrorCode}
VALID = generate(seed=11, messages=12, weeks=1)
VALID_JSON = json.dumps(VALID).encode()
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**30), 10**400),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(["2026-03-02T09:00:00Z", "2026-03-02T09:00:00", "9999-12-31T23:59:59-14:00",
                     "0001-01-01T00:00:00+14:00", "2028-02-29T12:00:00+01:00", "=cmd()",
                     "A", "t", "in", "out", "transfer", "call", "\x00", "\ud800"]),
)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                           max_leaves=30)
FIELDS = ["id", "team", "thread", "at", "direction", "sender", "user", "type", "to_team",
          "status", "start", "end", "received_at", "kind", "customers", "conversions",
          "timezone", "weekly", "holidays", "calendar", "duration_seconds", "completed", "x-a"]
records = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6)
datasets = st.dictionaries(
    st.sampled_from([*SECTIONS, "calendars", "bogus", "x-extra", "a.b"]),
    st.one_of(st.lists(records, max_size=4), json_values,
              st.dictionaries(st.text(max_size=5), records, max_size=3)),
    max_size=6)


def assert_refused_well(exc: SalesmetricsError) -> None:
    errors = exc.errors if isinstance(exc, DatasetError) else (exc,)
    for err in (exc, *errors):
        assert err.code in CODES and isinstance(err.path, str), err


def assert_nothing_lost(data: Any, ds: Dataset, report: LoadReport | None = None) -> None:
    """Every record given is loaded, or (lenient) listed in the report."""
    skipped = set(report.records) if report is not None else set()
    for section in SECTIONS:
        given_ = data.get(section)
        loaded = len(getattr(ds, section))
        if not isinstance(given_, list) or section in skipped:
            continue
        listed = {r for r in skipped if r.startswith(f"{section}[")}
        assert loaded + len(listed) == len(given_), (section, loaded, listed, len(given_))
    cals = data.get("calendars")
    if isinstance(cals, dict) and "calendars" not in skipped:
        listed = {r for r in skipped if r.startswith("calendars.")}
        assert len(ds.calendars) + len(listed) == len(cals)


def strict_and_lenient(data: Any) -> None:
    try:
        ds = from_dict(data)
    except SalesmetricsError as exc:
        assert_refused_well(exc)
    else:
        assert_nothing_lost(data, ds)
    try:
        ds, report = from_dict_lenient(data)
    except SalesmetricsError as exc:
        assert_refused_well(exc)
    else:
        assert_nothing_lost(data, ds, report)


@SETTINGS
@given(datasets)
def test_from_dict_on_random_json_values(data: dict[str, Any]) -> None:
    strict_and_lenient(data)


@SETTINGS
@given(st.sampled_from([s for s in SECTIONS if VALID.get(s)]), st.integers(0, 200),
       st.sampled_from(FIELDS), json_values)
def test_from_dict_with_one_field_of_a_valid_dataset_made_wrong(
        section: str, index: int, field: str, value: Any) -> None:
    data = json.loads(VALID_JSON)
    records_ = data[section]
    records_[index % len(records_)][field] = value
    strict_and_lenient(data)


def _mutations() -> st.SearchStrategy[bytes]:
    def apply(ops: list[tuple[str, int, int]]) -> bytes:
        raw = bytearray(VALID_JSON)
        for op, pos, byte in ops:
            pos %= max(1, len(raw))
            if op == "truncate":
                del raw[pos:]
            elif op == "flip":
                if raw:
                    raw[pos] = byte
            elif op == "insert":
                raw[pos:pos] = bytes([byte])
            elif op == "bom":
                raw[0:0] = b"\xef\xbb\xbf"
            elif op == "crlf":
                raw = bytearray(bytes(raw).replace(b"\n", b"\r\n").replace(b", ", b",\r\n"))
            elif op == "number":
                raw = bytearray(bytes(raw).replace(b"false", b"1e999", 1).replace(
                    b"true", b"NaN", 1).replace(b'"duration_seconds": ', b'"duration_seconds": 9' * 2, 1))
            elif op == "nest":
                raw[pos:pos] = b"[" * 5000
        return bytes(raw)
    op = st.tuples(st.sampled_from(["truncate", "flip", "insert", "bom", "crlf", "number",
                                    "nest", "flip", "flip"]),
                   st.integers(0, 1 << 20), st.sampled_from([0, 0x22, 0x7B, 0xFF, 0xC3, 0x0A]))
    return st.lists(op, min_size=1, max_size=3).map(apply)


def _check_file(path: Path, reader: Any) -> None:
    try:
        reader(path)
    except SalesmetricsError as exc:
        assert_refused_well(exc)
    try:
        ds, report = load(path, strict=False)
    except SalesmetricsError as exc:
        assert_refused_well(exc)
    else:
        assert isinstance(report, LoadReport) and isinstance(ds, Dataset)


@SETTINGS
@given(st.one_of(_mutations(), st.binary(max_size=300)))
def test_load_json_on_mutated_and_random_bytes(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "data.json"
    path.write_bytes(raw)
    _check_file(path, load_json)


@SETTINGS
@given(st.one_of(_mutations(), st.binary(max_size=300)), st.booleans())
def test_load_jsonl_on_mutated_and_random_bytes(tmp_path: Path, raw: bytes,
                                                as_lines: bool) -> None:
    if as_lines:  # a valid JSON Lines file, mutated the same way
        lines = "\n".join(iter_jsonl_lines(VALID)).encode()
        raw = lines[: len(raw)] + raw[len(raw) // 2:] if raw else lines
    path = tmp_path / "data.jsonl"
    path.write_bytes(raw)
    _check_file(path, load_jsonl)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["teams", "users", "threads", "messages", "leads", "activities",
                        "smart_lists", "conversions", "calendars"]),
       st.lists(st.tuples(st.integers(0, 1 << 16),
                          st.sampled_from([b"\x00", b"\xff", b'"', b",", b"\r\n", b"\n",
                                           b"=1+1", b"\xef\xbb\xbf", b"9" * 400])),
                min_size=1, max_size=3))
def test_load_csv_dir_on_mutated_files(tmp_path: Path, name: str,
                                       edits: list[tuple[int, bytes]]) -> None:
    folder = tmp_path / f"csv-{len(list(tmp_path.iterdir()))}"
    dump_csv_dir(json.loads(VALID_JSON), folder)
    target = folder / (f"{name}.json" if name == "calendars" else f"{name}.csv")
    raw = bytearray(target.read_bytes()) if target.exists() else bytearray()
    for pos, chunk in edits:
        pos %= max(1, len(raw))
        raw[pos:pos + 1] = chunk
    target.write_bytes(bytes(raw))
    _check_file(folder, load_csv_dir)


def test_strict_loading_keeps_every_record_of_every_format(tmp_path: Path) -> None:
    data = json.loads(VALID_JSON)
    (tmp_path / "d.json").write_text(json.dumps(data))
    (tmp_path / "d.jsonl").write_text("\n".join(iter_jsonl_lines(data)))
    dump_csv_dir(data, tmp_path / "csv")
    for ds in (load_json(tmp_path / "d.json"), load_jsonl(tmp_path / "d.jsonl"),
               load_csv_dir(tmp_path / "csv"), from_dict(data)):
        assert_nothing_lost(data, ds)
        assert sum(len(lead.conversions) for lead in ds.leads) == sum(
            len(lead.get("conversions") or ()) for lead in data["leads"])
