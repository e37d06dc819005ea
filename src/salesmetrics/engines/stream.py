"""The stream engine: a report over a JSON Lines file or a CSV folder bigger than memory.

A first pass reads the records one at a time, in any order: it refuses the
lines that hold no record (``line 7``), keeps the small reference sections
(calendars, teams, users, smart lists) in memory, puts the customers of a
JSON Lines file in a store on disk (validated in batches as they come: they
grow with the data, one a thread or so) and writes every other record to the
temporary file of its part (threads, messages and events by thread; leads by
lead; activities by their lead, else their user; sessions by user; see
:mod:`salesmetrics.engines._split`), noting the customers it refers to. It
also checks that the optional ids of messages, events, sessions, activities
and customers are unique across parts. Then each part is loaded with the
reference data and the customers it refers to (and those of the smart
lists), validated as the in-memory loaders validate it, turned into partial
aggregates and dropped; the partials (tallies only: the report shows no
drill-down rows) are merged as they come and finished. Memory is a part (one
per 4 MiB of input by default) and the merged tallies. A CSV folder's
``customers.csv`` is read whole by every part.

Errors name the file and the line, then the record and the field as the
in-memory loaders do (the index is the record's place in its section of the
whole input, as for ``load``): ``big.jsonl:1234: messages[1180].at: naive
instant, add an offset``; in a CSV folder ``messages.csv:12: messages[10].at:
…`` (the line where the row starts). The first pass reports the lines that
hold no record and duplicate ids; record errors are reported by the first
part that has any (those of the other parts are not looked for). There is no
lenient mode.

The temporary files live in a :class:`tempfile.TemporaryDirectory`, removed
on success, on error and on Ctrl-C.

>>> from salesmetrics.examples import EXAMPLE_PERIOD, example_path
>>> from salesmetrics.load import load
>>> from salesmetrics.report import build_report
>>> import json, tempfile, os
>>> from salesmetrics.load._jsonl import dump_jsonl
>>> folder = tempfile.mkdtemp()
>>> path = os.path.join(folder, "example.jsonl")
>>> with open(path, "w", encoding="utf-8") as fh:
...     dump_jsonl(json.loads(example_path().read_text(encoding="utf-8")), fh)
>>> streamed = stream_report(path, period=EXAMPLE_PERIOD, partitions=3)
>>> streamed == build_report(load(example_path()), period=EXAMPLE_PERIOD)
True
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any, NoReturn

from salesmetrics._values import whole_number
from salesmetrics.dataset import Dataset
from salesmetrics.engines._pipeline import ReportPlan, each_partials, finish_parts
from salesmetrics.engines._split import ID_CHECKED, KEYS, REFERENCE, bucket, key_of
from salesmetrics.errors import DatasetError, SalesmetricsError
from salesmetrics.load import DEFAULT_MAX_ERRORS, SECTIONS, load_csv_dir, load_jsonl
from salesmetrics.load._dicts import _SINGULAR
from salesmetrics.load._jsonl import line_path, read_jsonl
from salesmetrics.period import Period
from salesmetrics.report import Report

__all__ = ["INDEXED", "LocatedError", "Split", "errors_of", "raise_located", "split",
           "stream_report"]

#: Bytes of input per part when ``partitions`` is not given.
PART_BYTES = 4 * 2**20

INDEXED = re.compile(r"^([a-z_]+)\[(\d+)\](.*)$")
_LINE = re.compile(r"^line (\d+)$")


class LocatedError(SalesmetricsError):
    """An input error with the file and line it is on: ``big.jsonl:1234: messages[1180].at: …``.

    ``code``, ``path`` and ``message`` are those the in-memory loaders give;
    ``file`` and ``line`` (None when not known) say where it is.
    """

    file: str
    line: int | None

    def __init__(self, code: str, path: str, message: str, *, file: str,
                 line: int | None = None) -> None:
        super().__init__(code, path, message)
        self.file = file
        self.line = line
        where = f"{file}:{line}" if line is not None else file
        if not path or (line is not None and path == line_path(line)):
            self.args = (f"{where}: {message}",)
        else:
            self.args = (f"{where}: {path}: {message}",)


    def __reduce__(self) -> Any:
        return (_located, (self.code, self.path, self.message, self.file, self.line))


def _located(code: str, path: str, message: str, file: str, line: int | None) -> LocatedError:
    return LocatedError(code, path, message, file=file, line=line)


def errors_of(exc: SalesmetricsError) -> Sequence[SalesmetricsError]:
    """A loader's errors: those of a :class:`DatasetError`, else the error itself."""
    return exc.errors if isinstance(exc, DatasetError) else (exc,)


