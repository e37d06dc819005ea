"""The engines under hostile input: every bad path, file, option and bag item is refused well.

The promise (docs/guarantees.md) for the stream, Dask and Spark engines as for
the memory one: every bad input is a :class:`SalesmetricsError` with a code
and a path naming the record and field or the Python parameter (the command
line: one line and exit 2), never another exception, a hang or a silently
wrong number; where ``load`` defines the error for the same input, the
engine gives the same code (and path, but for the place of a JSON Lines
line in a Dask bag, which names its bag partition and item instead).
Dask runs on the synchronous scheduler here (no cluster), Spark in
``test_spark.py`` (its session is that module's).
"""

from __future__ import annotations

import io
import json
import os
import re
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from salesmetrics import SalesmetricsError
from salesmetrics.cli import main
from salesmetrics.engines import stream as stream_module
from salesmetrics.engines.stream import max_partitions, split, stream_report
from salesmetrics.errors import DatasetError, ErrorCode
from salesmetrics.examples import EXAMPLE_PERIOD, example_path
from salesmetrics.load import load
from salesmetrics.load._csv import dump_csv_dir
from salesmetrics.load._jsonl import dump_jsonl
from salesmetrics.report import build_report, report_json

CODES = {str(c) for c in ErrorCode}
EXAMPLE = json.loads(example_path().read_text(encoding="utf-8"))
PERIOD = ["--period", EXAMPLE_PERIOD.start.isoformat(), EXAMPLE_PERIOD.end.isoformat()]


def refused(call: Callable[[], Any]) -> SalesmetricsError:
    """The SalesmetricsError ``call()`` raises, checked: a code, a string path, printable."""
    with pytest.raises(SalesmetricsError) as info:
        call()
    exc = info.value
    for err in (exc, *(exc.errors if isinstance(exc, DatasetError) else ())):
        assert err.code in CODES and isinstance(err.path, str), err
        str(err).encode("utf-8")
    return exc


def _good_text() -> str:
    out = io.StringIO()
    dump_jsonl(EXAMPLE, out)
    return out.getvalue()


GOOD = _good_text()

