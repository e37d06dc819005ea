"""Helpers shared by the conversation metrics (private)."""

from __future__ import annotations

from collections.abc import Iterable

from salesmetrics.dataset import Dataset
from salesmetrics.metrics._args import check_by, check_seconds

__all__ = ["check_by", "check_gap", "teams_of"]


def check_gap(gap_seconds: object) -> float:
    """A conversation gap: a positive number of seconds (``invalid_option`` at ``gap_seconds``)."""
    return check_seconds(gap_seconds, "gap_seconds", positive=True)


def teams_of(dataset: Dataset) -> Iterable[str]:
    """The ids of the dataset's teams."""
    return (t.id for t in dataset.teams)
