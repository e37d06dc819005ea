"""The adapters on the shared public datasets (skipped when they are not beside the repo)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from salesmetrics.load.realdata import (
    helpdesk_dataset,
    maven_crm_dataset,
    parse_twitter_time,
    twcs_data,
    twcs_dataset,
)

REALDATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata"
needs_data = pytest.mark.skipif(not REALDATA.is_dir(), reason="../shared/realdata not present")


def test_twitter_time_keeps_its_offset() -> None:
    assert parse_twitter_time("Tue Oct 31 22:10:47 +0000 2017").utcoffset() is not None


@needs_data
def test_twcs_reads_5000_tweets_despite_bare_carriage_returns() -> None:
    data, skipped = twcs_data(REALDATA / "twcs" / "twcs_subset.csv")
    assert skipped == []
    assert len(data["messages"]) == 5000
    ds, report = twcs_dataset(REALDATA / "twcs" / "twcs_subset.csv")
    assert len(report) == 0
    assert len(ds.messages) == 5000 and len(ds.customers) == 1443 and len(ds.teams) == 76
    assert 1200 < len(ds.threads) < 1450
    assert Counter(m.direction.value for m in ds.messages) == {"in": 2778, "out": 2222}
    first = next(m for m in ds.messages if m.id == "1")
    assert first.at.isoformat() == "2017-10-31T22:10:47+00:00" and first.team == "sprintcare"


@needs_data
def test_maven_crm_reports_prospecting_deals_without_engage_date() -> None:
    ds, report = maven_crm_dataset(REALDATA / "crm_maven")
    assert len(report) == 500
    assert {s.code for s in report.skipped} == {"missing_field"}
    assert all(s.path.endswith(".engage_date") for s in report.skipped)
    assert len(ds.leads) == 8300 and len(ds.users) == 35 and len(ds.teams) == 3
    types = Counter(lead.type for lead in ds.leads)
    assert "GTXPro" not in types and types["GTX Pro"] > 0
    groups = Counter(lead.status_group.value for lead in ds.leads if lead.status_group)
    assert groups == {"won": 4238, "lost": 2473, "open": 1589}
    won = [lead for lead in ds.leads if lead.status_group and lead.status_group.value == "won"]
    assert all(len(lead.conversions) == 1 and lead.conversions[0].kind.value == "sale"
               for lead in won)
    agents_with_deals = {lead.assignee for lead in ds.leads}
    assert len({u.id for u in ds.users} - agents_with_deals) == 5


@needs_data
def test_helpdesk_reports_the_127_duplicate_rows() -> None:
    ds, report = helpdesk_dataset(REALDATA / "helpdesk" / "helpdesk.csv")
    assert len(report) == 127 and {s.code for s in report.skipped} == {"duplicate_id"}
    assert len(ds.thread_events) == 21348 - 127
    assert len(ds.threads) == 4580 and len(ds.users) == 22
    assert len(ds.messages) == 4580
