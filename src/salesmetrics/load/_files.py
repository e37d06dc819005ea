"""Reading input files: the one path check and the one JSON parser of every loader.

* :func:`input_file` / :func:`input_folder`: a path a loader is given must
  exist and be of the kind expected. A file must be a *regular* file: a FIFO,
  a device or a socket is refused before it is opened (opening a FIFO blocks
  until a writer comes, forever for a loader).
* :func:`read_input`: the bytes of a file within ``Limits.max_bytes``; any
  ``OSError`` (permissions, a file that vanished) is an ``invalid_value``.
* :func:`parse_json`: JSON text to Python values, refusing a key given twice
  in one object (``{"teams": [...], "teams": [...]}`` would silently keep
  only the last); every failure is an ``invalid_value`` at the path given.
* :func:`parse_document`: the same for a whole document, fast: parsed
  without the hook (with orjson when installed), then its keys and string
  values counted against the quotes of the text; any doubt, and the text is
  parsed again by :func:`parse_json`.
* :func:`parse_record`: the same for one record (a JSON Lines line), fast:
  a line with a single ``{`` is parsed without the duplicate-key hook (with
  orjson when installed) and its members are counted in the text instead;
  anything else, or any doubt, goes through :func:`parse_json`, so the
  values and the errors are :func:`parse_json`'s by construction.

>>> parse_json('{"teams": [], "teams": [{"id": "A"}]}', "line 3")
Traceback (most recent call last):
...
salesmetrics.errors.SalesmetricsError: line 3: not JSON: the key 'teams' is given twice in one object
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import stat
import sys
from collections.abc import Callable
from itertools import chain
from pathlib import Path
from typing import Any

from salesmetrics._values import instance_of, is_text
from salesmetrics.errors import SalesmetricsError
from salesmetrics.load._limits import DEFAULT_LIMITS, Limits, check_size

__all__ = [
    "fast_loads",
    "flat_record",
    "flat_records",
    "given_path",
    "input_file",
    "input_folder",
    "input_path",
    "may_be_flat",
    "parse_document",
    "parse_json",
    "parse_record",
    "read_input",
]


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _stat(path: Path, where: str) -> os.stat_result:
    try:
        return path.stat()
    except FileNotFoundError:
        raise SalesmetricsError("invalid_value", where, f"{path}: no such file or folder") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        raise SalesmetricsError("invalid_value", where, f"{path}: cannot read: {exc}") from None


def given_path(path: object, where: str) -> Path:
    """``path`` as a :class:`~pathlib.Path`, when it is a path (``str`` or ``os.PathLike``).

    An empty one is refused: ``Path("")`` is the current folder, which nobody
    means by giving nothing.

    >>> given_path(5, "")
    Traceback (most recent call last):
    ...
    salesmetrics.errors.SalesmetricsError: give a path (str or os.PathLike), not int
    """
    text = os.fspath(path) if isinstance(path, str | os.PathLike) else None
    if not isinstance(text, str):
        raise SalesmetricsError("invalid_value", where,
                                f"give a path (str or os.PathLike), not {type(path).__name__}")
    if text == "":
        raise SalesmetricsError("invalid_value", where, "an empty path: give a file or a folder")
    return Path(text)


def input_file(path: str | os.PathLike[str], where: str = "") -> Path:
    """``path`` as a :class:`~pathlib.Path` when it is an existing regular file (not opened).

    Raises:
        SalesmetricsError: ``invalid_value`` at ``where``: missing, a folder,
            a FIFO, a device or a socket.
    """
    p = given_path(path, where)
    mode = _stat(p, where).st_mode
    if not stat.S_ISREG(mode):
        raise SalesmetricsError("invalid_value", where,
                                f"{p}: is {_kind(mode)}, not a regular file")
    return p


def input_folder(path: str | os.PathLike[str], where: str = "") -> Path:
    """``path`` as a :class:`~pathlib.Path` when it is an existing folder."""
    p = given_path(path, where)
    if not stat.S_ISDIR(_stat(p, where).st_mode):
        raise SalesmetricsError("invalid_value", where, f"{p}: not a folder")
    return p


def input_path(path: object, where: str = "") -> tuple[Path, bool]:
    """A dataset's path: ``(an existing folder, True)`` or ``(an existing regular file, False)``.

    ``where`` names the parameter when ``path`` is not a path at all
    (:func:`given_path`); what the path names is refused as
    :func:`input_file` refuses it, at ``""`` (a FIFO is never opened).
    """
    p = given_path(path, where)
    with contextlib.suppress(OSError, ValueError):  # a NUL in the path: input_file names it
        if p.is_dir():
            return input_folder(p), True
    return input_file(p), False


def read_input(path: str | os.PathLike[str], *, limits: Limits = DEFAULT_LIMITS,
               where: str = "") -> bytes:
    """The bytes of a regular file of at most ``limits.max_bytes``."""
    instance_of(limits, Limits, "limits", "a Limits", "invalid_option")
    p = input_file(path, where)
    check_size(p.stat().st_size, limits, where)
    try:
        with open(p, "rb") as fh:
            raw = fh.read(limits.max_bytes + 1)
    except OSError as exc:
        raise SalesmetricsError("invalid_value", where, f"{p}: cannot read: {exc}") from None
    check_size(len(raw), limits, where)
    return raw


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(f"the key {key!r} is given twice in one object")
            seen.add(key)
    return obj


def parse_json(raw: bytes | str, path: str = "", name: str = "") -> Any:
    """Parse JSON text, refusing duplicate keys; every failure is ``invalid_value`` at ``path``.

    Args:
        raw: the text (bytes are decoded as UTF-8, a byte-order mark allowed).
        path: the error path (``""``, ``line 7``, ``calendars``).
        name: a file name to put before the message.
    """
    prefix = f"{name}: " if name else ""
    try:
        return json.loads(raw, object_pairs_hook=_unique_keys)
    except RecursionError:
        message = "nested too deeply"
    except _DuplicateKey as exc:
        message = str(exc)
    except (ValueError, UnicodeDecodeError) as exc:
        message = str(exc)
        if "integer string conversion" in message:  # Python's own advice is no use here
            message = f"a number of more than {sys.get_int_max_str_digits()} digits"
    raise SalesmetricsError("invalid_value", path, f"{prefix}not JSON: {message}")


@functools.cache
def _orjson_loads() -> Callable[[bytes | str], Any] | None:
    try:
        import orjson
    except ImportError:
        return None
    return orjson.loads


def fast_loads() -> Callable[[bytes | str], Any]:
    """The fastest JSON parser installed (orjson's, else the standard library's), without hooks.

    Its values may differ from :func:`json.loads`' (orjson reads integers
    beyond 64 bits as floats): callers check what they get (see
    :func:`parse_record`).
    """
    return _orjson_loads() or json.loads


def may_be_flat(text: str) -> bool:
    """Whether a line may hold a flat record: exactly one ``{`` and no ``[``.

    >>> may_be_flat('{"id": "A"}'), may_be_flat('{"ids": ["A"]}')
    (True, False)
    """
    return text.count("{") == 1 and "[" not in text


def flat_record(text: str) -> dict[str, Any] | None:
    """The object a line holding one flat JSON object spells, when that can be vouched for; else None.

    For a ``text`` with exactly one ``{`` and no ``[`` (the caller checks),
    parsed without the duplicate-key hook (with orjson when installed): when
    the value is a dict, that object is the only container, so every string
    in the text is one of its keys or values, and the text holds ``2 * (keys
    + string values)`` quotes unless a key was given twice (fewer keys
    remain) or a string holds an escaped quote (more quotes): any mismatch,
    and any float from orjson (which reads an integer beyond 64 bits as a
    float), means None.

    >>> flat_record('{"section": "teams", "id": "A"}')
    {'section': 'teams', 'id': 'A'}
    >>> flat_record('{"id" : "A", "id": "B"}') is None
    True
    """
    loads = _orjson_loads()
    rec: Any = None
    types: list[type] | None = None
    if loads is not None:
        try:
            rec = loads(text)
        except ValueError:
            return None
        if type(rec) is dict:
            types = list(map(type, rec.values()))
            if float in types:
                rec = types = None
    if rec is None:
        try:
            rec = json.loads(text)
        except (ValueError, RecursionError):
            return None
    if type(rec) is not dict:
        return None
    if types is None:
        types = list(map(type, rec.values()))
    if text.count('"') != 2 * (len(rec) + types.count(str)):
        return None
    return rec


_FLAT_VALUES = frozenset((str, int, bool, type(None)))


def flat_records(lines: list[str]) -> list[dict[str, Any]] | None:
    """What :func:`flat_record` gives for each line, when it vouches for every one; else None.

    The same proof for a block of lines, in a few passes over the whole
    block rather than several per line: every line parsed (one failure, and
    None), each value a dict, the block holding as many ``{`` as lines and
    no ``[`` (a dict needs one ``{``, so each line holds exactly one), no
    value a float or a container, and the block's quotes twice its keys and
    string values. Each line holds at least that many quotes for its own
    record, so the totals are equal only when every line's are. With the
    standard library's parser, the block must also be text (no lone
    surrogate: orjson refuses those itself).

    >>> flat_records(['{"section": "teams", "id": "A"}\\n', '{"section": "teams", "id": "B"}'])
    [{'section': 'teams', 'id': 'A'}, {'section': 'teams', 'id': 'B'}]
    >>> flat_records(['{"id": "A"}', '{"id" : "A", "id": "B"}']) is None
    True
    """
    loads = fast_loads()
    try:
        recs = list(map(loads, lines))
    except (ValueError, RecursionError):
        return None
    if not _DICT.issuperset(map(type, recs)):
        return None
    joined = "".join(lines)
    if joined.count("{") != len(lines) or "[" in joined:
        return None
    if loads is json.loads and not is_text(joined):
        return None
    types = list(map(type, chain.from_iterable(map(dict.values, recs))))
    if not _FLAT_VALUES.issuperset(types):
        return None
    if joined.count('"') != 2 * (sum(map(len, recs)) + types.count(str)):
        return None
    return recs


def parse_record(text: str, path: str = "") -> Any:
    """One JSON Lines line's value: :func:`parse_json`'s, faster for a flat record.

    A line with exactly one ``{`` and no ``[`` goes the fast way
    (:func:`flat_record`); another one, or one the fast way cannot vouch
    for, is parsed by :func:`parse_json`, whose values and errors these are
    by construction.

    >>> parse_record('{"section": "teams", "id": "A"}')
    {'section': 'teams', 'id': 'A'}
    >>> parse_record('{"id": "A", "id" : "B"}', "line 2")
    Traceback (most recent call last):
    ...
    salesmetrics.errors.SalesmetricsError: line 2: not JSON: the key 'id' is given twice in one object
    """
    if may_be_flat(text):
        rec = flat_record(text)
        if rec is not None:
            return rec
    return parse_json(text, path)


_DICT = frozenset((dict,))
_FAILED = object()


def _strings_and_floats(doc: Any) -> tuple[int, bool]:
    """How many strings a parsed document holds (keys and values), and whether a float.

    Lists of flat records (dicts of leaves), the bulk of a dataset, are
    counted in a few C-level passes.
    """
    strings = 1 if type(doc) is str else 0  # a document may be one scalar
    floats = type(doc) is float
    stack = [doc]
    while stack:
        item = stack.pop()
        if type(item) is dict:
            strings += len(item)
            values: Any = item.values()
        elif type(item) is list:
            if item and _DICT.issuperset(map(type, item)):
                types = list(map(type, chain.from_iterable(map(dict.values, item))))
                if dict not in types and list not in types:
                    strings += sum(map(len, item)) + types.count(str)
                    floats = floats or float in types
                    continue
            values = item
        else:
            continue
        for value in values:
            kind = type(value)
            if kind is str:
                strings += 1
            elif kind is float:
                floats = True
            elif kind is dict or kind is list:
                stack.append(value)
    return strings, floats


def parse_document(raw: bytes | str, path: str = "", name: str = "") -> Any:
    """A whole JSON document's value: :func:`parse_json`'s, faster.

    Parsed without the duplicate-key hook (with orjson when installed, kept
    only without floats: orjson reads an integer beyond 64 bits as a float):
    the text holds at least two quotes per string it spells (keys included),
    more when a string holds an escaped quote, and the parsed value fewer
    strings when a key was given twice. So when the quotes are exactly twice
    the strings of the value, no key was given twice; otherwise, or when the
    fast parser refuses the text, :func:`parse_json` parses it again.

    >>> parse_document('{"teams": [{"id": "A"}], "users": []}')
    {'teams': [{'id': 'A'}], 'users': []}
    >>> parse_document(b'{"teams": [], "teams" : []}', "", "x.json")
    Traceback (most recent call last):
    ...
    salesmetrics.errors.SalesmetricsError: x.json: not JSON: the key 'teams' is given twice in one object
    """
    doc: Any = _FAILED
    for loads in dict.fromkeys((fast_loads(), json.loads)):
        try:
            doc = loads(raw)
        except (ValueError, RecursionError):
            break
        strings, floats = _strings_and_floats(doc)
        if loads is json.loads or not floats:
            quotes = raw.count(b'"') if isinstance(raw, bytes) else raw.count('"')
            if quotes == 2 * strings:
                return doc
            break
    return parse_json(raw, path, name)
