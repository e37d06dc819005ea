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

>>> parse_json('{"teams": [], "teams": [{"id": "A"}]}', "line 3")
Traceback (most recent call last):
...
salesmetrics.errors.SalesmetricsError: line 3: not JSON: the key 'teams' is given twice in one object
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from salesmetrics.errors import SalesmetricsError
from salesmetrics.load._limits import DEFAULT_LIMITS, Limits, check_size

__all__ = ["input_file", "input_folder", "parse_json", "read_input"]


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


def input_file(path: str | os.PathLike[str], where: str = "") -> Path:
    """``path`` as a :class:`~pathlib.Path` when it is an existing regular file (not opened).

    Raises:
        SalesmetricsError: ``invalid_value`` at ``where``: missing, a folder,
            a FIFO, a device or a socket.
    """
    p = Path(path)
    mode = _stat(p, where).st_mode
    if not stat.S_ISREG(mode):
        raise SalesmetricsError("invalid_value", where,
                                f"{p}: is {_kind(mode)}, not a regular file")
    return p


def input_folder(path: str | os.PathLike[str], where: str = "") -> Path:
    """``path`` as a :class:`~pathlib.Path` when it is an existing folder."""
    p = Path(path)
    if not stat.S_ISDIR(_stat(p, where).st_mode):
        raise SalesmetricsError("invalid_value", where, f"{p}: not a folder")
    return p


def read_input(path: str | os.PathLike[str], *, limits: Limits = DEFAULT_LIMITS,
               where: str = "") -> bytes:
    """The bytes of a regular file of at most ``limits.max_bytes``."""
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
    raise SalesmetricsError("invalid_value", path, f"{prefix}not JSON: {message}")