#: name -> the file's bytes (JSON Lines unless the name says otherwise)
FILES: dict[str, bytes] = {
    "empty.jsonl": b"",
    "good.jsonl": GOOD.encode(),
    "binary.jsonl": bytes(range(256)) * 8,
    "one-huge-line.jsonl": b'{"section": "teams", "id": "' + b"x" * (50 << 20) + b'"',
    "not-an-object.jsonl": b"[1, 2]\n",
    "a-number.jsonl": b"42\n",
    "too-deep-for-the-parser.jsonl": ('{"section": "teams", "id": "A", "name": '
                                      + "[" * 100_000 + "]" * 100_000 + "}\n").encode(),
    "deeper-than-the-limit.jsonl": ('{"section": "teams", "id": "A", "name": '
                                    + "[" * 20 + "]" * 20 + "}\n").encode(),
    "nul-between-records.jsonl": (GOOD[:200] + "\x00" + GOOD[200:]).encode(),
    "nul-in-an-id.jsonl": b'{"section": "teams", "id": "A\x00"}\n',
    "invalid-utf8.jsonl": GOOD.encode()[:300] + b"\xff\xfe" + GOOD.encode()[300:],
    "bom-in-the-middle.jsonl": GOOD.replace("\n", "\n\ufeff", 3).encode(),
    "bom-at-the-start.jsonl": ("\ufeff" + GOOD).encode(),
    "crlf.jsonl": GOOD.replace("\n", "\r\n").encode(),
    "lone-cr.jsonl": GOOD.replace("\n", "\r").encode(),
    "a-key-twice.jsonl": b'{"section": "teams", "id": "A", "id": "B"}\n',
    "lone-surrogate.jsonl": b'{"section": "teams", "id": "\\ud800"}\n',
    "section-a-number.jsonl": b'{"section": 5, "id": "A"}\n',
    "no-section.jsonl": b'{"id": "A"}\n',
    "calendar-without-id.jsonl": b'{"section": "calendars", "timezone": "UTC"}\n',
    "upper-suffix.JSONL": GOOD.encode(),
    "good.json": json.dumps(EXAMPLE).encode(),
    "top-level-list.json": b"[1, 2]",
    "a-key-twice.json": json.dumps(EXAMPLE)[:-1].encode() + b', "teams": []}',
    "a-record-key-twice.json": b'{"teams": [{"id": "A", "id": "B"}]}',
    "section-not-a-list.json": b'{"teams": 5}',
    "record-not-an-object.json": b'{"teams": [5]}',
    "unknown-section.json": b'{"tems": [{"id": "A"}]}',
    "record-with-a-section.json": b'{"teams": [{"id": "A", "section": "users"}]}',
    "calendar-not-an-object.json": b'{"calendars": {"c": 5}}',
    "calendars-a-list.json": b'{"calendars": [1]}',
    "too-deep.json": ('{"teams": ' + "[" * 100_000 + "]" * 100_000 + "}").encode(),
    "invalid-utf8.json": b'{"teams": [{"id": "\xff"}]}',
    "unknown-type.txt": b"{}",
}
#: name -> what makes the path (not a file of FILES)
SPECIAL = ["missing.jsonl", "a-folder-of-no-csv", "a-fifo.jsonl", "/dev/null", "nul\x00name.jsonl"]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hostile")
    out = {}
    for name, body in FILES.items():
        (root / name).write_bytes(body)
        out[name] = root / name
    out["missing.jsonl"] = root / "missing.jsonl"
    (root / "a-folder-of-no-csv").mkdir()
    (root / "a-folder-of-no-csv" / "notes.txt").write_text("hello")
    out["a-folder-of-no-csv"] = root / "a-folder-of-no-csv"
    os.mkfifo(root / "a-fifo.jsonl")  # opened, it would block until a writer comes
    out["a-fifo.jsonl"] = root / "a-fifo.jsonl"
    out["/dev/null"] = Path("/dev/null")
    out["nul\x00name.jsonl"] = root / "nul\x00name.jsonl"
    return out


def _memory(path: Path) -> Any:
    """``load(path)``'s dataset or error (``load`` refuses a FIFO without opening it)."""
    try:
        return load(path)
    except SalesmetricsError as exc:
        return exc


def _same_outcome(got: Callable[[], Any], memory: Any, *, path_too: bool = True) -> None:
    if isinstance(memory, SalesmetricsError):
        exc = refused(got)
        assert exc.code == memory.code, (exc, memory)
        if path_too:
            assert exc.path == memory.path, (exc, memory)
    else:
        expected = report_json(build_report(memory, period=EXAMPLE_PERIOD))
        assert report_json(got()) == expected


@pytest.mark.parametrize("name", [*FILES, *SPECIAL])
def test_the_stream_engine_refuses_every_bad_file_as_load_does(inputs: dict[str, Path],
                                                                name: str) -> None:
    path = inputs[name]
    if path.suffix == ".json":  # one document: the memory engine's (refused before reading)
        exc = refused(lambda: stream_report(path, period=EXAMPLE_PERIOD))
        assert (exc.code, exc.path) == ("invalid_value", "")
        assert "a JSON file is one document" in exc.message
        return
    memory = _memory(path)
    _same_outcome(lambda: stream_report(path, period=EXAMPLE_PERIOD, partitions=3), memory)


@pytest.mark.parametrize("name", [n for n in [*FILES, *SPECIAL] if n != "one-huge-line.jsonl"])
def test_records_bag_refuses_every_bad_file_as_load_does(inputs: dict[str, Path],
                                                          name: str) -> None:
    dask = pytest.importorskip("dask")
    from salesmetrics.engines.dask import dask_report, records_bag

    path = inputs[name]
    memory = _memory(path)
    # a JSON Lines line's error names its place in the bag, not ``line N``; a record's
    # field is named without its index (``teams.id``): the code is the same
    lines = path.suffix.lower() == ".jsonl" and path.exists() and path.is_file()
    with dask.config.set(scheduler="sync"):
        _same_outcome(lambda: dask_report(records_bag(path, partitions=2), period=EXAMPLE_PERIOD),
                      memory, path_too=not lines)
    if isinstance(memory, SalesmetricsError) and not lines:
        assert str(refused(lambda: records_bag(path))) == str(memory)


