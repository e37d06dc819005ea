"""The docs/case-format.md dataset as JSON Lines: one record per line, tagged by section.

Each non-blank line is a JSON object with a ``"section"`` member naming the
section the record belongs to; the other members are the record's fields.
A calendar's line also carries its ``"id"`` (calendars are an object keyed by
id in JSON)::

    {"section": "calendars", "id": "store", "timezone": "Europe/Paris"}
    {"section": "teams", "id": "A", "calendar": "store"}
    {"section": "threads", "id": "t", "team": "A"}
    {"section": "messages", "thread": "t", "at": "2026-03-02T09:00:00+01:00", "direction": "in"}

Records of one section may be spread over the file; their order within the
section is their order in the file. Lines are grouped into the docs/case-format.md
dict and validated by :func:`~salesmetrics.load.from_dict`, so errors name
the same places as for the same data in JSON: ``messages[3].at`` is the
fourth ``messages`` line. A line that cannot be placed in a section names the
line itself (1-based, blank lines counted): ``line 7``.

>>> ds = load_jsonl(['{"section": "teams", "id": "A"}', "",
...                  '{"section": "threads", "id": "t", "team": "B"}'])
Traceback (most recent call last):
...
salesmetrics.errors.DatasetError: threads[0].team: unknown team 'B'
>>> load_jsonl(['{"section": "teams", "id": "A"}'])
Dataset(teams=1, users=0, threads=0, messages=0, thread_events=0, sessions=0, leads=0, activities=0, smart_lists=0)
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import IO, Any, cast

from salesmetrics._gc import paused_gc
from salesmetrics._values import is_text, whole_number
from salesmetrics.dataset import Dataset
from salesmetrics.errors import DatasetError, SalesmetricsError
from salesmetrics.load._dicts import DEFAULT_MAX_ERRORS, SECTIONS, build
from salesmetrics.load._files import flat_record, input_file, parse_record
from salesmetrics.load._limits import nesting

__all__ = ["dump_jsonl", "iter_jsonl_lines", "load_jsonl", "read_jsonl"]

Source = str | os.PathLike[str] | Iterable[str]


def _lines(source: Source) -> Iterator[str]:
    if isinstance(source, bytes) or not isinstance(source, str | os.PathLike | Iterable):
        raise SalesmetricsError("invalid_value", "",
                                f"give a path or the lines (text), not {type(source).__name__}")
    if isinstance(source, str | os.PathLike):
        path = input_file(source)
        try:
            # undecodable bytes become lone surrogates, refused line by line below
            with open(path, encoding="utf-8-sig", errors="surrogateescape", newline=None) as fh:
                yield from fh
        except OSError as exc:
            raise SalesmetricsError("invalid_value", "", f"{path}: cannot read: {exc}") from None
    else:
        yield from source


def line_path(number: int) -> str:
    """The error path naming a whole line (1-based): ``line 7``."""
    return f"line {number}"


def read_jsonl(source: Source) -> tuple[dict[str, Any], list[SalesmetricsError]]:
    """Group JSON Lines into the docs/case-format.md dataset dict, without validating records.

    Returns:
        The dataset dict and the errors of lines that could not be placed in a
        section (not JSON, not an object, no or unknown ``section``, a calendar
        without a string ``id`` or with an id already used), each naming
        ``line N``. Those lines are left out of the dict.
    """
    data, errors, _ = read_lines(source)
    return data, errors


def read_lines(source: Source, *, parsed: bool = False
               ) -> tuple[dict[str, Any], list[SalesmetricsError], int]:
    """:func:`read_jsonl`, and how deep the dict nests at most (see ``build``'s ``height``).

    A flat record (the usual line, see :func:`flat_record`) nests one level;
    another line's record is measured. The dict nests two levels more than
    its deepest record (the dict, then the section). With ``parsed``, an
    item that is a mapping is a record already parsed (a copy is placed, by
    the same rules as a line's record: the Dask engine's bags of dicts).
    """
    data: dict[str, Any] = {}
    errors: list[SalesmetricsError] = []
    deepest = 1
    lists: dict[str, list[Any]] = {}  # the sections' lists, once they exist
    flat = flat_record
    for number, line in enumerate(_lines(source), start=1):
        if type(line) is str:
            # the usual line, as it is (the parsers take its newline); any doubt: below
            if line.isascii() and line.count("{") == 1 and "[" not in line:
                rec = flat(line)
                if rec is not None:
                    section = rec.pop("section", None)
                    if type(section) is str:
                        records = lists.get(section)
                        if records is not None:
                            records.append(rec)
                            continue
            text = line.strip()
        elif parsed and isinstance(line, Mapping):
            text = None
        elif not isinstance(line, str):
            errors.append(SalesmetricsError("invalid_value", line_path(number),
                                            f"a line is text, not {type(line).__name__}"))
            continue
        else:
            text = line.strip()
        where = line_path(number)
        if text is None:
            rec = dict(cast(Mapping[str, Any], line))
        else:
            if not text:
                continue
            if not is_text(text):
                errors.append(SalesmetricsError("invalid_value", where, "not UTF-8 text"))
                continue
            try:
                rec = parse_record(text, where)
            except SalesmetricsError as exc:
                errors.append(exc)
                continue
        if not isinstance(rec, dict):
            errors.append(SalesmetricsError("invalid_value", where,
                                            "a line holds one JSON object (a record)"))
            continue
        section = rec.pop("section", None)
        if section is None:
            errors.append(SalesmetricsError("missing_field", where,
                                            "a record needs 'section' (teams, users, ...)"))
            continue
        if section not in SECTIONS:
            errors.append(SalesmetricsError(
                "invalid_value", where,
                f"unknown section {section!r}; sections: {', '.join(SECTIONS)}"))
            continue
        if section == "calendars":
            cid = rec.pop("id", None)
            if not isinstance(cid, str) or not cid:
                errors.append(SalesmetricsError("missing_field", where,
                                                "a calendar line needs a string 'id'"))
                continue
            cals = data.setdefault("calendars", {})
            if cid in cals:
                errors.append(SalesmetricsError("duplicate_id", where,
                                                f"calendar id {cid!r} is used twice"))
                continue
            cals[cid] = rec
        else:
            records = data.setdefault(section, [])
            lists[section] = records
            records.append(rec)
        deepest = max(deepest, nesting(rec))
    return data, errors, deepest + 2


def load_jsonl(source: Source, *, max_errors: int = DEFAULT_MAX_ERRORS) -> Dataset:
    """Load a dataset from JSON Lines: a file path, or an iterable of lines.

    Args:
        source: a path (``str`` or path-like) or the lines themselves.
        max_errors: stop collecting after this many errors.

    Raises:
        DatasetError: the errors of lines (``line 7``) then those of records
            (``messages[3].at``), up to ``max_errors``.
    """
    with paused_gc():
        data, errors, height = read_lines(source)
        return finish(data, errors, max_errors=max_errors, height=height)


def finish(data: Mapping[str, Any], errors: list[SalesmetricsError], *,
           max_errors: int, height: int | None = None,
           known: Mapping[str, Collection[str]] | None = None,
           base: Dataset | None = None) -> Dataset:
    """Validate ``data`` with :func:`from_dict`, raising ``errors`` found before it too.

    ``height``: a bound on the nesting of ``data`` (see :func:`read_lines`);
    ``known``, ``base``: ids defined outside ``data``, records it is added to
    (see ``build``).
    """
    limit = max(1, whole_number(max_errors, "max_errors", minimum=None))
    if not errors:
        return build(data, max_errors=limit, height=height, known=known, base=base)
    if len(errors) >= limit:
        raise DatasetError(errors[:limit])
    try:
        build(data, max_errors=limit - len(errors), height=height, known=known,
              base=base)
    except DatasetError as exc:
        raise DatasetError([*errors, *exc.errors]) from None
    except SalesmetricsError as exc:
        raise DatasetError([*errors, exc]) from None
    raise DatasetError(errors)


def iter_jsonl_lines(data: Mapping[str, Any]) -> Iterator[str]:
    """The lines (without newline) of a docs/case-format.md dataset dict, section by section.

    >>> list(iter_jsonl_lines({"calendars": {"c": {"timezone": "UTC"}}, "teams": [{"id": "A"}]}))
    ['{"section": "calendars", "id": "c", "timezone": "UTC"}', '{"section": "teams", "id": "A"}']
    """
    for section in SECTIONS:
        body = data.get(section)
        if not body:
            continue
        if section == "calendars":
            for cid, cal in body.items():
                yield record_line("calendars", {"id": cid, **cal})
        else:
            for rec in body:
                yield record_line(section, rec)


def record_line(section: str, record: Mapping[str, Any]) -> str:
    """One JSON Lines line for a record of ``section``.

    >>> record_line("teams", {"id": "A", "name": "Paris"})
    '{"section": "teams", "id": "A", "name": "Paris"}'
    """
    return json.dumps({"section": section, **record}, ensure_ascii=False)


def dump_jsonl(data: Mapping[str, Any], fh: IO[str]) -> None:
    """Write a docs/case-format.md dataset dict as JSON Lines to a text file."""
    for line in iter_jsonl_lines(data):
        fh.write(line)
        fh.write("\n")
