"""The shared walk of every thread is the walk of each thread alone.

:func:`~salesmetrics.timeline.timelines` converts every thread's instants in
one pass and shares the histories that never change between threads;
:func:`~salesmetrics.timeline.thread_timeline` walks one thread by itself.
On random datasets, with and without ``as_of``, they give the same timelines
(conversations, contacts, holders and assignees over time).
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesmetrics.load import from_dict
from salesmetrics.timeline import thread_timeline, timelines, walk_index

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "conversations"))
from conv_strategies import T0, datasets


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=datasets(max_threads=5, max_items=30), days=st.none() | st.integers(0, 40))
def test_the_shared_walk_is_each_thread_walked_alone(raw: dict[str, object],
                                                     days: int | None) -> None:
    ds = from_dict(raw)
    as_of: datetime | None = None if days is None else T0 + timedelta(days=days)
    shared = timelines(ds, as_of=as_of)
    assert len(shared) == len(ds.threads)
    for tl, t in zip(shared, ds.threads, strict=True):
        alone = thread_timeline(ds, t.id, as_of=as_of)
        assert tl == alone
        assert (tl.teams.initial, tl.moves) == (alone.teams.initial, alone.moves)
        assert (tl.assignees.initial, tl.assignees.changes) == \
            (alone.assignees.initial, alone.assignees.changes)
        assert tl.holder == alone.holder
        for c in tl.conversations:  # a first reply that is the first outbound is one Reply
            if c.first_reply is not None and c.first_outbound is not None \
                    and c.first_reply.message is c.first_outbound.message:
                assert c.first_reply is c.first_outbound
    index = walk_index(ds, as_of=as_of)
    # the index's one array of instants holds each conversation's messages where it says
    for i, c in enumerate(index.conversations):
        k = index.offsets[i]
        assert index.message_us[k] == index.starts[i]
        assert index.message_us[k + len(c.messages) - 1] == index.lasts[i]