def test_records_bag_of_a_json_file_refuses_a_key_given_twice_as_load_does(
        inputs: dict[str, Path]) -> None:
    pytest.importorskip("dask")
    from salesmetrics.engines.dask import records_bag

    for name in ("a-key-twice.json", "a-record-key-twice.json"):
        memory = refused(lambda name=name: load(inputs[name]))
        assert "is given twice in one object" in memory.message
        got = refused(lambda name=name: records_bag(inputs[name]))
        assert (got.code, got.path, str(got)) == (memory.code, memory.path, str(memory))


# -- CSV folders -----------------------------------------------------------------------------

def _fifo(d: Path, name: str) -> None:
    (d / name).unlink()
    os.mkfifo(d / name)


CSV_FAULTS: dict[str, Callable[[Path], Any]] = {
    "a fifo as a cut table": lambda d: _fifo(d, "messages.csv"),
    "a fifo as customers.csv": lambda d: _fifo(d, "customers.csv"),
    "a fifo as a reference table": lambda d: _fifo(d, "teams.csv"),
    "a folder as a table": lambda d: ((d / "threads.csv").unlink(), (d / "threads.csv").mkdir()),
    "a broken link": lambda d: ((d / "leads.csv").unlink(),
                                os.symlink(d / "nowhere", d / "leads.csv")),
    "binary garbage": lambda d: (d / "messages.csv").write_bytes(bytes(range(256)) * 4),
    "a table twice": lambda d: (d / "messages.CSV").write_bytes((d / "messages.csv").read_bytes()),
    "an unclosed quote": lambda d: (d / "messages.csv").write_text(
        (d / "messages.csv").read_text() + '"t,'),
    "calendars a list": lambda d: (d / "calendars.json").write_text("[1]"),
    "an unknown table": lambda d: (d / "mesages.csv").write_text("thread,at\nt,x\n"),
}


@pytest.mark.parametrize("fault", CSV_FAULTS)
def test_the_engines_refuse_a_bad_csv_folder_as_load_does(tmp_path: Path, fault: str) -> None:
    dump_csv_dir(EXAMPLE, tmp_path / "csv")
    folder = tmp_path / "csv"
    CSV_FAULTS[fault](folder)
    memory = refused(lambda: load(folder))
    got = refused(lambda: stream_report(folder, period=EXAMPLE_PERIOD, partitions=3))
    assert (got.code, got.path) == (memory.code, memory.path)
    assert str(folder) in got.message or str(folder) not in memory.message  # not the temp copy
    dask = pytest.importorskip("dask")
    from salesmetrics.engines.dask import dask_report, records_bag

    with dask.config.set(scheduler="sync"):
        got = refused(lambda: dask_report(records_bag(folder), period=EXAMPLE_PERIOD))
    # a record's field is named without its index in a bag (``messages.thread``)
    assert (got.code, got.path) == (memory.code, re.sub(r"\[\d+\]", "", memory.path, count=1))


# -- keyword arguments -----------------------------------------------------------------------

BAD_OPTIONS: list[tuple[str, Any, str]] = [
    ("partitions", 0, "invalid_option"), ("partitions", -1, "invalid_option"),
    ("partitions", True, "invalid_option"), ("partitions", 2.5, "invalid_option"),
    ("partitions", "3", "invalid_option"), ("partitions", 10**30, "invalid_option"),
    ("max_errors", True, "invalid_option"), ("max_errors", 2.5, "invalid_option"),
    ("max_errors", "3", "invalid_option"), ("max_errors", None, "invalid_option"),
    ("period", "2026-03-09", "invalid_period"), ("period", None, "invalid_period"),
    ("period", (EXAMPLE_PERIOD.start, EXAMPLE_PERIOD.end), "invalid_period"),
    ("as_of", EXAMPLE_PERIOD.end.replace(tzinfo=None), "invalid_instant"),
    ("as_of", "2026-03-10T00:00:00Z", "invalid_instant"), ("as_of", 5, "invalid_instant"),
    ("by", "bogus", "invalid_option"), ("by", None, "invalid_option"),
    ("compare", "no", "invalid_option"), ("compare", 0, "invalid_option"),
    ("compare", None, "invalid_option"),
]


