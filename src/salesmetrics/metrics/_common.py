"""Helpers shared by the conversation metrics (private)."""

from __future__ import annotations

from collections.abc import Iterable

from salesmetrics.dataset import Dataset
from salesmetrics.metrics._args import check_by, check_seconds
from salesmetrics.rules import FIRST_MESSAGE_TEAM, OwnerRule
from salesmetrics.timeline import Conversation

__all__ = ["check_by", "check_gap", "owner_of", "teams_of"]


def check_gap(gap_seconds: object) -> float:
    """A conversation gap: a positive number of seconds (``invalid_option`` at ``gap_seconds``)."""
    return check_seconds(gap_seconds, "gap_seconds", positive=True)


def teams_of(dataset: Dataset) -> Iterable[str]:
    """The ids of the dataset's teams."""
    return (t.id for t in dataset.teams)


def owner_of(conv: Conversation, rule: OwnerRule) -> tuple[str, str]:
    """A conversation's owner team and why (METRICS.md 2.1)."""
    if rule == FIRST_MESSAGE_TEAM or not conv.is_inbound:
        return conv.first_team, "team of the first message"
    if conv.first_reply is not None:
        return conv.first_reply.team, f"first human reply {conv.first_reply.ref}"
    return conv.holder_at_end, "no human reply: team holding the thread at as_of"
