"""Loading datasets: dicts, JSON, JSON Lines, CSV folders; errors with code and path."""

from salesmetrics.load._dicts import DEFAULT_MAX_ERRORS, SECTIONS, from_dict
from salesmetrics.load._json import load_case_data, load_json

__all__ = ["DEFAULT_MAX_ERRORS", "SECTIONS", "from_dict", "load_case_data", "load_json"]