@pytest.mark.parametrize(("name", "value", "code"), BAD_OPTIONS)
def test_every_bad_keyword_of_the_stream_engine_names_its_parameter(
        inputs: dict[str, Path], name: str, value: Any, code: str) -> None:
    options = {"period": EXAMPLE_PERIOD, name: value}
    exc = refused(lambda: stream_report(inputs["good.jsonl"], **options))
    assert (exc.code, exc.path) == (code, name)


@pytest.mark.parametrize(("name", "value", "code"),
                         [o for o in BAD_OPTIONS if o[0] not in ("partitions", "max_errors")])
def test_every_bad_keyword_of_the_report_is_refused_by_every_engine_as_in_memory(
        name: str, value: Any, code: str) -> None:
    pytest.importorskip("dask")
    from salesmetrics.engines.dask import check_report_options

    options = {"period": EXAMPLE_PERIOD, name: value}
    memory = refused(lambda: build_report(load(example_path()), **options))
    assert (memory.code, memory.path) == (code, name)
    exc = refused(lambda: check_report_options(options))
    assert (exc.code, exc.path) == (code, name)


@pytest.mark.parametrize("tmp_dir", ["missing", "a-file", "/proc", 5, "nul\x00"])
def test_a_tmp_dir_one_cannot_write_in_is_invalid_option(inputs: dict[str, Path],
                                                         tmp_path: Path, tmp_dir: Any) -> None:
    (tmp_path / "a-file").write_text("x")
    where = tmp_path / tmp_dir if tmp_dir in ("missing", "a-file") else tmp_dir
    exc = refused(lambda: stream_report(inputs["good.jsonl"], period=EXAMPLE_PERIOD,
                                        tmp_dir=where))
    assert (exc.code, exc.path) == ("invalid_option", "tmp_dir")