def raise_located(errors: Sequence[SalesmetricsError]) -> NoReturn:
    """Raise errors as one :class:`DatasetError` whose text is the first one's, located."""
    exc = DatasetError(errors)
    more = len(exc.errors) - 1
    exc.args = (f"{exc.errors[0]}" + (f" (and {more} more error(s))" if more else ""),)
    raise exc


class Split:
    """A dataset cut into parts in a temporary folder: the reference data and the parts.

    Made by :func:`split`; :meth:`parts` loads the parts one at a time.
    """

    def __init__(self, root: Path, name: str, n: int, *, csv_folder: bool,
                 max_errors: int) -> None:
        self.root = root
        self.name = name
        self.n = n
        self.csv_folder = csv_folder
        self.max_errors = max_errors
        #: records per section in the whole input
        self.counts: dict[str, int] = dict.fromkeys((*SECTIONS, "conversions"), 0)
        self.reference_lines: list[str] = []
        self.reference_numbers: list[int] = []
        self.reference_at: dict[str, list[int]] = {s: [] for s in REFERENCE}
        self.calendar_at: dict[str, int] = {}
        self.reference: Dataset = Dataset()
        #: JSON Lines: the customers, on disk (None for a CSV folder)
        self.customers: _Customers | None = None
        #: the (index, line) of each customer of the lines being loaded
        self.loaded_customers: list[tuple[int, int]] = []

    # -- where an error is --------------------------------------------------------

    def _file_of(self, section: str) -> str:
        if not self.csv_folder:
            return self.name
        return "calendars.json" if section == "calendars" else f"{section}.csv"

    def locate(self, exc: SalesmetricsError, part: int | None) -> LocatedError:
        """The error with its file and line, its index made the record's in the whole input."""
        path = exc.path
        head = re.split(r"[.\[]", path, maxsplit=1)[0]
        line: int | None = None
        match = INDEXED.match(path)
        lines = _LINE.match(path)
        if lines and not self.csv_folder:  # a line of the reference lines, then of the part
            k = int(lines.group(1)) - 1
            r, c = len(self.reference_numbers), len(self.loaded_customers)
            if k < r:
                line = self.reference_numbers[k]
            elif k < r + c:
                line = self.loaded_customers[k - r][1]
            elif part is not None:
                line = self._line(part, k - r - c)
            path = line_path(line) if line is not None else path
        elif match and match.group(1) == "customers" and self.customers is not None:
            k = int(match.group(2))
            if k < len(self.loaded_customers):
                g, line = self.loaded_customers[k]
                path = f"customers[{g}]{match.group(3)}"
        elif match and match.group(1) in KEYS and part is not None:
            section, k, rest = match.group(1), int(match.group(2)), match.group(3)
            g, line = self._place(part, section, k)
            path = f"{section}[{g}]{rest}"
        elif match and match.group(1) in self.reference_at and not self.csv_folder:
            at = self.reference_at[match.group(1)]
            k = int(match.group(2))
            line = at[k] if k < len(at) else None
        elif head == "calendars" and not self.csv_folder:
            cid = path.split(".")[1] if "." in path else ""
            line = self.calendar_at.get(cid)
        return LocatedError(exc.code, path, exc.message, file=self._file_of(head), line=line)

    def _line(self, part: int, k: int) -> int | None:
        """The line in the input of a part's ``k``-th line (0-based)."""
        with open(self.root / f"part{part}.idx", encoding="utf-8") as fh:
            for i, entry in enumerate(fh):
                if i == k:
                    return int(entry.split()[2])
        return None

    def _place(self, part: int, section: str, k: int) -> tuple[int, int | None]:
        """The index in the whole input and the line of a part's ``k``-th record of ``section``."""
        seen = 0
        with open(self.root / f"part{part}.idx", encoding="utf-8") as fh:
            for entry in fh:
                name, g, line = entry.split()
                if name == section:
                    if seen == k:
                        return int(g), int(line)
                    seen += 1
        return k, None

    def fail(self, exc: SalesmetricsError, part: int | None) -> NoReturn:
        """Raise a loader's error(s) located (file, line, index in the whole input)."""
        raise_located([self.locate(e, part) for e in errors_of(exc)])

    # -- the parts -----------------------------------------------------------------

    def customer_lines(self, part: int | None) -> list[str]:
        """The customers a part refers to (and those of the smart lists), from the store."""
        if self.customers is None:
            self.loaded_customers = []
            return []
        wanted = set(self.customers.of_smart_lists)
        if part is not None:
            with open(self.root / f"part{part}.cust", encoding="utf-8") as fh:
                wanted.update(line.rstrip("\n") for line in fh)
        found = self.customers.lines(wanted)
        self.loaded_customers = [(g, number) for g, number, _ in found]
        return [text for _, _, text in found]

    def parts(self) -> Iterator[Dataset]:
        """Each part, loaded with the reference data and validated, one at a time.

        Raises:
            DatasetError: the located errors of the first part that has any.
        """
        for i in range(self.n):
            try:
                if self.csv_folder:
                    part = load_csv_dir(self.root / f"part{i}", max_errors=self.max_errors)
                else:
                    customers = self.customer_lines(i)
                    with open(self.root / f"part{i}.jsonl", encoding="utf-8") as fh:
                        part = load_jsonl([*self.reference_lines, *customers, *fh],
                                          max_errors=self.max_errors)
                    del customers
            except SalesmetricsError as exc:
                self.fail(exc, i)
            yield part
            del part  # before the next part is loaded: one part in memory at a time


