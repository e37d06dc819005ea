"""Adapters from three public datasets to the docs/case-format.md dataset.

Each adapter takes the path of the data as published (nothing is copied into
this project) and returns ``(data, skipped)``: the dataset dict and the
:class:`~salesmetrics.load.Skipped` list of every input row it left out, with
a code and the row's place (``sales_pipeline[17].engage_date``: data row 17 of
``sales_pipeline.csv``, 0-based, header excluded). The ``*_dataset`` variants
validate that dict leniently and return ``(Dataset, LoadReport)``, the
adapter's skips first: nothing is left out silently.

* :func:`twcs_data` — "Customer Support on Twitter" (``twcs.csv``): tweets
  become messages, reply chains become threads, brands become teams;
* :func:`maven_crm_data` — Maven Analytics "CRM Sales Opportunities":
  opportunities become leads, sales agents users, regional offices teams;
* :func:`helpdesk_data` — the "Helpdesk" process-mining event log: tickets
  become threads, their events thread events.

See ``docs/loading.md`` for the mapping of every column.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from salesmetrics._time import strict_date
from salesmetrics.dataset import Dataset
from salesmetrics.errors import SalesmetricsError
from salesmetrics.load._csv import check_header
from salesmetrics.load._files import input_folder, read_input
from salesmetrics.load._lenient import LoadReport, Skipped, from_dict_lenient

__all__ = [
    "helpdesk_data",
    "helpdesk_dataset",
    "maven_crm_data",
    "maven_crm_dataset",
    "parse_twitter_time",
    "twcs_data",
    "twcs_dataset",
]

_Result = tuple[dict[str, Any], list[Skipped]]

# the columns each adapter reads: a file without one is refused (missing_field)
_TWCS_COLUMNS = ("tweet_id", "author_id", "inbound", "created_at", "response_tweet_id",
                 "in_response_to_tweet_id")
_PIPELINE_COLUMNS = ("opportunity_id", "sales_agent", "product", "account", "deal_stage",
                     "engage_date", "close_date")
_HELPDESK_COLUMNS = ("case:concept:name", "Activity", "Resource", "time:timestamp")

_BARE_CR = re.compile(r"\r(?!\n)")
_FLOAT_ID = re.compile(r"(\d+)(?:\.0*)?", re.ASCII)
_CR_MARK = "\ue000"  # a private-use character standing for a bare CR while parsing


def _csv_rows(path: str | os.PathLike[str], name: str, columns: tuple[str, ...],
              skipped: list[Skipped]) -> Iterator[tuple[int, dict[str, str]]]:
    """``(row number, row)`` of a CSV file; a bare carriage return inside a cell stays in it.

    The csv module ends a record at any unquoted CR, so a tweet holding a bare
    CR (the TWCS trap) would be split in two rows; the CRs are masked while
    parsing and put back in the cells. The file is checked as every loader
    checks its files: a regular UTF-8 file, a header with each column named
    once, unnamed columns aside (:func:`~salesmetrics.load._csv.check_header`), holding ``columns``
    (else ``missing_field`` at ``name.<column>``). A row with more cells than
    the header is reported in ``skipped`` (``invalid_value`` at ``name[i]``)
    and left out; missing cells read as empty.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, newline="") as fh:
    ...     _ = fh.write("a,b\\n1,x \\r\\ry\\n2,z\\n")
    >>> [r["b"] for _, r in _csv_rows(fh.name, "t", ("b",), [])]
    ['x \\r\\ry', 'z']
    >>> next(_csv_rows(fh.name, "t", ("a", "c"), []))
    Traceback (most recent call last):
    ...
    salesmetrics.errors.SalesmetricsError: t.c: the file has no column 'c'
    >>> os.unlink(fh.name)
    """
    raw = read_input(path, where=name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SalesmetricsError("invalid_value", name, f"not UTF-8 text: {exc}") from None
    masked = _BARE_CR.sub(_CR_MARK, text)
    reader = csv.reader(io.StringIO(masked, newline=""))
    try:
        # unnamed columns (a pandas index, as in twcs_subset.csv) are not read
        header = check_header(next(reader, []), Path(path).name, name, unnamed=True)
        for column in columns:
            if column not in header:
                raise SalesmetricsError("missing_field", f"{name}.{column}",
                                        f"the file has no column {column!r}")
        for i, cells in enumerate(reader):
            if len(cells) > len(header):
                skipped.append(Skipped(f"{name}[{i}]", "invalid_value",
                                       f"row has {len(cells)} cells, the header {len(header)}"))
                continue
            cells += [""] * (len(header) - len(cells))
            yield i, {k: v.replace(_CR_MARK, "\r") for k, v in zip(header, cells, strict=True)}
    except csv.Error as exc:
        raise SalesmetricsError("invalid_value", name, f"not CSV: {exc}") from None


def _iso(dt: datetime) -> str:
    return dt.isoformat()


def _midnight_utc(value: str) -> str | None:
    """``YYYY-MM-DD`` at 00:00 UTC, or None for anything else."""
    day = strict_date(value.strip())
    return None if day is None else datetime.combine(day, datetime.min.time(), UTC).isoformat()


# -- Customer Support on Twitter ----------------------------------------------

def parse_twitter_time(value: str) -> datetime:
    """An aware datetime from Twitter's ``created_at`` format.

    >>> parse_twitter_time("Tue Oct 31 22:10:47 +0000 2017").isoformat()
    '2017-10-31T22:10:47+00:00'
    """
    if not isinstance(value, str):
        raise SalesmetricsError("invalid_instant", "created_at",
                                f"a Twitter time is text, not {type(value).__name__}")
    try:
        return datetime.strptime(value.strip(), "%a %b %d %H:%M:%S %z %Y")
    except ValueError:
        raise SalesmetricsError("invalid_instant", "created_at",
                                f"not a Twitter time ('Tue Oct 31 22:10:47 +0000 2017'): "
                                f"{value[:60]!r}") from None


def _tweet_id(value: str) -> str | None:
    """``'3.0'`` → ``'3'`` (the dataset writes ids as floats); empty → None; other text as is.

    >>> _tweet_id(" 3.0 "), _tweet_id("x7"), _tweet_id("1e400"), _tweet_id("")
    ('3', 'x7', '1e400', None)
    """
    value = value.strip()
    if not value:
        return None
    m = _FLOAT_ID.fullmatch(value)
    return str(int(m.group(1))) if m else value


def _id_order(tid: str) -> tuple[int, int | str]:
    """Numeric ids by number, then any other id by text (the root of a chain is the least)."""
    return (0, int(tid)) if tid.isascii() and tid.isdigit() else (1, tid)


def twcs_data(path: str | os.PathLike[str]) -> _Result:
    """The TWCS tweets as a dataset dict.

    * every tweet is a message (id ``tweet_id``, channel ``twitter``);
      ``inbound=True`` is a customer's (``in``), ``False`` a brand's (``out``,
      its ``team`` the brand);
    * a thread is a reply chain: the tweets linked by
      ``in_response_to_tweet_id`` or ``response_tweet_id`` (id ``tw<first tweet
      id>``); its customer is the author of its first inbound tweet, its team
      the first brand that tweets in it, or else the brand the first tweet
      addresses (``@AppleSupport``). The 5,000-row subset gives 1,312 threads;
    * brands are teams (no calendar: open 24/7); every author of an inbound
      tweet is a customer (no account type).

    Skipped (reported): rows without ``tweet_id``/``author_id`` or with an
    unreadable ``created_at``, and threads whose brand cannot be told.
    """
    skipped: list[Skipped] = []
    tweets: list[tuple[int, dict[str, str], datetime]] = []
    for i, row in _csv_rows(path, "twcs", _TWCS_COLUMNS, skipped):
        where = f"twcs[{i}]"
        if not row.get("tweet_id") or not row.get("author_id"):
            skipped.append(Skipped(where, "missing_field", "a tweet needs tweet_id and author_id"))
            continue
        try:
            at = parse_twitter_time(row.get("created_at") or "")
        except ValueError:
            skipped.append(Skipped(f"{where}.created_at", "invalid_instant",
                                   f"not a Twitter time: {row.get('created_at')!r}"))
            continue
        tweets.append((i, row, at))

    ids = {_tweet_id(row["tweet_id"]) for _, row, _ in tweets}
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb, key=_id_order)] = min(ra, rb, key=_id_order)

    for _, row, _ in tweets:
        tid = _tweet_id(row["tweet_id"])
        assert tid is not None
        parent.setdefault(tid, tid)
        links = [_tweet_id(row.get("in_response_to_tweet_id") or "")]
        links += [_tweet_id(x) for x in (row.get("response_tweet_id") or "").split(",")]
        for other in links:
            if other is not None and other in ids:
                parent.setdefault(other, other)
                union(tid, other)

    brands = sorted({row["author_id"] for _, row, _ in tweets if row["inbound"] != "True"})
    brand_by_lower = {b.lower(): b for b in brands}
    chains: dict[str, list[tuple[int, dict[str, str], datetime]]] = defaultdict(list)
    for item in tweets:
        chains[find(_tweet_id(item[1]["tweet_id"]) or "")].append(item)

    threads: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    customers: dict[str, None] = {}
    thread_of: dict[str, str] = {}
    for root in sorted(chains, key=_id_order):
        items = sorted(chains[root], key=lambda it: (it[2], it[0]))
        inbound = [row for _, row, _ in items if row["inbound"] == "True"]
        team = next((row["author_id"] for _, row, _ in items if row["inbound"] != "True"), None)
        if team is None:
            for handle in re.findall(r"@(\w+)", items[0][1].get("text") or ""):
                team = brand_by_lower.get(handle.lower())
                if team is not None:
                    break
        thread_id = f"tw{root}"
        if team is None:
            for i, _row, _ in items:
                skipped.append(Skipped(f"twcs[{i}]", "unknown_reference",
                                       "no brand replies in this reply chain or is addressed "
                                       "by its first tweet: its team is unknown"))
            continue
        rec: dict[str, Any] = {"id": thread_id, "team": team}
        if inbound:
            rec["customer"] = inbound[0]["author_id"]
        threads.append(rec)
        for _, row, _ in items:
            thread_of[row["tweet_id"]] = thread_id
    for _i, row, at in sorted(tweets, key=lambda it: it[0]):
        in_thread = thread_of.get(row["tweet_id"])
        if in_thread is None:
            continue
        msg: dict[str, Any] = {"id": _tweet_id(row["tweet_id"]), "thread": in_thread,
                               "at": _iso(at), "channel": "twitter"}
        if row["inbound"] == "True":
            msg["direction"] = "in"
            customers.setdefault(row["author_id"], None)
        else:
            msg["direction"] = "out"
            msg["team"] = row["author_id"]
        messages.append(msg)
    data = {
        "teams": [{"id": b, "name": b} for b in brands],
        "customers": [{"id": c} for c in customers],
        "threads": threads,
        "messages": messages,
    }
    return data, skipped


def twcs_dataset(path: str | os.PathLike[str]) -> tuple[Dataset, LoadReport]:
    """:func:`twcs_data`, validated leniently: ``(Dataset, LoadReport)``."""
    data, skipped = twcs_data(path)
    return _dataset(data, skipped)


# -- Maven Analytics CRM Sales Opportunities --------------------------------------

_PRODUCT_SPELLINGS = {"GTXPro": "GTX Pro"}
_STAGE_GROUP = {"Won": "won", "Lost": "lost", "Engaging": "open", "Prospecting": "open"}


def maven_crm_data(folder: str | os.PathLike[str]) -> _Result:
    """The Maven CRM opportunities as a dataset dict.

    * ``sales_teams.csv``: each agent is a user (id: the agent's name, split
      into first and last name; ``code``: the manager's initials are not
      used), in the team of their regional office; offices are teams;
    * ``accounts.csv``: each account is a customer (``account_type``
      ``business``, ``brand``: the sector);
    * ``sales_pipeline.csv``: each opportunity is a lead: id
      ``opportunity_id``, ``received_at`` the ``engage_date`` at 00:00 UTC,
      ``type`` the product (``GTXPro`` spelled ``GTX Pro`` as in
      ``products.csv``), ``category`` the product's series, ``assignee`` the
      agent, ``team`` the agent's office, ``customer`` the account (when
      given), ``status`` the deal stage, ``status_group`` won / lost / open
      (Engaging, Prospecting), and for a won deal a ``sale`` conversion at
      ``close_date`` 00:00 UTC.

    Skipped (reported): opportunities without ``engage_date`` (the 500
    Prospecting deals: a lead needs the instant it was received) or with an
    unknown agent.
    """
    root = input_folder(folder)
    skipped: list[Skipped] = []
    series = {r["product"]: r["series"] for _, r in _csv_rows(
        root / "products.csv", "products", ("product", "series"), skipped)}
    users: list[dict[str, Any]] = []
    offices: dict[str, None] = {}
    office_of: dict[str, str] = {}
    for _, row in _csv_rows(root / "sales_teams.csv", "sales_teams",
                            ("sales_agent", "regional_office"), skipped):
        name = row["sales_agent"].strip()
        first, _, last = name.partition(" ")
        office = row["regional_office"].strip()
        offices.setdefault(office, None)
        office_of[name] = office
        users.append({"id": name, "first_name": first, "last_name": last or None,
                      "team": office})
    customers = [{"id": r["account"], "account_type": "business", "brand": r["sector"]}
                 for _, r in _csv_rows(root / "accounts.csv", "accounts",
                                       ("account", "sector"), skipped)]
    known_accounts = {c["id"] for c in customers}
    leads: list[dict[str, Any]] = []
    for i, row in _csv_rows(root / "sales_pipeline.csv", "sales_pipeline", _PIPELINE_COLUMNS,
                            skipped):
        where = f"sales_pipeline[{i}]"
        agent = row["sales_agent"].strip()
        if not row["engage_date"]:
            skipped.append(Skipped(f"{where}.engage_date", "missing_field",
                                   f"{row['deal_stage']} opportunity {row['opportunity_id']} "
                                   "has no engage_date: no instant to receive the lead at"))
            continue
        received = _midnight_utc(row["engage_date"])
        closed = _midnight_utc(row["close_date"]) if row["close_date"] else None
        bad = ("engage_date" if received is None else
               "close_date" if row["close_date"] and closed is None else None)
        if bad is not None:
            skipped.append(Skipped(f"{where}.{bad}", "invalid_instant",
                                   f"not a YYYY-MM-DD date: {row[bad]!r}"))
            continue
        if agent not in office_of:
            skipped.append(Skipped(f"{where}.sales_agent", "unknown_reference",
                                   f"unknown sales agent {agent!r}"))
            continue
        product = _PRODUCT_SPELLINGS.get(row["product"], row["product"])
        lead: dict[str, Any] = {
            "id": row["opportunity_id"], "received_at": received,
            "type": product, "assignee": agent, "team": office_of[agent],
            "status": row["deal_stage"], "status_group": _STAGE_GROUP.get(row["deal_stage"]),
        }
        if product in series:
            lead["category"] = series[product]
        if row["account"] and row["account"] in known_accounts:
            lead["customer"] = row["account"]
        if row["deal_stage"] == "Won" and closed is not None:
            lead["conversions"] = [{"kind": "sale", "at": closed}]
        leads.append({k: v for k, v in lead.items() if v is not None})
    data = {
        "teams": [{"id": o, "name": o} for o in offices],
        "users": [{k: v for k, v in u.items() if v is not None} for u in users],
        "customers": customers,
        "leads": leads,
    }
    return data, skipped


def maven_crm_dataset(folder: str | os.PathLike[str]) -> tuple[Dataset, LoadReport]:
    """:func:`maven_crm_data`, validated leniently: ``(Dataset, LoadReport)``."""
    data, skipped = maven_crm_data(folder)
    return _dataset(data, skipped)


# -- Helpdesk event log ----------------------------------------------------------

_HELPDESK_EVENTS: dict[str, dict[str, str]] = {
    "Take in charge ticket": {"type": "assign"},
    "Resolve ticket": {"type": "status", "status": "resolved"},
    "Closed": {"type": "status", "status": "resolved"},
    "Wait": {"type": "status", "status": "waiting"},
}


def helpdesk_data(path: str | os.PathLike[str]) -> _Result:
    """The Helpdesk event log as a dataset dict.

    * one team, ``helpdesk`` (no calendar); each ``Resource`` is a user;
    * each case (``case:concept:name``) is a thread; its earliest event is
      also an inbound message (channel ``helpdesk``): the ticket arriving;
    * events: ``Take in charge ticket`` → ``assign`` to the resource;
      ``Resolve ticket`` and ``Closed`` → ``status`` ``resolved``; ``Wait`` →
      ``status`` ``waiting``; every other activity (Assign seriousness,
      Require upgrade, Create SW anomaly, …) → a ``note``; each names the
      resource as its ``user``.

    Skipped (reported, not dropped silently): rows that exactly repeat an
    earlier row (``duplicate_id``, naming both rows) and rows without a case,
    a resource or a readable timestamp.
    """
    skipped: list[Skipped] = []
    seen: dict[tuple[str, ...], int] = {}
    events: list[tuple[int, dict[str, str], datetime]] = []
    for i, row in _csv_rows(path, "helpdesk", _HELPDESK_COLUMNS, skipped):
        where = f"helpdesk[{i}]"
        key = tuple(row.values())
        if key in seen:
            skipped.append(Skipped(where, "duplicate_id",
                                   f"exact duplicate of row helpdesk[{seen[key]}]"))
            continue
        seen[key] = i
        case, resource = row.get("case:concept:name"), row.get("Resource")
        if not case or not resource:
            skipped.append(Skipped(where, "missing_field", "an event needs a case and a resource"))
            continue
        try:
            at = datetime.fromisoformat((row.get("time:timestamp") or "").strip())
        except ValueError:
            at = None
        if at is None or at.tzinfo is None:
            skipped.append(Skipped(f"{where}.time:timestamp", "invalid_instant",
                                   f"not an instant with an offset: {row.get('time:timestamp')!r}"))
            continue
        events.append((i, row, at))
    cases: dict[str, list[tuple[int, dict[str, str], datetime]]] = defaultdict(list)
    resources: dict[str, None] = {}
    for item in events:
        cases[item[1]["case:concept:name"]].append(item)
        resources.setdefault(item[1]["Resource"], None)
    threads: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    thread_events: list[dict[str, Any]] = []
    for case, items in cases.items():
        items.sort(key=lambda it: (it[2], it[0]))
        threads.append({"id": case, "team": "helpdesk"})
        messages.append({"id": f"{case}-opened", "thread": case, "at": _iso(items[0][2]),
                         "direction": "in", "channel": "helpdesk"})
    for i, row, at in events:
        mapping = _HELPDESK_EVENTS.get(row["Activity"], {"type": "note"})
        rec: dict[str, Any] = {"id": f"h{i}", "thread": row["case:concept:name"],
                               "at": _iso(at), **mapping, "user": row["Resource"]}
        if mapping["type"] == "assign":
            rec["to_user"] = row["Resource"]
        thread_events.append(rec)
    data = {
        "teams": [{"id": "helpdesk", "name": "Helpdesk"}],
        "users": [{"id": r, "team": "helpdesk"} for r in resources],
        "threads": threads,
        "messages": messages,
        "thread_events": thread_events,
    }
    return data, skipped


def helpdesk_dataset(path: str | os.PathLike[str]) -> tuple[Dataset, LoadReport]:
    """:func:`helpdesk_data`, validated leniently: ``(Dataset, LoadReport)``."""
    data, skipped = helpdesk_data(path)
    return _dataset(data, skipped)


def _dataset(data: dict[str, Any], skipped: list[Skipped]) -> tuple[Dataset, LoadReport]:
    return from_dict_lenient(
        data, errors=[SalesmetricsError(s.code, s.path, s.message) for s in skipped])
