"""A dataset from DataFrames, one per section: :func:`from_frames`.

Each frame has the case format's column names; its cells go through the same
value reading as database rows (:func:`salesmetrics.load._sql.cell_value`),
then through the dict validator, so the checks and error paths are those of
:func:`~salesmetrics.load.from_dict` (``messages[3].at`` is the frame's fourth
row, whatever its index).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo
from typing import Any, Literal, overload

from salesmetrics.dataset import Dataset
from salesmetrics.errors import SalesmetricsError
from salesmetrics.load._dicts import DEFAULT_MAX_ERRORS
from salesmetrics.load._lenient import LoadReport
from salesmetrics.load._sql import finish_tables, zone_of

__all__ = ["frame_rows", "from_frames"]


def frame_rows(frame: Any, name: str) -> list[dict[str, Any]]:
    """The rows of a pandas or polars DataFrame, an Arrow table or a list of dicts.

    A pandas frame's named index levels are columns too (``df.set_index("id")``
    keeps its ids); an unnamed index is ignored.

    Raises:
        SalesmetricsError: ``invalid_value`` at ``name`` for anything else.
    """
    if hasattr(frame, "itertuples") and hasattr(frame, "columns"):  # pandas
        named = [str(n) for n in frame.index.names if n is not None]
        columns = _unique([*named, *(str(c) for c in frame.columns)], name)
        if named:
            frame = frame.reset_index(level=[n for n in frame.index.names if n is not None])
        values = [frame.iloc[:, j].tolist() for j in range(len(columns))]  # column by column
        return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]
    if hasattr(frame, "iter_rows") and hasattr(frame, "columns"):  # polars
        columns = _unique([str(c) for c in frame.columns], name)
        return [dict(zip(columns, row, strict=True)) for row in frame.iter_rows()]
    if hasattr(frame, "to_pylist") and hasattr(frame, "column_names"):  # pyarrow
        _unique([str(c) for c in frame.column_names], name)
        return [dict(row) for row in frame.to_pylist()]
    if isinstance(frame, list | tuple) and all(isinstance(r, Mapping) for r in frame):
        return [dict(r) for r in frame]
    raise SalesmetricsError("invalid_value", name,
                            f"a pandas or polars DataFrame, an Arrow table or a list of "
                            f"records, not {type(frame).__name__}")


def _unique(columns: list[str], name: str) -> list[str]:
    """The column names, refused at ``name`` when one is used twice (a value would be lost)."""
    seen: set[str] = set()
    for col in columns:
        if col in seen:
            raise SalesmetricsError("invalid_value", name, f"column {col!r} is used twice")
        seen.add(col)
    return columns


@overload
def from_frames(frames: Mapping[str, Any], /, *, calendars: Mapping[str, Any] | None = ...,
                naive_timezone: str | tzinfo | None = ..., strict: Literal[True] = ...,
                max_errors: int = ...) -> Dataset: ...


@overload
def from_frames(frames: Mapping[str, Any], /, *, calendars: Mapping[str, Any] | None = ...,
                naive_timezone: str | tzinfo | None = ..., strict: Literal[False],
                max_errors: int = ...) -> tuple[Dataset, LoadReport]: ...


def from_frames(
    frames: Mapping[str, Any],
    /,
    *,
    calendars: Mapping[str, Any] | None = None,
    naive_timezone: str | tzinfo | None = None,
    strict: bool = True,
    max_errors: int = DEFAULT_MAX_ERRORS,
) -> Dataset | tuple[Dataset, LoadReport]:
    """Load a dataset from DataFrames, one per section, with the case format's columns.

    ``NaN``, ``NaT``, ``None`` and ``pandas.NA`` are missing fields; integer
    ids become text; ``0``/``1`` are booleans; tz-aware datetime columns are
    instants (naive ones need ``naive_timezone=``). As in a CSV folder, a
    ``conversions`` frame (``lead``, ``kind``, ``at``) adds conversions to its
    leads, smart-list members may be ``;``-separated text (or lists), and a
    ``calendars`` frame (``id``, ``definition``) may hold the calendars.

    Args:
        frames: section → pandas DataFrame (polars DataFrames, Arrow tables and
            lists of dicts are read too).
        calendars: the calendars as the case format's mapping (id → definition).
        naive_timezone: the IANA zone (or tzinfo) of timestamps without an offset.
        strict: True: any error refuses the dataset. False: invalid rows are
            skipped and the result is ``(dataset, report)``.
        max_errors: strict mode: stop collecting after this many errors.

    Raises:
        DatasetError: strict mode, the dataset's errors, at the paths of
            :func:`~salesmetrics.load.from_dict` (``messages[3].at``: the
            fourth row of the ``messages`` frame).

    >>> import pandas as pd
    >>> ds = from_frames({
    ...     "teams": pd.DataFrame({"id": [1, 2], "name": ["Lyon", None]}),
    ...     "threads": pd.DataFrame({"id": ["t"], "team": [1]}),
    ...     "messages": pd.DataFrame({"thread": ["t"], "direction": ["in"],
    ...         "at": pd.to_datetime(["2026-03-02T09:00:00+01:00"])})})
    >>> ds.teams[0].id, ds.teams[1].name, ds.messages[0].at.isoformat()
    ('1', None, '2026-03-02T09:00:00+01:00')
    """
    zone_of(naive_timezone)
    if not isinstance(frames, Mapping):
        raise SalesmetricsError("invalid_value", "frames",
                                "frames is a mapping: section name -> DataFrame")
    tables = {str(name): frame_rows(frame, str(name)) for name, frame in frames.items()}
    return finish_tables(tables, calendars=calendars, naive_timezone=naive_timezone,
                         strict=strict, max_errors=max_errors)
