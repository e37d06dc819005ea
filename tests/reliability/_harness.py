"""Shared helpers of the reliability tests (not a test module): random checks, one computation.

Datasets come from :func:`salesmetrics.examples.generate` (every section and
field kind, realistic), seeded and small; checks are drawn for every metric of
:data:`salesmetrics.spec.registry.METRICS`, with each grouping and option kind.
"""

from __future__ import annotations

import ast
import random
from datetime import datetime, timedelta
from typing import Any

from salesmetrics.dataset import Dataset
from salesmetrics.examples import generate
from salesmetrics.results import to_jsonable
from salesmetrics.spec.check import parse_check
from salesmetrics.spec.registry import METRICS, adapter_for

#: generate()'s default first day is a Monday; one week of data.
START = datetime.fromisoformat("2026-03-02T00:00:00+00:00")
SECTIONS = ("teams", "users", "customers", "threads", "messages", "thread_events",
            "sessions", "leads", "activities", "smart_lists")


def small_data(seed: int) -> dict[str, Any]:
    """A small example dataset dict (a few to a few dozen messages)."""
    rnd = random.Random(seed)
    return generate(seed=seed, messages=rnd.randint(0, 30), weeks=1)


def _iso(dt: datetime) -> str:
    return dt.isoformat()


def _instant(rnd: random.Random) -> datetime:
    return START + timedelta(minutes=rnd.randint(-2 * 1440, 9 * 1440))


def _period(rnd: random.Random) -> dict[str, str]:
    start = _instant(rnd)
    end = start + timedelta(minutes=rnd.randint(1, 8 * 1440))
    return {"start": _iso(start), "end": _iso(end)}


_INNER = {  # metric counted over a period, grouped by team -> a numeric result key
    "conversations": "total", "response_rate": "rate", "response_time": "mean",
    "outbound_reply": "rate", "new_customers": "inbound", "connected_customers": "count",
}


def random_check(metric: str, rnd: random.Random, data: dict[str, Any]) -> dict[str, Any]:
    """One valid check of ``metric`` with a random period, grouping and options."""
    spec = METRICS[metric]
    check: dict[str, Any] = {"metric": metric}
    if spec.needs_period:
        check["period"] = _period(rnd)
    if rnd.random() < 0.3:
        check["as_of"] = _iso(_instant(rnd))
    if spec.by and metric not in ("ranking", "variation"):
        check["by"] = rnd.choice([None, *spec.by])
    at = _iso(_instant(rnd))
    opts: dict[str, Any] = {}
    if metric in ("conversations", "response_rate", "response_time", "outbound_reply") \
            and rnd.random() < 0.3:
        opts["gap_seconds"] = rnd.choice([3600, 86400, 1296000])
    if metric == "response_time":
        opts["outliers"] = rnd.choice([None, {"method": "tukey", "k": 1.5},
                                       {"method": "cap", "seconds": 3600}])
        opts["clock"] = rnd.choice(["business", "wall", "deferred_start"])
    elif metric == "outbound_reply":
        opts["clock"] = rnd.choice(["business", "wall"])
    elif metric in ("ranking", "variation"):
        of = rnd.choice(sorted(_INNER))
        opts.update({"of": of, "key": _INNER[of]})
        if metric == "variation":
            check["by"] = rnd.choice([None, "team"])
        elif rnd.random() < 0.5:
            opts["previous_period"] = _period(rnd)
    elif metric == "waiting":
        opts["at"] = at
    elif metric == "colleagues":
        opts.update({"day": at[:10], "at": at,
                     "timezone": rnd.choice(["UTC", "Europe/Paris", "America/Toronto"])})
    elif metric == "open_too_long":
        opts.update({"at": at, "threshold_seconds": rnd.choice([0, 600, 86400])})
    elif metric == "business_time":
        a, b = _instant(rnd), _instant(rnd)
        opts.update({"calendar": rnd.choice(sorted(data["calendars"])),
                     "intervals": [[_iso(min(a, b)), _iso(max(a, b))], [_iso(a), _iso(a)]],
                     "clock": rnd.choice(["business", "wall", "deferred_start"])})
    elif metric == "lead_response_time":
        opts["clock"] = rnd.choice(["business", "wall", "deferred_start"])
        opts["buckets"] = [[0, 1], [1, 24], [24, 48]]
        if rnd.random() < 0.3:
            opts["categories"] = ["sales"]
    elif metric == "lead_dashboard":
        opts["at"] = at
        opts["window_seconds"] = rnd.choice([3600, 43200])
    elif metric == "rep_activity":
        opts.update(rnd.choice([{}, {"on_smart_list": True}, {"on_smart_list": False},
                                {"account_type": "business"}, {"team": data["teams"][0]["id"]}]))
    elif metric == "inactive_users":
        opts.update({"at": at, "days": rnd.choice([1, 5])})
    if opts:
        check["options"] = opts
    return check


def compute(dataset: Dataset, raw: dict[str, Any]) -> Any:
    """The JSON-able result of one check, as the runner computes it, but letting
    every exception through (the runner turns unexpected ones into ``internal_error``)."""
    check = parse_check(raw)
    if check.scope_user is not None:
        at = check.as_of
        if at is None and "at" in METRICS[check.metric].options and check.has("at"):
            at = check.instant("at")
        dataset = dataset.scoped_to_user(check.scope_user, at)
    return to_jsonable(adapter_for(check.metric)(dataset, check))


def shuffled(data: dict[str, Any], seed: int) -> dict[str, Any]:
    """The same dataset dict with every record section in another order."""
    rnd = random.Random(seed)
    out = dict(data)
    for name in SECTIONS:
        items = list(data.get(name) or [])
        rnd.shuffle(items)
        out[name] = items
    return out


def imported(node: ast.AST) -> list[str]:
    """The module names an import statement imports (none for other nodes)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom):
        return [node.module or ""]
    return []
