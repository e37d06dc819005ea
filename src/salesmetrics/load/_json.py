"""The docs/case-format.md dataset as a JSON file (a case file or a bare ``data`` object)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from salesmetrics._gc import paused_gc
from salesmetrics.dataset import Dataset
from salesmetrics.errors import SalesmetricsError
from salesmetrics.load._dicts import DEFAULT_MAX_ERRORS, from_dict
from salesmetrics.load._files import parse_document, read_input
from salesmetrics.load._limits import DEFAULT_LIMITS, Limits, check_size

__all__ = ["load_case_data", "load_json", "parse_json_text"]


def load_case_data(
    doc: Mapping[str, Any], *, max_errors: int = DEFAULT_MAX_ERRORS,
    limits: Limits = DEFAULT_LIMITS,
) -> Dataset:
    """The dataset of a parsed JSON document: a case's ``data``, or the document itself.

    Error paths name places inside ``data`` (``messages[3].at``), as docs/case-format.md says.
    """
    if not isinstance(doc, Mapping):
        raise SalesmetricsError("invalid_value", "",
                                f"a case or a dataset is a JSON object, not {type(doc).__name__}")
    if "data" in doc and ("format" in doc or "checks" in doc):
        data = doc["data"]
        if data is None:
            data = {}
    else:
        data = doc
    if not isinstance(data, Mapping):
        raise SalesmetricsError("invalid_value", "data", "data is a JSON object of sections")
    return from_dict(data, max_errors=max_errors, limits=limits)


def parse_json_text(raw: bytes | str, *, limits: Limits = DEFAULT_LIMITS, name: str = "") -> Any:
    """Parse JSON text within the limits; every failure is an ``invalid_value`` error.

    >>> parse_json_text(b'[' * 100000 + b']' * 100000)
    Traceback (most recent call last):
    ...
    salesmetrics.errors.SalesmetricsError: not JSON: nested too deeply
    """
    check_size(len(raw), limits)
    return parse_document(raw, "", name)


def load_json(
    path: str | os.PathLike[str], *, max_errors: int = DEFAULT_MAX_ERRORS,
    limits: Limits = DEFAULT_LIMITS,
) -> Dataset:
    """Load a dataset from a JSON file: a case file (its ``data``) or a bare dataset.

    Raises:
        SalesmetricsError: ``invalid_value`` at ``""`` when the file is
            missing, not a regular file, or not JSON; the dataset's errors
            otherwise.
    """
    raw = read_input(path, limits=limits)
    with paused_gc():
        doc = parse_json_text(raw, limits=limits, name=os.fspath(path))
        del raw  # the file's text, not kept beside the records built from it
        if not isinstance(doc, Mapping):
            raise SalesmetricsError("invalid_value", "", "a dataset file holds a JSON object")
        return load_case_data(doc, max_errors=max_errors, limits=limits)