def test_the_default_partitions_stay_within_the_open_file_limit(
        inputs: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    # a file of 2 GB would default to 512 parts: four files each must stay openable
    assert max_partitions() >= 1
    monkeypatch.setattr(stream_module, "PART_BYTES", 1)
    monkeypatch.setattr(stream_module, "max_partitions", lambda: 7)
    with split(inputs["crlf.jsonl"]) as s:
        assert s.n == 7
    monkeypatch.undo()
    exc = refused(lambda: stream_report(inputs["good.jsonl"], period=EXAMPLE_PERIOD,
                                        partitions=max_partitions() + 1))
    assert (exc.code, exc.path) == ("invalid_option", "partitions")
    assert "ulimit -n" in exc.message


@pytest.mark.parametrize(("name", "value"), [
    ("partitions", 0), ("partitions", True), ("partitions", 2.5), ("partitions", "3"),
    ("source", 5), ("source", None)])
def test_records_bag_checks_its_arguments(inputs: dict[str, Path], name: str, value: Any) -> None:
    pytest.importorskip("dask")
    from salesmetrics.engines.dask import records_bag

    options = {"partitions": value} if name == "partitions" else {}
    source = value if name == "source" else inputs["good.jsonl"]
    exc = refused(lambda: records_bag(source, **options))
    assert exc.path == name


@pytest.mark.parametrize(("options", "path"), [
    ({"workers": 0}, "workers"), ({"workers": -1}, "workers"), ({"workers": 2.5}, "workers"),
    ({"workers": True}, "workers"), ({"workers": 10**6}, "workers"),
    ({"scheduler": 5}, "scheduler"), ({"scheduler": "bogus"}, "scheduler"),
    ({"scheduler": "inproc://x"}, "scheduler"), ({"scheduler": ""}, "scheduler"),
    ({"scheduler": "tcp://127.0.0.1:1", "timeout": 0}, "timeout"),
    ({"scheduler": "tcp://127.0.0.1:1", "timeout": float("nan")}, "timeout"),
    ({"scheduler": "tcp://127.0.0.1:1", "timeout": "5"}, "timeout"),
    ({"bogus": 1}, "bogus"), ({"split_every": 0}, "split_every"),
    ({"split_every": 2.5}, "split_every"), ({"max_errors": "3"}, "max_errors"),
    ({"partitions": 0}, "partitions"), ({"period": "x"}, "period"),
])
def test_run_on_cluster_checks_everything_before_it_starts_or_reaches_a_cluster(
        options: dict[str, Any], path: str) -> None:
    pytest.importorskip("distributed")
    import dask.bag as db

    from salesmetrics.engines.dask import run_on_cluster

    options = {"period": EXAMPLE_PERIOD, **options}
    exc = refused(lambda: run_on_cluster(db.from_sequence([], npartitions=1), **options))
    assert exc.path == path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def mute_listener() -> Iterator[int]:
    """A port where something accepts connections and says nothing (not a scheduler)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.1)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(timeout=10)
    server.close()
    for conn in accepted:
        conn.close()


def test_a_scheduler_nobody_answers_at_is_a_clean_error_not_a_hang(mute_listener: int) -> None:
    pytest.importorskip("distributed")
    import dask.bag as db

    from salesmetrics.engines.dask import run_on_cluster

    bag = db.from_sequence([], npartitions=1)
    exc = refused(lambda: run_on_cluster(bag, scheduler=f"tcp://127.0.0.1:{_free_port()}",
                                         period=EXAMPLE_PERIOD))
    assert (exc.code, exc.path) == ("invalid_option", "scheduler")
    assert "no Dask scheduler answers at" in exc.message
    # something listens but never speaks: the client's own timeout bounds the wait
    exc = refused(lambda: run_on_cluster(bag, scheduler=f"tcp://127.0.0.1:{mute_listener}",
                                         timeout=1, period=EXAMPLE_PERIOD))
    assert (exc.code, exc.path) == ("invalid_option", "scheduler")


# -- bags ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("items", "code", "path"), [
    ([b'{"section": "teams", "id": "A"}'], "invalid_value", ""),
    ([5], "invalid_value", ""), ([None], "invalid_value", ""), ([["teams"]], "invalid_value", ""),
    (["[1]"], "invalid_value", ""), (['{"section": '], "invalid_value", ""),
    (['{"section": "teams", "id": "A", "id": "B"}'], "invalid_value", ""),
    ([{"section": 5, "id": "A"}], "invalid_value", "section"),
    ([{"section": None, "id": "A"}], "missing_field", "section"),
    ([{"id": "A"}], "missing_field", "section"),
    ([{"section": "teams", "id": 5}], "invalid_value", "teams.id"),
    ([{"section": "threads", "id": "t", "team": "X"}], "unknown_reference", "threads.team"),
])
def test_a_bag_of_bad_items_is_refused_at_the_item(items: list[Any], code: str,
                                                   path: str) -> None:
    dask = pytest.importorskip("dask")
    import dask.bag as db

    from salesmetrics.engines.dask import dask_report

    with dask.config.set(scheduler="sync"):
        exc = refused(lambda: dask_report(db.from_sequence(items, npartitions=1),
                                          period=EXAMPLE_PERIOD))
    assert (exc.code, exc.path) == (code, path)
    assert str(exc).startswith("records (bag partition 0, item 0)")


@pytest.mark.parametrize("items", [
    [{"section": ["teams"], "id": "A"}],  # an unhashable section
    [{"section": "calendars", "timezone": "UTC"}],  # was filed as a calendar of id ''
    [{"section": "calendars", "id": 5, "timezone": "UTC"}],  # was filed under '5'
], ids=["unhashable-section", "calendar-without-id", "calendar-id-not-a-string"])
def test_a_bag_item_the_cut_or_the_group_could_misread_is_refused(items: list[Any]) -> None:
    dask = pytest.importorskip("dask")
    import dask.bag as db

    from salesmetrics.engines.dask import dask_report

    with dask.config.set(scheduler="sync"):
        refused(lambda: dask_report(db.from_sequence(items, npartitions=1),
                                    period=EXAMPLE_PERIOD))


@pytest.mark.parametrize(("records", "options"), [
    ([{"section": "teams", "id": "A"}], {}),  # a list, not a bag (was AttributeError)
    (None, {"split_every": 0}),  # (was an UnboundLocalError inside dask)
    (None, {"split_every": 2.5}),  # (was accepted)
])
def test_dask_report_checks_its_own_arguments(records: Any, options: dict[str, Any]) -> None:
    dask = pytest.importorskip("dask")
    import dask.bag as db

    from salesmetrics.engines.dask import dask_report

    bag = records if records is not None else db.from_sequence(
        [{"section": "teams", "id": "A"}], npartitions=2)
    with dask.config.set(scheduler="sync"):
        refused(lambda: dask_report(bag, period=EXAMPLE_PERIOD, **options))


# -- Ctrl-C ----------------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["first pass", "a part's reading"])
def test_ctrl_c_in_the_first_pass_or_a_part_removes_the_temporary_files(
        inputs: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        where: str) -> None:
    seen: list[list[Path]] = []
    target = "_record" if where == "first pass" else "read_lines"
    original = getattr(stream_module, target)
    calls = [0]

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == (500 if where == "first pass" else 2):  # the reference's read, then a part
            seen.append(list(tmp_path.rglob("*")))
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(stream_module, target, interrupted)
    with pytest.raises(KeyboardInterrupt):
        stream_report(inputs["good.jsonl"], period=EXAMPLE_PERIOD, partitions=3, tmp_dir=tmp_path)
    assert seen and seen[0]  # the temporary files were there when Ctrl-C came
    assert list(tmp_path.iterdir()) == []


# -- the command line ------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["missing.jsonl", "--engine", "stream"], ["a-fifo.jsonl", "--engine", "stream"],
    ["a-fifo.jsonl", "--engine", "dask"], ["good.json", "--engine", "stream"],
    ["/dev/null", "--engine", "dask"], ["binary.jsonl", "--engine", "stream"],
    ["top-level-list.json", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:1"],
    ["good.jsonl", "--engine", "stream", "--partitions", "0"],
    ["good.jsonl", "--engine", "stream", "--partitions", str(10**9)],
    ["good.jsonl", "--engine", "dask", "--partitions", "-1"],
    ["good.jsonl", "--engine", "dask", "--workers", "0"],
    ["good.jsonl", "--engine", "dask", "--workers", "100000"],
    ["good.jsonl", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:1"],
    ["good.jsonl", "--engine", "dask", "--scheduler", "nowhere"],
    ["good.jsonl", "--engine", "stream", "--as-of", "2026-03-10T00:00:00"],
    ["a-key-twice.json", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:1"],
])
def test_the_command_line_engines_refuse_in_one_line(inputs: dict[str, Path], args: list[str],
                                                      capfd: pytest.CaptureFixture[str]) -> None:
    argv = ["report", str(inputs.get(args[0], args[0])), *args[1:], *PERIOD]
    assert main(argv) == 2
    err = capfd.readouterr().err
    # one line; a file's further errors (up to 9) come first, one a line, indented
    *more, last = err.splitlines()
    assert last.startswith("salesmetrics report: ") and err.endswith("\n"), err
    assert all(line.startswith("  ") for line in more) and len(more) < 10, err
    assert "Traceback" not in err


def test_the_dask_command_line_prints_a_records_error_once_not_the_workers_logs(
        inputs: dict[str, Path], capfd: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("distributed")
    argv = ["report", str(inputs["a-key-twice.jsonl"]), "--engine", "dask", "--workers", "1",
            *PERIOD]
    assert main(argv) == 2
    err = capfd.readouterr().err
    assert err == ("salesmetrics report: records (bag partition 0, item 0): not JSON: the key "
                   "'id' is given twice in one object\n")


def test_a_scheduler_that_answers_is_used_after_the_probe(inputs: dict[str, Path]) -> None:
    distributed = pytest.importorskip("distributed")
    from salesmetrics.engines.dask import records_bag, run_on_cluster

    memory = report_json(build_report(load(inputs["good.jsonl"]), period=EXAMPLE_PERIOD))
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  protocol="tcp", dashboard_address=":0") as cluster:
        assert cluster.scheduler_address.startswith("tcp://")
        report = run_on_cluster(records_bag(inputs["good.jsonl"]), period=EXAMPLE_PERIOD,
                                scheduler=cluster.scheduler_address)
    assert report_json(report) == memory


# -- the first pass's fast parser ------------------------------------------------------------

TRICKY_LINES = [
    '{"section": "messages", "thread": "t1", "id": "m1", "at": "2026-03-02T09:00:00Z"}',
    '{"section": "threads", "id": 123456789012345678901234567890, "team": "A"}',
    '{"section": "messages", "thread": 18446744073709551617, "id": 1e400}',
    '{"section": "threads", "id": "\\ud800", "customer": "\\udfff"}',
    '{"section": "leads", "id": "L\\ud83d\\ude00", "customer": "k"}',
    '{"section": "threads", "id": "a", "id": "b", "team": "A"}',
    '{"section": "teams", "section": "threads", "id": "t"}',
    '{"section": "activities", "user": "Ünïcødé 😀", "lead": "", "id": "é"}',
    '{"section": "sessions", "user": null, "id": null}',
    '{"section": "messages", "thread": "t", "x": NaN}',
    '{"section": "threads", "id": "t", "nested": ' + "[" * 2000 + "]" * 2000 + "}",
    '{"section": "customers", "id": ["k"]}',
    '["section", "threads"]',
    '{"section": "threads", "id": "t\\u0000"}',
]


@pytest.mark.parametrize("line", TRICKY_LINES)
def test_the_first_pass_reads_what_the_exact_parser_reads(line: str) -> None:
    from salesmetrics.engines._split import KEYS, key_of
    from salesmetrics.load._files import fast_loads

    fast = stream_module._record(line, fast_loads())
    exact = stream_module._record(line)
    if exact is None:
        assert fast is None
        return
    assert fast is not None
    fields = stream_module._READ_FIELDS
    assert {k: fast.get(k) for k in fields} == {k: exact.get(k) for k in fields}
    section = exact.get("section")
    if section in KEYS:
        assert key_of(section, fast) == key_of(section, exact)


def test_a_plain_line_takes_the_fast_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("orjson")
    from salesmetrics.load._files import fast_loads

    def refused_parser(text: str) -> Any:
        raise AssertionError("the standard library's parser was used")

    monkeypatch.setattr(stream_module.json, "loads", refused_parser)
    assert stream_module._record(TRICKY_LINES[0], fast_loads()) == json.JSONDecoder().decode(
        TRICKY_LINES[0])


def test_the_record_limit_holds_per_part_and_a_part_over_it_is_refused_located(
        inputs: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from salesmetrics.load import _dicts
    from salesmetrics.load._limits import Limits

    # the limit guards memory, and a part (with the customers it needs) is what is in memory
    assert _dicts.build.__kwdefaults__ is not None
    monkeypatch.setitem(_dicts.build.__kwdefaults__, "limits", Limits(max_records=2_000))
    memory = refused(lambda: load(inputs["good.jsonl"]))
    assert (memory.code, memory.path) == ("invalid_value", "")
    assert "is over the limit of 2000" in memory.message
    exc = refused(lambda: stream_report(inputs["good.jsonl"], period=EXAMPLE_PERIOD, partitions=1))
    assert (exc.code, exc.path) == ("invalid_value", "")
    assert str(exc).startswith("good.jsonl: ") and "is over the limit of 2000" in str(exc)
    monkeypatch.undo()
    expected = report_json(build_report(load(inputs["good.jsonl"]), period=EXAMPLE_PERIOD))
    monkeypatch.setitem(_dicts.build.__kwdefaults__, "limits", Limits(max_records=2_000))
    # cut in 8, no part holds 2,000 records: the whole input (3,600) is not limited
    assert report_json(stream_report(inputs["good.jsonl"], period=EXAMPLE_PERIOD,
                                     partitions=8)) == expected
