"""Writing to the console whatever the locale (private)."""

from __future__ import annotations

import io
import sys

__all__ = ["utf8_stdout"]


def utf8_stdout() -> None:
    """Write standard output as UTF-8, whatever the locale says.

    Reports, case results and example datasets hold any text of the data
    (``Équipe 😀``) and the tables a dash; an ASCII or Latin-1 locale would
    make printing them a ``UnicodeEncodeError``. Loaders refuse text that is
    not Unicode, so UTF-8 encodes everything written.
    """
    out = sys.stdout
    if isinstance(out, io.TextIOWrapper) and out.encoding.lower().replace("-", "") != "utf8":
        out.reconfigure(encoding="utf-8")
