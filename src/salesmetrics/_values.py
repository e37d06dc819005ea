"""The shared checks of plain input values: numbers and text, with coded errors.

Every number a caller gives (a record's field, a check's option, a rule's
parameter) goes through :func:`finite_number`, and every string of a
dataset through :func:`check_text`, so one rule holds everywhere:

* a number is an ``int`` or ``float`` (not a bool), finite as a float: an
  integer of 401 digits, ``NaN`` or infinity is refused, never an
  ``OverflowError`` or a NaN that compares false with everything;
* text is Unicode text: a lone surrogate (``"\\ud800"``, which JSON's
  ``\\u`` escapes can spell) is refused where it is read, so no output
  format (JSON, CSV, tables, a terminal) ever fails to encode it.

>>> finite_number(10**400, "options.gap_seconds", "invalid_option")
Traceback (most recent call last):
...
salesmetrics.errors.SalesmetricsError: options.gap_seconds: must be a finite number, not an integer of 401 digits
>>> check_text("A\\ud800", "teams[0].id")
Traceback (most recent call last):
...
salesmetrics.errors.SalesmetricsError: teams[0].id: not Unicode text (a lone surrogate): 'A\\ud800'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from salesmetrics.errors import SalesmetricsError

__all__ = ["check_text", "command_line", "each_instance", "finite_number", "instance_of", "is_text", "whole_number"]


def _shown(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**20:
        return f"an integer of {len(str(abs(value)))} digits"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def instance_of(value: object, kind: type | tuple[type, ...], path: str, what: str,
                code: str = "invalid_value") -> None:
    """Refuse a ``value`` that is not a ``kind``: ``code`` at ``path``, naming ``what`` is needed.

    >>> instance_of(5, str, "result", "a metric's Result")
    Traceback (most recent call last):
    ...
    salesmetrics.errors.SalesmetricsError: result: a metric's Result is needed, not int
    """
    if not isinstance(value, kind):
        raise SalesmetricsError(code, path, f"{what} is needed, not {type(value).__name__}")


def each_instance(values: Sequence[Any], kind: type, path: str) -> None:
    """Refuse an item of ``values`` that is not a ``kind``, named ``path[i]`` (``invalid_value``).

    One pass in C when every item is of the class itself (the loaders' case).

    >>> each_instance(("a", 5), str, "ids")
    Traceback (most recent call last):
    ...
    salesmetrics.errors.SalesmetricsError: ids[1]: a str is needed, not int
    """
    if not {kind}.issuperset(map(type, values)):
        for i, value in enumerate(values):
            if not isinstance(value, kind):
                raise SalesmetricsError("invalid_value", f"{path}[{i}]",
                                        f"a {kind.__name__} is needed, not {type(value).__name__}")


def command_line(argv: object, path: str = "argv") -> list[str] | None:
    """A command line given to a ``main``: None (``sys.argv``) or a list of strings.

    >>> command_line(["report", "--example"])
    ['report', '--example']
    >>> command_line("report --example")
    Traceback (most recent call last):
    ...
    salesmetrics.errors.SalesmetricsError: argv: a list of arguments (strings) or None, not str
    """
    if argv is None:
        return None
    if not isinstance(argv, list | tuple):
        raise SalesmetricsError("invalid_value", path, "a list of arguments (strings) or None, "
                                f"not {type(argv).__name__}")
    for i, arg in enumerate(argv):
        if not isinstance(arg, str):
            raise SalesmetricsError("invalid_value", f"{path}[{i}]",
                                    f"an argument is a string, not {type(arg).__name__}")
    return list(argv)


def finite_number(value: object, path: str, code: str = "invalid_value", *,
                  minimum: float | None = None, positive: bool = False) -> float:
    """A finite number as a float, at least ``minimum`` (and above 0 when ``positive``).

    >>> finite_number(3, "k"), finite_number(0.5, "k", minimum=0)
    (3.0, 0.5)
    >>> finite_number(float("nan"), "k", "invalid_option")
    Traceback (most recent call last):
    ...
    salesmetrics.errors.SalesmetricsError: k: must be a finite number, not nan
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SalesmetricsError(code, path, f"must be a number, not {_shown(value)}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise SalesmetricsError(code, path, f"must be a finite number, not {_shown(value)}")
    if positive and number <= 0:
        raise SalesmetricsError(code, path, f"must be positive, not {_shown(value)}")
    if minimum is not None and number < minimum:
        raise SalesmetricsError(code, path, f"must be at least {minimum:g}, not {_shown(value)}")
    return number


def whole_number(value: object, path: str, code: str = "invalid_option", *,
                 minimum: int | None = 0) -> int:
    """An ``int`` (not a bool) at least ``minimum`` (None: any): a count, a limit.

    >>> whole_number(0, "max_errors", minimum=1)
    Traceback (most recent call last):
    ...
    salesmetrics.errors.SalesmetricsError: max_errors: must be an integer at least 1, not 0
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise SalesmetricsError(code, path, f"must be an integer, not {_shown(value)}")
    if minimum is not None and value < minimum:
        raise SalesmetricsError(code, path,
                                f"must be an integer at least {minimum}, not {_shown(value)}")
    return value


def is_text(value: str) -> bool:
    """Whether a string is Unicode text: no lone surrogate (it encodes as UTF-8)."""
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_text(value: str, path: str, code: str = "invalid_value") -> str:
    """``value`` itself when it is Unicode text (see :func:`is_text`), else an error."""
    if not is_text(value):
        raise SalesmetricsError(code, path, f"not Unicode text (a lone surrogate): {_shown(value)}")
    return value
