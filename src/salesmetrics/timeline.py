"""One pass per thread: conversations, holders, contacts (METRICS.md §2).

This module starts with the conversation split shared by every metric that
speaks of conversations (conversation metrics and rep activity alike).

>>> from datetime import datetime, timedelta, timezone
>>> from salesmetrics.model import Message, Direction
>>> t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
>>> msgs = [Message(thread="t", at=t0 + timedelta(days=d), direction=Direction.IN)
...         for d in (0, 1, 20)]
>>> [len(c) for c in split_conversations(msgs)]
[2, 1]
"""

from __future__ import annotations

from collections.abc import Sequence

from salesmetrics.model import Message

__all__ = ["DEFAULT_GAP_SECONDS", "split_conversations"]

#: The default silence that starts a new conversation: 15 days (Instaply).
DEFAULT_GAP_SECONDS = 15 * 86400.0


def split_conversations(
    messages: Sequence[Message], gap_seconds: float = DEFAULT_GAP_SECONDS
) -> list[list[Message]]:
    """Split one thread's messages (already in time order) into conversations.

    A message that comes at least ``gap_seconds`` after the previous message
    of the thread starts a new conversation (METRICS.md 2.1).
    """
    out: list[list[Message]] = []
    prev = None
    for m in messages:
        if prev is None or (m.at - prev).total_seconds() >= gap_seconds:
            out.append([m])
        else:
            out[-1].append(m)
        prev = m.at
    return out
