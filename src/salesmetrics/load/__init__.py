"""Loading datasets: dicts, JSON, JSON Lines, CSV folders, DataFrames, databases; errors with code and path."""

from salesmetrics.load._csv import load_csv_dir
from salesmetrics.load._dicts import DEFAULT_MAX_ERRORS, SECTIONS, from_dict
from salesmetrics.load._frames import from_frames
from salesmetrics.load._json import load_case_data, load_json
from salesmetrics.load._jsonl import load_jsonl
from salesmetrics.load._lenient import LoadReport, Skipped, from_dict_lenient, load
from salesmetrics.load._sql import from_sql

__all__ = [
    "DEFAULT_MAX_ERRORS",
    "SECTIONS",
    "LoadReport",
    "Skipped",
    "from_dict",
    "from_dict_lenient",
    "from_frames",
    "from_sql",
    "load",
    "load_case_data",
    "load_csv_dir",
    "load_json",
    "load_jsonl",
]
