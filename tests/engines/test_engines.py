"""One pipeline, three engines: memory, stream and Dask give the same report, number for number.

The stream engine's errors name the file, the line, the record and the field;
its temporary files are gone however the run ends.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesmetrics import SalesmetricsError
from salesmetrics.engines import _pipeline as pipeline_module
from salesmetrics.engines import merge_partials, part_partials, report_from_parts
from salesmetrics.engines import stream as stream_module
from salesmetrics.engines._pipeline import ReportPlan, finish_report
from salesmetrics.engines.stream import LocatedError, stream_report
from salesmetrics.examples import EXAMPLE_PERIOD, example_path
from salesmetrics.examples import main as make_example
from salesmetrics.load import load
from salesmetrics.load._csv import dump_csv_dir
from salesmetrics.load._jsonl import dump_jsonl, read_jsonl
from salesmetrics.report import build_report, report_json

EXAMPLE = json.loads(example_path().read_text(encoding="utf-8"))


def _jsonl(data: dict[str, Any], path: Path) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        dump_jsonl(data, fh)
    return path


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gen") / "g20k.jsonl"
    assert make_example(["--messages", "20000", "--out", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def example_jsonl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # records in any order: sections interleaved, reference data last
    lines = [json.dumps({"section": s, **r}) for s in ("messages", "threads", "leads",
                                                        "activities", "thread_events",
                                                        "sessions", "customers", "teams",
                                                        "users", "smart_lists")
             for r in EXAMPLE[s]]
    lines += [json.dumps({"section": "calendars", "id": k, **v})
              for k, v in EXAMPLE["calendars"].items()]
    path = tmp_path_factory.mktemp("ex") / "example.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    distributed = pytest.importorskip("distributed")
    # two in-process workers: worker processes take seconds to start on 2 cores
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as c, distributed.Client(c) as client:
        yield client


def _three_ways(path: Path, by: str, cluster: Any, tmp_path: Path) -> None:
    from salesmetrics.engines.dask import dask_report, records_bag

    memory = report_json(build_report(load(path), period=EXAMPLE_PERIOD, by=by))
    streamed = stream_report(path, period=EXAMPLE_PERIOD, by=by, partitions=5)
    assert report_json(streamed) == memory
    folder = tmp_path / "csv"
    dump_csv_dir(read_jsonl(path)[0], folder)
    assert report_json(stream_report(folder, period=EXAMPLE_PERIOD, by=by,
                                     partitions=3)) == memory
    on_dask = dask_report(records_bag(path, partitions=3), period=EXAMPLE_PERIOD, by=by,
                          partitions=4)
    assert report_json(on_dask) == memory


@pytest.mark.parametrize("by", ["team", "user"])
def test_memory_stream_and_dask_agree_on_the_example(example_jsonl: Path, by: str,
                                                     cluster: Any, tmp_path: Path) -> None:
    _three_ways(example_jsonl, by, cluster, tmp_path)
    # and the bundled JSON file itself, read on the client
    from salesmetrics.engines.dask import dask_report, records_bag

    assert report_json(dask_report(records_bag(example_path()), period=EXAMPLE_PERIOD,
                                   by=by)) == report_json(
        build_report(load(example_path()), period=EXAMPLE_PERIOD, by=by))


def test_memory_stream_and_dask_agree_on_a_generated_dataset(generated: Path, cluster: Any,
                                                             tmp_path: Path) -> None:
    _three_ways(generated, "team", cluster, tmp_path)


def test_any_cut_and_any_merge_order_give_the_whole() -> None:
    ds = load(example_path())
    plan = ReportPlan.of(period=EXAMPLE_PERIOD, by="user")
    whole = finish_report(ds, part_partials(ds, plan), plan)
    ids = [t.id for t in ds.threads]
    parts = [ds.only_threads(ids[i::3]).replace(
        leads=[x for j, x in enumerate(ds.leads) if j % 3 == i],
        activities=[x for x in ds.activities
                    if (x.lead is None and hash(x.user) % 3 == i)
                    or (x.lead is not None and [y.id for y in ds.leads].index(x.lead) % 3 == i)],
        sessions=[x for j, x in enumerate(ds.sessions) if j % 3 == i]) for i in range(3)]
    partials = [part_partials(p, plan) for p in parts]
    assert finish_report(ds, merge_partials(partials[2], partials[0], partials[1]),
                         plan) == whole
    assert finish_report(ds, merge_partials(partials[1].merge(partials[2]), partials[0]),
                         plan) == whole
    assert report_from_parts(ds, parts, period=EXAMPLE_PERIOD, by="user") == whole
    assert report_from_parts(ds, [], period=EXAMPLE_PERIOD, by="user") == whole


def _broken(tmp_path: Path) -> tuple[Path, int]:
    data = json.loads(json.dumps(EXAMPLE))
    data["messages"][700]["at"] = "2026-03-10T09:00:00"
    path = _jsonl(data, tmp_path / "big.jsonl")
    line = next(i for i, text in enumerate(path.read_text().splitlines(), start=1)
                if '"2026-03-10T09:00:00"' in text)
    return path, line


def test_stream_errors_name_the_file_the_line_the_record_and_the_field(tmp_path: Path) -> None:
    path, line = _broken(tmp_path)
    with pytest.raises(SalesmetricsError) as memory:
        load(path)
    for n in (1, 4):
        with pytest.raises(SalesmetricsError) as e:
            stream_report(path, period=EXAMPLE_PERIOD, partitions=n)
        assert (e.value.code, e.value.path) == (memory.value.code, memory.value.path) \
            == ("invalid_instant", "messages[700].at")
        assert str(e.value) == f"big.jsonl:{line}: {memory.value}"
    folder = tmp_path / "csv"
    dump_csv_dir(read_jsonl(path)[0], folder)
    with pytest.raises(SalesmetricsError) as e:
        stream_report(folder, period=EXAMPLE_PERIOD, partitions=3)
    # the header is line 1: the 701st message row is on line 702
    assert str(e.value) == f"messages.csv:702: {memory.value}"


def test_stream_names_lines_that_hold_no_record_and_duplicate_ids(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"section": "teams", "id": "A"}\n\n{oops\n', encoding="utf-8")
    with pytest.raises(SalesmetricsError) as e:
        stream_report(path, period=EXAMPLE_PERIOD)
    assert e.value.path == "line 3" and str(e.value).startswith("x.jsonl:3: not JSON")
    data = json.loads(json.dumps(EXAMPLE))
    data["messages"][900]["id"] = data["messages"][3]["id"]  # another thread, maybe another part
    with pytest.raises(SalesmetricsError) as memory:
        load(_jsonl(data, tmp_path / "dup.jsonl"))
    with pytest.raises(SalesmetricsError) as e:
        stream_report(tmp_path / "dup.jsonl", period=EXAMPLE_PERIOD, partitions=7)
    assert (e.value.code, e.value.path, e.value.message) == (
        memory.value.code, memory.value.path, memory.value.message)
    assert isinstance(e.value.errors[0], LocatedError)  # type: ignore[attr-defined]
    with pytest.raises(SalesmetricsError) as e:
        stream_report(path, period=EXAMPLE_PERIOD, partitions=0)
    assert (e.value.code, e.value.path) == ("invalid_option", "partitions")


def test_temporary_files_are_removed_on_success_error_and_ctrl_c(
        tmp_path: Path, example_jsonl: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    stream_report(example_jsonl, period=EXAMPLE_PERIOD, partitions=3, tmp_dir=tmp)
    assert list(tmp.iterdir()) == []
    with pytest.raises(SalesmetricsError):
        stream_report(_broken(tmp_path)[0], period=EXAMPLE_PERIOD, partitions=3, tmp_dir=tmp)
    assert list(tmp.iterdir()) == []
    calls = []

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        calls.append(list(tmp.iterdir()))
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline_module, "part_partials", interrupted)
    with pytest.raises(KeyboardInterrupt):
        stream_report(example_jsonl, period=EXAMPLE_PERIOD, partitions=3, tmp_dir=tmp)
    assert calls and calls[0]  # the parts were on disk when Ctrl-C came
    assert list(tmp.iterdir()) == []


def test_the_command_line_engines(example_jsonl: Path, capsys: pytest.CaptureFixture[str],
                                  tmp_path: Path) -> None:
    from salesmetrics.cli import main

    period = ["--period", EXAMPLE_PERIOD.start.isoformat(), EXAMPLE_PERIOD.end.isoformat()]
    assert main(["report", str(example_jsonl), *period, "--format", "json"]) == 0
    memory = capsys.readouterr().out
    assert main(["report", str(example_jsonl), *period, "--format", "json",
                 "--engine", "stream", "--partitions", "4"]) == 0
    assert capsys.readouterr().out == memory
    path, line = _broken(tmp_path)
    assert main(["report", str(path), *period, "--engine", "stream"]) == 2
    assert f"big.jsonl:{line}: messages[700].at: naive instant" in capsys.readouterr().err
    assert main(["report", "--example", "--engine", "stream"]) == 2
    assert "--example needs --engine memory" in capsys.readouterr().err


def test_located_errors_keep_their_place_through_pickling_and_csv_reference_errors(
        tmp_path: Path) -> None:
    import pickle

    err = LocatedError("invalid_instant", "messages[3].at", "naive instant", file="big.jsonl",
                       line=12)
    back = pickle.loads(pickle.dumps(err))
    assert (str(back), back.file, back.line) == (str(err), "big.jsonl", 12)
    assert str(err) == "big.jsonl:12: messages[3].at: naive instant"
    data = json.loads(json.dumps(EXAMPLE))
    data["teams"][1]["calendar"] = "nowhere"
    folder = tmp_path / "csv"
    dump_csv_dir(data, folder)
    with pytest.raises(SalesmetricsError) as memory:
        load(folder)
    with pytest.raises(SalesmetricsError) as e:
        stream_report(folder, period=EXAMPLE_PERIOD, partitions=2)
    assert str(e.value) == f"teams.csv: {memory.value}"
    with pytest.raises(SalesmetricsError) as e:
        stream_report(_jsonl(data, tmp_path / "ref.jsonl"), period=EXAMPLE_PERIOD)
    line = next(i for i, text in enumerate((tmp_path / "ref.jsonl").read_text().splitlines(),
                                           start=1) if '"nowhere"' in text)
    assert str(e.value) == f"ref.jsonl:{line}: {memory.value}"


def test_a_line_the_loader_refuses_in_a_part_is_named_by_its_line_in_the_input(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the first pass reads fast; should the loader refuse a line it let through,
    # the part's error still names the line of the input
    lines = [json.dumps({"section": "teams", "id": "A"}),
             json.dumps({"section": "threads", "id": "t", "team": "A"}), "{oops"]
    path = tmp_path / "odd.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    real = stream_module._record
    monkeypatch.setattr(stream_module, "_record", lambda text, loads=None: real(text, loads) or {
        "section": "messages", "thread": "t"})
    with pytest.raises(SalesmetricsError) as e:
        stream_report(path, period=EXAMPLE_PERIOD, partitions=3)
    assert e.value.path == "line 3" and str(e.value).startswith("odd.jsonl:3: not JSON")


def _customer_line(path: Path, index: int) -> int:
    seen = -1
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if json.loads(text)["section"] == "customers":
            seen += 1
            if seen == index:
                return number
    raise AssertionError(index)


def _errors(data: dict[str, Any], path: Path) -> tuple[Any, Any]:
    """The in-memory loader's error and the stream engine's for the same data."""
    _jsonl(data, path)
    with pytest.raises(SalesmetricsError) as memory:
        load(path)
    with pytest.raises(SalesmetricsError) as streamed:
        stream_report(path, period=EXAMPLE_PERIOD, partitions=3)
    return memory.value, streamed.value


@pytest.mark.parametrize("batch", [3, 20_000])
def test_stream_customers_are_validated_and_located_whatever_part_needs_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int) -> None:
    # customers live on disk and each part loads those it refers to: their errors are
    # still the in-memory loader's, with the file and line, in every batch size
    monkeypatch.setattr(stream_module._Customers, "BATCH", batch)
    bad = json.loads(json.dumps(EXAMPLE))
    bad["customers"][40]["account_type"] = "alien"
    memory, e = _errors(bad, tmp_path / "bad.jsonl")
    assert (e.code, e.path, e.message) == (memory.code, memory.path, memory.message) == (
        "invalid_value", "customers[40].account_type", memory.message)
    line = _customer_line(tmp_path / "bad.jsonl", 40)
    assert str(e).startswith(f"bad.jsonl:{line}: customers[40]")
    dup = json.loads(json.dumps(EXAMPLE))
    dup["customers"][50]["id"] = dup["customers"][2]["id"]
    memory, e = _errors(dup, tmp_path / "dup.jsonl")
    assert (e.code, e.path, e.message) == (memory.code, memory.path, memory.message) == (
        "duplicate_id", "customers[50].id", memory.message)
    assert str(e).startswith(f"dup.jsonl:{_customer_line(tmp_path / 'dup.jsonl', 50)}: ")
    unknown = json.loads(json.dumps(EXAMPLE))
    thread = next(i for i, t in enumerate(unknown["threads"]) if t.get("customer"))
    unknown["threads"][thread]["customer"] = "nobody"
    memory, e = _errors(unknown, tmp_path / "unknown.jsonl")
    assert (e.code, e.path) == (memory.code, memory.path) == (
        "unknown_reference", f"threads[{thread}].customer")
    good = _jsonl(EXAMPLE, tmp_path / "good.jsonl")
    assert stream_report(good, period=EXAMPLE_PERIOD, partitions=3) == build_report(
        load(good), period=EXAMPLE_PERIOD)


def test_dask_takes_records_as_dicts_or_as_json_lines_and_locates_a_bad_line() -> None:
    dask = pytest.importorskip("dask")
    import dask.bag as db

    from salesmetrics.engines.dask import _records, dask_report

    records = list(_records(EXAMPLE))
    memory = report_json(build_report(load(example_path()), period=EXAMPLE_PERIOD))
    with dask.config.set(scheduler="sync"):
        as_text = db.from_sequence([json.dumps(r) for r in records], npartitions=3)
        assert report_json(dask_report(as_text, period=EXAMPLE_PERIOD, partitions=4)) == memory
        # lines as db.read_text gives them: with their newline, blank ones among them
        with_newlines = db.from_sequence([json.dumps(r) + "\n" for r in records] + ["\n", " \r\n"],
                                         npartitions=2)
        assert report_json(dask_report(with_newlines, period=EXAMPLE_PERIOD,
                                       partitions=3)) == memory
        bad = db.from_sequence([json.dumps(r) for r in records[:5]] + ['{"section": '],
                               npartitions=2)
        with pytest.raises(SalesmetricsError) as e:
            dask_report(bad, period=EXAMPLE_PERIOD)
    assert e.value.code == "invalid_value"
    assert str(e.value).startswith("records (bag partition 1, item 2): not JSON")


def _chunked(records: list[Any], size: int) -> list[list[Any]]:
    return [records[i:i + size] for i in range(0, len(records), size)]


def _dask_error(chunks: list[list[Any]], partitions: int) -> SalesmetricsError:
    dask = pytest.importorskip("dask")
    import dask.bag as db

    from salesmetrics.engines.dask import dask_report

    bag = db.from_delayed([dask.delayed(list)(chunk) for chunk in chunks])
    with dask.config.set(scheduler="sync"), pytest.raises(SalesmetricsError) as e:
        dask_report(bag, period=EXAMPLE_PERIOD, partitions=partitions)
    return e.value


def _memory_error(records: list[dict[str, Any]], tmp_path: Path) -> SalesmetricsError:
    path = tmp_path / "bad.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with pytest.raises(SalesmetricsError) as e:
        load(path)
    return e.value


def _mutated(section: str, index: int, field: str, value: Any) -> list[dict[str, Any]]:
    from salesmetrics.engines.dask import _records

    data = json.loads(json.dumps(EXAMPLE))
    data[section][index][field] = value if not callable(value) else value(data)
    return list(_records(data))


@pytest.mark.parametrize("as_text", [True, False])
@pytest.mark.parametrize(("section", "index", "field", "value"), [
    ("messages", 700, "at", "2026-03-10T09:00:00"),  # a group's record
    ("customers", 40, "account_type", "alien"),  # a customer (checked with the reference)
    ("customers", 50, "id", lambda d: d["customers"][2]["id"]),  # a customer id used twice
    ("teams", 1, "calendar", "nowhere"),  # a reference record every group loads
    # a smart list naming no customer (groups load their own accounts of a list only)
    ("smart_lists", 1, "customers", lambda d: [*d["smart_lists"][1]["customers"], "nobody"]),
])
def test_dask_errors_are_the_memory_loaders_named_by_their_place_in_the_bag(
        tmp_path: Path, as_text: bool, section: str, index: int, field: str,
        value: Any) -> None:
    records = _mutated(section, index, field, value)
    memory = _memory_error(records, tmp_path)
    place = next(k for k, r in enumerate(records) if r["section"] == section and sum(
        1 for q in records[:k] if q["section"] == section) == index)
    for size, partitions in ((97, 3), (1000, 1), (40, 7)):
        chunks = _chunked([json.dumps(r) if as_text else r for r in records], size)
        e = _dask_error(chunks, partitions)
        assert (e.code, e.message) == (memory.code, memory.message)
        assert e.path == memory.path.replace(f"[{index}]", "", 1)
        assert str(e).startswith(f"records (bag partition {place // size}, item "
                                 f"{place % size}): {e.path}: {e.message}")


@pytest.mark.parametrize("section", ["teams", "messages"])
def test_dask_refuses_a_key_given_twice_in_a_line_as_the_loader_does(
        tmp_path: Path, section: str) -> None:
    from salesmetrics.engines.dask import _records

    records = [json.dumps(r) for r in _records(EXAMPLE)]
    place = next(k for k, r in enumerate(records) if json.loads(r)["section"] == section)
    records[place] = records[place][:-1] + ', "section": "' + section + '"}'
    path = tmp_path / "twice.jsonl"
    path.write_text("\n".join(records) + "\n", encoding="utf-8")
    with pytest.raises(SalesmetricsError) as memory:
        load(path)
    assert memory.value.path == f"line {place + 1}"
    e = _dask_error(_chunked(records, 100), 4)
    assert (e.code, e.message) == (memory.value.code, memory.value.message)
    assert str(e).startswith(f"records (bag partition {place // 100}, item {place % 100}): "
                             "not JSON: the key 'section' is given twice")


def test_dask_names_a_line_that_is_not_utf8_in_a_file(tmp_path: Path) -> None:
    dask = pytest.importorskip("dask")

    from salesmetrics.engines.dask import dask_report, records_bag

    path = _jsonl(EXAMPLE, tmp_path / "bytes.jsonl")
    raw = path.read_bytes().replace(b'"direction": "in"', b'"direction": "\xffin"', 1)
    path.write_bytes(raw)
    with pytest.raises(SalesmetricsError) as memory:
        load(path)
    with dask.config.set(scheduler="sync"), pytest.raises(SalesmetricsError) as e:
        dask_report(records_bag(path, partitions=3), period=EXAMPLE_PERIOD)
    assert (e.value.code, e.value.message) == (memory.value.code, memory.value.message) == (
        "invalid_value", "not UTF-8 text")
    assert str(e.value).startswith("records (bag partition ")


@given(st.lists(st.text(alphabet="ab{}\"é\r\n \u2028", max_size=12), max_size=12),
       st.sampled_from(["\n", "\r\n", "\r"]), st.booleans(), st.integers(1, 40))
@settings(max_examples=150, deadline=None)
def test_dask_blocks_of_a_file_are_its_lines_as_the_loader_reads_them(
        lines: list[str], newline: str, bom: bool, block: int) -> None:
    import tempfile

    from salesmetrics.engines.dask import _block

    raw = ("\ufeff" if bom else "") + "".join(line + newline for line in lines)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.jsonl"
        path.write_bytes(raw.encode("utf-8"))
        with open(path, encoding="utf-8-sig", newline=None) as fh:
            expected = [line.removesuffix("\n") for line in fh]
        size = path.stat().st_size
        got = [line for start in range(0, size, block)
               for line in _block(str(path), start, start + block)]
    assert got == expected