class _Writers:
    """The open files of the first pass: each part's records and index, the id buckets."""

    def __init__(self, root: Path, n: int, stack: contextlib.ExitStack) -> None:
        self.n = n
        self.root = root
        self.stack = stack
        self.index = [self.open(f"part{i}.idx") for i in range(n)]
        self.ids = [self.open(f"ids{i}.jsonl") for i in range(n)]

    def open(self, name: str, newline: str | None = None) -> IO[str]:
        """A new file of the temporary folder, closed with the pass."""
        return self.stack.enter_context(open(self.root / name, "w", encoding="utf-8",
                                             newline=newline))

    def note(self, part: int, section: str, g: int, line: int, rid: Any) -> None:
        self.index[part].write(f"{section} {g} {line}\n")
        if section in ID_CHECKED and isinstance(rid, str) and rid:
            self.ids[bucket(rid, self.n)].write(json.dumps([section, rid, g, line]) + "\n")


class _Customers:
    """The customers of a JSON Lines file, on disk: validated as they come, fetched by id.

    Customers are the one reference section that grows with the data (one a
    thread, say): a part loads only those its records refer to, and those of
    the smart lists. Each batch of records is validated by the loader as it
    is read (errors located: ``customers[12].account_type``, its line);
    duplicate ids across the whole input are found in the store.
    """

    BATCH = 20_000

    def __init__(self, s: Split, path: Path) -> None:
        self.s = s
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE TABLE c (id TEXT, g INTEGER, number INTEGER, line TEXT)")
        self.batch: list[tuple[int, int, str, Any]] = []
        self.errors: list[LocatedError] = []
        self.of_smart_lists: frozenset[str] = frozenset()

    def add(self, g: int, number: int, text: str, rid: Any) -> None:
        """Store a customer's line (validated with its batch)."""
        self.batch.append((g, number, text, rid))
        if len(self.batch) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        batch, self.batch = self.batch, []
        self.db.executemany("INSERT INTO c VALUES (?, ?, ?, ?)",
                            [(rid if isinstance(rid, str) else None, g, number, text)
                             for g, number, text, rid in batch])
        if not batch or len(self.errors) >= self.s.max_errors:
            return
        try:
            load_jsonl([text for _, _, text, _ in batch], max_errors=self.s.max_errors)
        except SalesmetricsError as exc:
            for e in errors_of(exc):
                match = INDEXED.match(e.path)
                if e.code == "duplicate_id" or not match:  # duplicates: see finish
                    continue
                g, number = batch[int(match.group(2))][:2]
                self.errors.append(LocatedError(e.code, f"customers[{g}]{match.group(3)}",
                                                e.message, file=self.s.name, line=number))

    def finish(self) -> list[LocatedError]:
        """The errors of every customer, duplicate ids included, in input order."""
        self._flush()
        self.db.execute("CREATE INDEX c_id ON c (id)")
        for rid, g, number in self.db.execute(
                "SELECT id, g, number FROM c WHERE id IN (SELECT id FROM c GROUP BY id "
                "HAVING COUNT(*) > 1) ORDER BY id, g"):
            first = self.db.execute("SELECT MIN(g) FROM c WHERE id = ?", (rid,)).fetchone()[0]
            if g != first:
                self.errors.append(LocatedError(
                    "duplicate_id", f"customers[{g}].id",
                    f"customer id {rid!r} is used twice in customers", file=self.s.name,
                    line=number))
        self.errors.sort(key=lambda e: (e.line or 0))
        return self.errors

    def smart_lists(self, reference_lines: Sequence[str]) -> None:
        """Note the customers of the smart lists (every part holds them)."""
        ids: set[str] = set()
        for text in reference_lines:
            rec = _record(text)
            if rec is not None and rec.get("section") == "smart_lists" and isinstance(
                    rec.get("customers"), list):
                ids.update(c for c in rec["customers"] if isinstance(c, str))
        self.of_smart_lists = frozenset(ids)

    def lines(self, ids: set[str]) -> list[tuple[int, int, str]]:
        """``(index, line, text)`` of the customers of these ids, in input order."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS want (id TEXT PRIMARY KEY)")
        self.db.execute("DELETE FROM want")
        self.db.executemany("INSERT INTO want VALUES (?)", ((i,) for i in ids))
        return list(self.db.execute(
            "SELECT c.g, c.number, c.line FROM c JOIN want ON c.id = want.id ORDER BY c.g"))

    def close(self) -> None:
        """Close the store (its file goes with the temporary folder)."""
        self.db.close()


def _check_ids(s: Split) -> None:
    """``duplicate_id`` for the ids of messages, events, sessions and activities used twice."""
    errors: list[tuple[int, int, LocatedError]] = []
    for i in range(s.n):
        seen: set[tuple[str, str]] = set()
        with open(s.root / f"ids{i}.jsonl", encoding="utf-8") as fh:
            entries = sorted((SECTIONS.index(sec), g, sec, rid, line)
                             for sec, rid, g, line in map(json.loads, fh))
        for order, g, sec, rid, line in entries:
            if (sec, rid) in seen:
                errors.append((order, g, LocatedError(
                    "duplicate_id", f"{sec}[{g}].id",
                    f"{_SINGULAR[sec]} id {rid!r} is used twice in {sec}",
                    file=s._file_of(sec), line=line)))
            seen.add((sec, rid))
    if errors:
        errors.sort(key=lambda e: e[:2])
        raise_located([e[2] for e in errors[:max(1, s.max_errors)]])


def _split_jsonl(path: Path, s: Split) -> None:
    errors: list[SalesmetricsError] = []
    with contextlib.ExitStack() as stack:
        w = _Writers(s.root, s.n, stack)
        parts = [w.open(f"part{i}.jsonl") for i in range(s.n)]
        refs = [w.open(f"part{i}.cust") for i in range(s.n)]
        customers = s.customers
        assert customers is not None
        with open(path, encoding="utf-8-sig", errors="surrogateescape", newline=None) as fh:
            for number, raw in enumerate(fh, start=1):
                text = raw.strip()
                if not text:
                    continue
                rec = _record(text)
                section = rec.get("section") if rec is not None else None
                if rec is None or section not in SECTIONS or (
                        section == "calendars" and not _calendar_ok(rec, s, number, errors)):
                    if section != "calendars":
                        for e in read_jsonl([text])[1]:
                            errors.append(LocatedError(e.code, line_path(number), e.message,
                                                       file=s.name, line=number))
                    if len(errors) >= s.max_errors:
                        break
                    continue
                g = s.counts[section]
                s.counts[section] = g + 1
                if section == "customers":
                    customers.add(g, number, text, rec.get("id"))
                    continue
                if section in REFERENCE:
                    s.reference_lines.append(text)
                    s.reference_numbers.append(number)
                    s.reference_at[section].append(number)
                    continue
                part = bucket(key_of(section, rec), s.n)
                parts[part].write(text + "\n")
                w.note(part, section, g, number, rec.get("id"))
                customer = rec.get("customer")
                if isinstance(customer, str):
                    refs[part].write(customer + "\n")
        if not errors:
            errors.extend(customers.finish())
    if errors:
        raise_located(errors[:max(1, s.max_errors)])
    _check_ids(s)
    customers.smart_lists(s.reference_lines)
    try:
        s.reference = load_jsonl([*s.reference_lines, *s.customer_lines(None)],
                                 max_errors=s.max_errors)
    except SalesmetricsError as exc:
        s.fail(exc, None)


def _record(text: str) -> dict[str, Any] | None:
    """A line's record when it is one (else None: the loader's own reading names the fault)."""
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return None
    try:
        rec = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return rec if isinstance(rec, dict) else None


def _calendar_ok(rec: Mapping[str, Any], s: Split, number: int,
                 errors: list[SalesmetricsError]) -> bool:
    cid = rec.get("id")
    if not isinstance(cid, str) or not cid:
        errors.append(LocatedError("missing_field", line_path(number),
                                   "a calendar line needs a string 'id'", file=s.name,
                                   line=number))
        return False
    if cid in s.calendar_at:
        errors.append(LocatedError("duplicate_id", line_path(number),
                                   f"calendar id {cid!r} is used twice", file=s.name,
                                   line=number))
        return False
    s.calendar_at[cid] = number
    return True


def _split_csv(folder: Path, s: Split) -> None:
    ref = s.root / "reference"
    dirs = [ref, *(s.root / f"part{i}" for i in range(s.n))]
    for d in dirs:
        d.mkdir()
    # what the loader reads (.csv files, calendars.json; suffixes in any case)
    files = [p for p in sorted(folder.iterdir()) if p.suffix.lower() in (".csv", ".json")]
    cut = [p for p in files if p.stem in KEYS and p.suffix.lower() == ".csv"]
    for p in files:
        if p not in cut:
            for d in dirs:
                os.symlink(p.resolve(), d / p.name)
    with contextlib.ExitStack() as stack:
        w = _Writers(s.root, s.n, stack)
        for p in cut:
            try:
                _split_table(p, s, w)
            except (UnicodeDecodeError, csv.Error) as exc:
                what = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else "not CSV"
                raise_located([LocatedError("invalid_value", p.stem, f"{p.name}: {what}: {exc}",
                                     file=p.name)])
    _check_ids(s)
    try:
        s.reference = load_csv_dir(ref, max_errors=s.max_errors)
    except SalesmetricsError as exc:
        s.fail(exc, None)


def _split_table(path: Path, s: Split, w: _Writers) -> None:
    section = path.stem
    with contextlib.ExitStack() as stack:
        writers = [csv.writer(stack.enter_context(open(
            s.root / f"part{i}" / path.name, "w", encoding="utf-8", newline="")))
            for i in range(s.n)]
        fh = stack.enter_context(open(path, encoding="utf-8-sig", newline=""))
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            return
        for out in writers:
            out.writerow(header)
        names = [h.strip() for h in header]
        columns = {n: names.index(n) for n in (*KEYS[section], "id") if n in names}
        start = reader.line_num + 1
        for row in reader:
            line, start = start, reader.line_num + 1
            if not any(row):  # a blank line, as the CSV loader reads it
                continue
            rec = {n: row[i] for n, i in columns.items() if i < len(row)}
            g = s.counts[section]
            s.counts[section] = g + 1
            part = bucket(key_of(section, rec), s.n)
            writers[part].writerow(row)
            w.note(part, section, g, line, rec.get("id"))


@contextlib.contextmanager
def split(source: str | os.PathLike[str], /, *, partitions: int | None = None,
          max_errors: int = DEFAULT_MAX_ERRORS,
          tmp_dir: str | os.PathLike[str] | None = None) -> Iterator[Split]:
    """Cut a JSON Lines file or a CSV folder into parts in a temporary folder.

    The folder is removed when the block ends, however it ends (an error,
    Ctrl-C).

    Args:
        source: a ``.jsonl`` file or a folder of CSV files.
        partitions: how many parts (default: one per 4 MiB of input).
        max_errors: stop collecting errors after this many.
        tmp_dir: where the temporary folder goes (default: the system's).

    Raises:
        DatasetError: the located errors of the first pass.
        SalesmetricsError: ``invalid_option`` at ``partitions``; ``invalid_value``
            when ``source`` is neither a file nor a folder.
    """
    src = Path(source)
    if not src.exists():
        raise SalesmetricsError("invalid_value", "", f"{src}: no such file or folder")
    is_dir = src.is_dir()
    if partitions is None:
        size = sum(p.stat().st_size for p in src.glob("*")) if is_dir else src.stat().st_size
        partitions = max(1, -(-size // PART_BYTES))
    partitions = whole_number(partitions, "partitions", minimum=1)
    with tempfile.TemporaryDirectory(prefix="salesmetrics-stream-", dir=tmp_dir) as tmp:
        s = Split(Path(tmp), src.name, partitions, csv_folder=is_dir, max_errors=max_errors)
        if is_dir:
            _split_csv(src, s)
            yield s
            return
        with contextlib.closing(_Customers(s, s.root / "customers.db")) as s.customers:
            _split_jsonl(src, s)
            yield s


def stream_report(source: str | os.PathLike[str], /, *, period: Period,
                  as_of: datetime | None = None, by: str = "team", compare: bool = True,
                  partitions: int | None = None, max_errors: int = DEFAULT_MAX_ERRORS,
                  tmp_dir: str | os.PathLike[str] | None = None) -> Report:
    """The report of a JSON Lines file or a CSV folder, one part in memory at a time.

    The same :class:`~salesmetrics.report.Report` as
    :func:`~salesmetrics.report.build_report` of the loaded dataset (without
    profiles); see :func:`split` for the arguments.

    Raises:
        DatasetError: located errors (``big.jsonl:1234: messages[1180].at: …``).
        SalesmetricsError: ``invalid_option`` at ``by`` or ``partitions``.
    """
    plan = ReportPlan.of(period=period, as_of=as_of, by=by, compare=compare)
    with split(source, partitions=partitions, max_errors=max_errors, tmp_dir=tmp_dir) as s:
        # one part in memory at a time; its partials merged before the next is loaded
        return finish_parts(s.reference, each_partials(s.parts(), plan), plan)
