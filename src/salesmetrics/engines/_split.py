"""How a dataset is cut into parts: the partition key of every record.

Threads, their messages and events go by thread id; leads by lead id;
activities by their lead, else by their user; sessions by user. The
reference sections (calendars, teams, users, customers, smart lists) are not
cut: every part holds all of them. The hash is CRC-32 of the key, so every
process (a Dask worker, a later run) puts a record in the same part.

>>> partition_of("messages", {"thread": "t1"}, 8) == partition_of("threads", {"id": "t1"}, 8)
True
>>> partition_of("activities", {"user": "u", "lead": "L"}, 8) == partition_of("leads", {"id": "L"}, 8)
True
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any

__all__ = ["ID_CHECKED", "KEYS", "REFERENCE", "bucket", "key_of", "partition_of"]

#: The sections every part holds whole.
REFERENCE = ("calendars", "teams", "users", "customers", "smart_lists")

#: The fields a record is partitioned by (the first one present), per cut section;
#: ``conversions`` is the CSV folder's child table of leads.
KEYS: Mapping[str, tuple[str, ...]] = {
    "threads": ("id",), "messages": ("thread",), "thread_events": ("thread",),
    "leads": ("id",), "activities": ("lead", "user"), "sessions": ("user",),
    "conversions": ("lead",),
}

#: Sections whose optional ids are not their partition key: checked unique across parts.
ID_CHECKED = ("messages", "thread_events", "sessions", "activities")


def key_of(section: str, record: Mapping[str, Any]) -> str:
    """The partition key of a record of a cut section (``""`` when it has none)."""
    for name in KEYS[section]:
        value = record.get(name)
        if value is not None and value != "":
            return value if isinstance(value, str) else repr(value)
    return ""


def bucket(key: str, n: int) -> int:
    """The part (0 to n - 1) of a key."""
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % n


def partition_of(section: str, record: Mapping[str, Any], n: int) -> int:
    """The part (0 to n - 1) a record of a cut section goes to."""
    return bucket(key_of(section, record), n)
