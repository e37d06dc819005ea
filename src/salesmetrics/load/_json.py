"""The FIXTURES.md dataset as a JSON file (a case file or a bare ``data`` object)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from salesmetrics.dataset import Dataset
from salesmetrics.errors import SalesmetricsError
from salesmetrics.load._dicts import DEFAULT_MAX_ERRORS, from_dict

__all__ = ["load_case_data", "load_json"]


def load_case_data(doc: Mapping[str, Any], *, max_errors: int = DEFAULT_MAX_ERRORS) -> Dataset:
    """The dataset of a parsed JSON document: a case's ``data``, or the document itself.

    Error paths name places inside ``data`` (``messages[3].at``), as FIXTURES.md says.
    """
    if "data" in doc and ("format" in doc or "checks" in doc):
        data = doc["data"]
        if data is None:
            data = {}
    else:
        data = doc
    if not isinstance(data, Mapping):
        raise SalesmetricsError("invalid_value", "data", "data is a JSON object of sections")
    return from_dict(data, max_errors=max_errors)


def load_json(path: str | os.PathLike[str], *, max_errors: int = DEFAULT_MAX_ERRORS) -> Dataset:
    """Load a dataset from a JSON file: a case file (its ``data``) or a bare dataset.

    Raises:
        SalesmetricsError: ``invalid_value`` at ``""`` when the file is not
            JSON; the dataset's errors otherwise.
    """
    with open(path, "rb") as fh:
        raw = fh.read()
    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SalesmetricsError("invalid_value", "", f"{os.fspath(path)}: not JSON: {exc}") from None
    if not isinstance(doc, Mapping):
        raise SalesmetricsError("invalid_value", "", "a dataset file holds a JSON object")
    return load_case_data(doc, max_errors=max_errors)
