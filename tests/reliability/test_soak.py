"""Soak: a few hundred small seeded datasets through every metric of the registry.

Every check either computes or raises a SalesmetricsError; results keep the
invariants of docs/definitions.md (rates in [0, 1] or null, counts non-negative
integers, totals that add up), are JSON-serialisable, come out the same twice
and after every section is shuffled.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from _harness import compute, random_check, shuffled, small_data

from salesmetrics.errors import ErrorCode, SalesmetricsError
from salesmetrics.load import from_dict
from salesmetrics.spec.registry import METRICS

SEEDS = range(240)
_CODES = {str(c) for c in ErrorCode}
_COUNTS = frozenset({
    "total", "previously_started", "new_inbound", "new_outbound", "existing_customers",
    "contacts", "answered", "answered_by_any", "count", "excluded", "conversations", "replied",
    "inbound", "outbound", "leads", "responded", "within_24h", "converted", "orders", "sales",
    "received", "responded_in_window", "accounts", "attempted", "sms_sent",
    "new_conversations", "sms_received", "calls_made", "calls_answered", "leads_created",
    "opportunities_created", "closed_won", "notes", "emails", "appointments",
    "contacts_processed",
})
_RATES = frozenset({"rate", "within_24h_rate"})
_ROWS = frozenset({"lead_list", "rows"})


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def check_invariants(value: Any, where: str = "") -> None:
    """The docs/definitions.md invariants of one result, at any depth."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            check_invariants(item, f"{where}[{i}]")
        return
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        if key in _ROWS:  # drill-down rows: facts of one item, not aggregates
            continue
        if key in _RATES:
            assert item is None or 0.0 <= item <= 1.0, (where, key, item)
        elif key in _COUNTS and not isinstance(item, dict | list):
            assert _is_count(item), (where, key, item)
        elif key == "by_channel" or key == "by_status":
            assert all(_is_count(n) for n in item.values()), (where, key, item)
        check_invariants(item, f"{where}.{key}")
    if {"previously_started", "new_inbound", "new_outbound"} <= value.keys():
        assert value["total"] == (value["previously_started"] + value["new_inbound"]
                                  + value["new_outbound"]), where
        assert value["existing_customers"] <= value["new_inbound"], where
    if "answered_by_any" in value:
        assert value["answered"] <= value["answered_by_any"] <= value["contacts"], where
    if "within_24h" in value:
        assert value["within_24h"] <= value["responded"] <= value["leads"], where
        assert all(n <= value["responded"] for n in value["buckets"]), where
    if "replied" in value:
        assert value["replied"] <= value["conversations"], where
    if "converted" in value:
        assert value["converted"] <= value["leads"], where
    if "attempted" in value:
        assert value["attempted"] <= value["accounts"], where
    if "calls_answered" in value:
        assert value["calls_answered"] <= value["calls_made"], where


def _outcome(dataset: Any, check: dict[str, Any]) -> Any:
    try:
        return compute(dataset, check)
    except SalesmetricsError as exc:
        assert exc.code in _CODES and isinstance(exc.path, str)
        return {"error": exc.to_dict()}


@pytest.mark.parametrize("block", range(4))
def test_every_metric_on_random_datasets_keeps_its_invariants(block: int) -> None:
    for seed in SEEDS[block::4]:
        data = small_data(seed)
        dataset = from_dict(data)
        other = from_dict(shuffled(data, seed))
        rnd = random.Random(seed)
        users = [u["id"] for u in data["users"]]
        for metric in METRICS:
            check = random_check(metric, rnd, data)
            if rnd.random() < 0.2:
                check["scope"] = {"user": rnd.choice(users)}
            first = _outcome(dataset, check)
            json.dumps(first, allow_nan=False)
            assert "error" not in first or metric in ("variation", "ranking"), (seed, check, first)
            check_invariants(first)
            assert _outcome(dataset, check) == first, ("not deterministic", seed, check)
            assert _outcome(other, check) == first, ("depends on input order", seed, check)
