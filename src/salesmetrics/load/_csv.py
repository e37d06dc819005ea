"""The docs/case-format.md dataset as a folder of CSV files, one per section.

Layout of the folder (every file optional):

* ``<section>.csv`` for ``teams``, ``users``, ``customers``, ``threads``,
  ``messages``, ``thread_events``, ``sessions``, ``leads``, ``activities``
  and ``smart_lists``: a header row of field names, then one record per row;
* ``conversions.csv``: lead conversions, columns ``lead``, ``kind``, ``at``;
  each row is appended to its lead's ``conversions`` in file order;
* ``calendar_history.csv``: teams' calendar history (v1.1), columns
  ``team``, ``from``, ``calendar``; each row is appended to its team's
  ``calendar_history`` in file order;
* ``calendars.json``: the ``calendars`` object of docs/case-format.md (id →
  calendar), since a weekly schedule does not fit a table.

Cells: an empty cell is a missing field. Boolean fields (``completed``,
``automated``, ``answered``) take ``true/false/1/0/yes/no`` (any case);
``duration_seconds`` is a number. In ``smart_lists.csv`` the ``customers`` and
``users`` cells are ``;``-separated ids (an empty cell is an empty list).
A cell that does not convert is passed on as text, so the validator reports
it (``invalid_value``) at its place.

The header names each column once (:func:`check_header`); a blank line is
one whose cells are all empty (a cell of spaces is a value). File suffixes
are read in any case (``threads.CSV``). Text cells written by
:func:`dump_csv_dir` are formula-safe (:func:`escape_cell`) and read back as
written (:func:`unescape_cell`).

Error paths are those of JSON: ``messages[3].at`` is the fourth data row of
``messages.csv`` (0-based, header excluded, blank lines skipped);
``calendars.store.weekly.mon[0]`` is inside ``calendars.json``. Errors of
``conversions.csv`` rows name them as ``conversions[2].lead`` (their row) when
the row cannot be attached to a lead, and as ``leads[5].conversions[0].at``
once attached (``calendar_history.csv`` likewise: ``calendar_history[2].team``,
then ``teams[1].calendar_history[0].from``). Files are read as UTF-8 (a byte-order mark is ignored) with
the :mod:`csv` module, so CRLF line ends and line breaks inside quoted cells
are handled.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from salesmetrics.dataset import Dataset
from salesmetrics.errors import SalesmetricsError, join_path
from salesmetrics.load._dicts import _FIELDS, DEFAULT_MAX_ERRORS, SECTIONS
from salesmetrics.load._files import input_file, input_folder, parse_json, read_input
from salesmetrics.load._jsonl import finish
from salesmetrics.load._limits import DEFAULT_LIMITS, check_size
from salesmetrics.results import FORMULA_STARTS, line_starts

__all__ = ["CSV_SECTIONS", "dump_csv_dir", "load_csv_dir", "read_csv_dir"]

#: The sections stored as ``<section>.csv``.
CSV_SECTIONS = tuple(s for s in SECTIONS if s != "calendars")

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def _kinds(section: str) -> dict[str, str]:
    return {name: kind[0] for name, kind, _ in _FIELDS[section]}


# dump_csv_dir puts an apostrophe before a formula start or an apostrophe at
# each line start of a text (safe_cell's rule, plus the apostrophe itself so
# that it can be undone); reading removes exactly those
_ESCAPE = line_starts(FORMULA_STARTS + "'")
_UNESCAPE = re.compile(_ESCAPE.pattern.replace("(?=", "'(?=", 1))


def escape_cell(text: str) -> str:
    """A text cell as :func:`dump_csv_dir` writes it: no line of it starts a formula.

    >>> escape_cell("=1+1"), escape_cell("a\\r-b"), escape_cell("'x"), escape_cell("ok")
    ("'=1+1", "a\\r'-b", "''x", 'ok')
    >>> all(unescape_cell(escape_cell(t)) == t for t in ["=1", "'=1", "\\r\\r'", "a\\n@b"])
    True
    """
    return _ESCAPE.sub("'", text)


def unescape_cell(text: str) -> str:
    """The text of a cell written by :func:`escape_cell` (a spreadsheet's own
    ``'=1`` reads as ``=1`` too)."""
    return _UNESCAPE.sub("", text) if "'" in text else text


def _cell(value: str, kind: str | None) -> Any:
    if kind == "bool":
        low = value.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        return value
    if kind == "number":
        try:
            return float(value)
        except ValueError:
            return value
    value = unescape_cell(value)
    if kind == "refs":
        return [v.strip() for v in value.split(";") if v.strip()]
    return value


def _read_table(path: Path, errors: list[SalesmetricsError], name: str) -> list[dict[str, Any]]:
    """The rows of one CSV file; a file that is not UTF-8 CSV is refused whole at ``name``."""
    try:
        checked = input_file(path, name)
        check_size(checked.stat().st_size, DEFAULT_LIMITS, name)
        return _read_rows(checked, errors, name)
    except SalesmetricsError as exc:
        errors.append(exc)
    except (UnicodeDecodeError, csv.Error, OSError) as exc:
        what = ("not UTF-8 text" if isinstance(exc, UnicodeDecodeError)
                else "not CSV" if isinstance(exc, csv.Error) else "cannot read")
        errors.append(SalesmetricsError("invalid_value", name, f"{path.name}: {what}: {exc}"))
    return []


def check_header(header: list[str], file: str, name: str, *,
                 unnamed: bool = False) -> list[str]:
    """The column names of a CSV header, stripped: each named, none twice.

    A column without a name or a name given twice would lose its cells (a
    record has one value per field), so the file is refused at ``name``.
    With ``unnamed=True`` (a reader that knows which columns it reads, such
    as a real-data adapter) columns without a name are allowed and ignored.

    >>> check_header(["id", " name "], "teams.csv", "teams")
    ['id', 'name']
    >>> check_header(["id", "name", "name"], "teams.csv", "teams")
    Traceback (most recent call last):
    ...
    salesmetrics.errors.SalesmetricsError: teams: teams.csv: the header names the column 'name' twice (columns 2 and 3)
    """
    columns = [h.strip() for h in header]
    first: dict[str, int] = {}
    for i, col in enumerate(columns, start=1):
        if not col and unnamed:
            continue
        if not col:
            raise SalesmetricsError("invalid_value", name,
                                    f"{file}: column {i} of the header has no name")
        if col in first:
            raise SalesmetricsError(
                "invalid_value", name,
                f"{file}: the header names the column {col!r} twice (columns {first[col]} and {i})")
        first[col] = i
    return columns


def _read_rows(path: Path, errors: list[SalesmetricsError], name: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    kinds = _kinds(name) if name in _FIELDS else {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            return rows
        header = check_header(header, path.name, name)
        for row in reader:
            if not any(row):  # a blank line (a cell of spaces is a value: an id " ")
                continue
            i = len(rows)
            if len(row) > len(header):
                errors.append(SalesmetricsError(
                    "invalid_value", join_path(name, i),
                    f"{path.name}: row has {len(row)} cells, the header {len(header)}"))
            rows.append(_row_record(header, row, kinds))
    return rows


def row_record(header: list[str], row: list[str], section: str) -> dict[str, Any]:
    """One data row of ``<section>.csv`` as the record the loader reads (``header`` checked).

    >>> row_record(["id", "account_type"], ["c1", ""], "customers")
    {'id': 'c1'}
    """
    return _row_record(header, row, _kinds(section) if section in _FIELDS else {})


def _row_record(header: list[str], row: list[str], kinds: Mapping[str, str]) -> dict[str, Any]:
    rec: dict[str, Any] = {}
    for col, value in zip(header, row, strict=False):
        if not col:
            continue
        kind = kinds.get(col)
        if value == "":
            if kind == "refs":
                rec[col] = []
            continue
        rec[col] = _cell(value, kind)
    return rec


def read_csv_dir(folder: str | os.PathLike[str]) -> tuple[dict[str, Any], list[SalesmetricsError]]:
    """Read a CSV folder into the docs/case-format.md dataset dict, without validating records.

    Returns:
        The dataset dict and the errors found while reading (rows with more
        cells than the header; ``calendars.json`` not a JSON object;
        ``conversions.csv`` rows that name no known lead). Other ``*.csv``
        files become unknown sections, which the validator rejects; files that
        are not CSV are ignored.
    """
    root = input_folder(folder)
    data: dict[str, Any] = {}
    errors: list[SalesmetricsError] = []
    children: dict[str, list[dict[str, Any]]] = {}
    files: dict[str, Path] = {}
    for path in sorted(root.iterdir()):
        suffix = path.suffix.lower()  # threads.CSV is threads.csv
        if suffix not in (".csv", ".json") or (suffix == ".json"
                                               and path.stem != "calendars"):
            continue
        key = path.stem + suffix
        if key in files:
            errors.append(SalesmetricsError(
                "invalid_value", path.stem,
                f"{files[key].name} and {path.name} are the same file of the folder"))
            continue
        files[key] = path
    cal_path = files.pop("calendars.json", None)
    if cal_path is not None:
        try:
            raw = read_input(cal_path, where="calendars")
            data["calendars"] = parse_json(raw, "calendars", "calendars.json")
        except SalesmetricsError as exc:
            errors.append(exc)
    for path in files.values():
        name = path.stem
        if name in _CHILDREN:
            children[name] = _read_table(path, errors, name)
        elif name == "calendars":
            errors.append(SalesmetricsError("invalid_value", "calendars",
                                            "calendars are read from calendars.json, not CSV"))
        else:
            data[name] = _read_table(path, errors, name)
    for name in _CHILDREN:
        if name in children:
            _attach(data, name, children[name], errors)
    return data, errors


#: Child tables: file stem → (parent section, parent column, field on the parent, columns).
_CHILDREN: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "conversions": ("leads", "lead", "conversions", ("kind", "at")),
    "calendar_history": ("teams", "team", "calendar_history", ("from", "calendar")),
}


def _attach(data: dict[str, Any], table: str, rows: list[dict[str, Any]],
            errors: list[SalesmetricsError]) -> None:
    """Append each row of a child table to its parent record's list field, in file order."""
    section, column, field, columns = _CHILDREN[table]
    parents = data.get(section)
    by_id: dict[str, dict[str, Any]] = {}
    if isinstance(parents, list):
        for rec in parents:
            rid = rec.get("id")
            if isinstance(rid, str) and rid not in by_id:
                by_id[rid] = rec
    for i, row in enumerate(rows):
        rpath = join_path(table, i)
        extra = [k for k in row if k not in (column, *columns) and not k.startswith("x-")]
        if extra:
            errors.append(SalesmetricsError("invalid_value", join_path(rpath, extra[0]),
                                            f"unknown column {extra[0]!r} of {table}.csv"))
            continue
        pid = row.get(column)
        if pid is None:
            errors.append(SalesmetricsError("missing_field", join_path(rpath, column),
                                            f"a {table} row needs {column!r}"))
            continue
        parent = by_id.get(pid)
        if parent is None:
            errors.append(SalesmetricsError("unknown_reference", join_path(rpath, column),
                                            f"unknown {column} {pid!r}"))
            continue
        items = parent.setdefault(field, [])
        if isinstance(items, list):
            items.append({k: row[k] for k in columns if k in row})


def load_csv_dir(folder: str | os.PathLike[str], *,
                 max_errors: int = DEFAULT_MAX_ERRORS) -> Dataset:
    """Load a dataset from a folder of CSV files (see the module's layout).

    Raises:
        DatasetError: the errors found, named as in JSON (``messages[3].at``).
        SalesmetricsError: ``invalid_value`` at ``""`` when ``folder`` is not a folder.
    """
    data, errors = read_csv_dir(folder)
    return finish(data, errors, max_errors=max_errors)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return escape_cell(";".join(str(v) for v in value))
    return escape_cell(str(value))


def dump_csv_dir(data: dict[str, Any], folder: str | os.PathLike[str]) -> None:
    """Write a docs/case-format.md dataset dict as a CSV folder (the inverse of :func:`read_csv_dir`).

    Text cells go through :func:`escape_cell`: no line of a cell starts a
    spreadsheet formula, and reading the folder back gives the text given.
    """
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    if data.get("calendars"):
        (root / "calendars.json").write_text(
            json.dumps(data["calendars"], indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    child_rows: dict[str, list[list[str]]] = {name: [] for name in _CHILDREN}
    for section in CSV_SECTIONS:
        records = data.get(section)
        if not records:
            continue
        nested = {field: name for name, (sec, _, field, _) in _CHILDREN.items() if sec == section}
        columns = [name for name, _, _ in _FIELDS[section] if name not in nested]
        used = [c for c in columns if any(c in r for r in records)]
        with open(root / f"{section}.csv", "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(used)
            for rec in records:
                writer.writerow([_text(rec.get(c)) for c in used])
                for field, table in nested.items():
                    for item in rec.get(field) or ():
                        child_rows[table].append(
                            [escape_cell(c) for c in [rec["id"], *(_text(item.get(c)) for c in _CHILDREN[table][3])]])
    for table, rows in child_rows.items():
        if rows:
            with open(root / f"{table}.csv", "w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow([_CHILDREN[table][1], *_CHILDREN[table][3]])
                writer.writerows(rows)
